"""``glass-lightning completion SHELL``: shtab's script, made from every subcommand's own parser."""

import pytest

from glass_lightning import cli
from glass_lightning.completion import SHELLS


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_completes_every_subcommand_and_their_flags(shell, capsys):
    assert cli.main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert all(name in script for name in cli.SUBCOMMANDS)
    assert "batch-size" in script and "--batch_size" not in script and "-l batch_size" not in script  # not the alias
    assert "no-progress" in script and "lammps-dump" in script  # a flag; the --format choices


def test_an_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["completion", "cmd.exe"])
    assert exit.value.code == 2 and "invalid choice" in capsys.readouterr().err
