import pytest

from glass_lightning.cli import main as cli_main
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate.config import load_config
from glass_lightning.simulate.engine import available_platforms, platform_by_name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"temperatures": [0.8, -0.5]}, "temperatures"),
        ({"density": -1.2}, "density"),
        ({"num_particles": 100}, "num_particles"),  # box 4.4 < 2 x 2.5
        ({"replicas": 0}, "replicas"),
        ({"configurations": 0}, "configurations"),
        ({"times": [0.1, 1.0, 0.5]}, "times"),
        ({"times": [0.1, 0.101]}, "times"),  # closer than one time step
        ({"time_step": 0.0}, "time_step"),
        ({"fraction_a": 1.5}, "fraction_a"),
        ({"num_times": 2}, "num_times"),  # no room for first, tau_alpha and last
        ({"trajectories": "yes"}, "trajectories"),
        ({"temperature": 0.8}, "temperature"),  # unknown key
    ],
)
def test_bad_parameters_are_refused_before_any_compute(overrides, field):
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        load_config(None, overrides)


def test_yaml_errors_name_the_file_and_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("replicas: 0\n")
    with pytest.raises(GlassDataError, match=r"bad.yaml: field 'replicas': expected a positive integer, got 0"):
        load_config(path)


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [(None, "<file>", "the simulation file does not exist"), ("- 1\n", "<root>", "expected a mapping")],
)
def test_a_simulation_file_that_is_missing_or_not_a_mapping_is_refused(tmp_path, text, field, problem):
    path = tmp_path / "bad.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(GlassDataError, match=f"bad.yaml: field '{field}': {problem}"):
        load_config(path)


def test_bundled_config_is_valid():
    config = load_config("configs/simulate/ka3d-mini.yaml")
    assert config.num_particles >= 500 and config.replicas >= 16 and config.configurations >= 24
    assert min(config.temperatures) <= 0.64


def test_missing_platform_names_the_available_ones():
    with pytest.raises(GlassDataError, match="available") as error:
        platform_by_name("NoSuchPlatform")
    assert all(name in str(error.value) for name in available_platforms())


def test_command_refuses_an_unknown_platform_before_simulating(tmp_path, capsys):
    assert cli_main(["simulate", "--quick", "--output", str(tmp_path), "--platform", "NoSuchPlatform"]) == 1
    assert "field 'platform'" in capsys.readouterr().err  # one line, no traceback
    assert not any(tmp_path.iterdir())
