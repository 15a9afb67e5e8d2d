"""The command dispatcher: a bad file found deep inside a command is one line and status 1, not a traceback."""

from pathlib import Path

import pytest

from glass_lightning import cli
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import dataset


def test_a_data_error_a_command_does_not_catch_is_one_line_and_status_1(tmp_path, monkeypatch, capsys):
    def broken(*arguments, **options):
        raise GlassDataError(tmp_path / "config_0000.npz", "positions", "expected shape (500, 3)")

    monkeypatch.setattr(dataset, "generate", broken)  # imported by the command when it runs
    assert cli.main(["simulate", "--quick", "--output", str(tmp_path), "--no-progress"]) == 1
    error = capsys.readouterr().err
    assert (
        error == f"glass-lightning simulate: {tmp_path}/config_0000.npz: field 'positions': expected shape (500, 3)\n"
    )


REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "override, expected",
    [
        (["--data.init_args.cutoff", "0"], "field 'cutoff': expected a positive cutoff"),
        (["--data.init_args.cutoff", "50"], "field 'box': box length"),
        (["--data.init_args.timescales", "[0,12]"], "field 'timescales': expected distinct indices in [0, 3)"),
        (["--data.init_args.paths", "EMPTY"], "no dataset files in this directory"),
        (["--trainer.max_epochs", "-5"], "`max_epochs` must be a non-negative integer or -1"),
    ],
)
def test_a_bad_fit_setting_is_one_line_through_the_lightning_entry_point(
    tmp_path, capsys, synthetic_dataset, override, expected
):
    """jsonargparse wraps an error raised while it builds the data module: the entry point unwraps it."""
    override = [str(tmp_path) if value == "EMPTY" else value for value in override]
    config = ["--config", str(REPOSITORY / "configs" / "ka3d-mini.yaml"), "--trainer.logger", "false"]
    data = ["--data.init_args.paths", str(synthetic_dataset), "--data.init_args.cutoff", "1.5"]
    assert cli.lightning_main(["fit", *config, *data, *override]) == 1
    error = capsys.readouterr().err
    last_line = error.replace("\r", "\n").strip().splitlines()[-1]
    assert last_line.startswith("lightning fit: ") and expected in last_line
    traceback_ends = ("errors.GlassDataError:", "MisconfigurationException:", "ValueError: Does not validate")
    assert not any(end in error for end in traceback_ends)
