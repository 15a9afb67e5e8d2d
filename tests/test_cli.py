"""The command dispatcher: a bad file found deep inside a command is one line and status 1, not a traceback."""

from glass_lightning import cli
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import command as simulate_command


def test_a_data_error_a_command_does_not_catch_is_one_line_and_status_1(tmp_path, monkeypatch, capsys):
    def broken(*arguments, **options):
        raise GlassDataError(tmp_path / "config_0000.npz", "positions", "expected shape (500, 3)")

    monkeypatch.setattr(simulate_command, "generate", broken)
    assert cli.main(["simulate", "--quick", "--output", str(tmp_path), "--no-progress"]) == 1
    error = capsys.readouterr().err
    assert (
        error == f"glass-lightning simulate: {tmp_path}/config_0000.npz: field 'positions': expected shape (500, 3)\n"
    )
