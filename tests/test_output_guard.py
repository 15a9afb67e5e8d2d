"""output_guard: an output that is, contains or lies inside an input is refused; one beside it is not."""

import pytest

from glass_lightning.errors import GlassDataError
from glass_lightning.output_guard import check_output_apart


@pytest.fixture
def data(tmp_path):
    """``data/T0.5/config_000.npz`` under ``tmp_path``."""
    (tmp_path / "data" / "T0.5").mkdir(parents=True)
    (tmp_path / "data" / "T0.5" / "config_000.npz").write_bytes(b"")
    return tmp_path / "data"


@pytest.mark.parametrize(
    ("output", "relation"),
    [
        ("data", "is"),
        ("data/T0.5/config_000.npz", "lies inside"),
        (".", "contains"),
        ("data/T0.5/predictions", "lies inside"),
    ],
)
def test_an_output_over_an_input_is_refused_naming_both(data, output, relation):
    with pytest.raises(GlassDataError) as raised:
        check_output_apart(data.parent / output, [data])
    assert raised.value.field == "output" and raised.value.source == str(data.parent / output)
    assert f"the output {relation} the input {data}" in str(raised.value)


def test_a_link_to_an_input_and_a_glob_that_names_it_are_the_input(data, tmp_path):
    (tmp_path / "link").symlink_to(data, target_is_directory=True)
    with pytest.raises(GlassDataError, match=f"the output lies inside the input {data}"):
        check_output_apart(tmp_path / "link" / "out", [data])
    with pytest.raises(GlassDataError, match="the output is the input .*config_000.npz \\(from .*\\*.npz\\)"):
        check_output_apart(data / "T0.5" / "config_000.npz", [str(data / "T0.5" / "*.npz")])


def test_an_output_beside_the_inputs_is_accepted(data, tmp_path):
    check_output_apart(tmp_path / "outputs" / "inherent" / "data", [data])
    check_output_apart(tmp_path / "data-predictions", [data])
    check_output_apart(data / "T0.5" / "other.npz", [str(data / "T0.5" / "config_*.npz")])
