"""``glass-lightning --help``, ``--version`` and every subcommand's ``--help``: instant, because no parser imports
the heavy libraries (timings are not asserted: the machine running the tests may be busy)."""

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

from glass_lightning import cli

HEAVY = ("torch", "lightning", "mlflow", "optuna", "e3nn", "openmm", "matplotlib")
ARGPARSE_SUBCOMMANDS = sorted(name for name, subcommand in cli.SUBCOMMANDS.items() if subcommand.parser)

# in one fresh interpreter: every argparse subcommand's --help through the dispatcher, then what it imported
HELP_EVERYWHERE = """
import contextlib, io, json, sys
from glass_lightning import cli
names, results = json.loads(sys.argv[1]), {}
for name in names:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            cli.main([name, "--help"])
            code = None
        except SystemExit as exit:
            code = exit.code
    results[name] = [code, out.getvalue()]
heavy = sorted({module.split(".")[0] for module in sys.modules} & set(json.loads(sys.argv[2])))
print(json.dumps({"help": results, "heavy": heavy}))
"""


def test_the_overview_lists_every_subcommand_with_its_summary(capsys):
    assert cli.main(["--help"]) == 0
    overview = capsys.readouterr().out
    for name, subcommand in cli.SUBCOMMANDS.items():
        assert f"  {name} " in overview and subcommand.summary in overview
    assert all(
        "\n" not in subcommand.summary and "``" not in subcommand.summary for subcommand in cli.SUBCOMMANDS.values()
    )


def test_both_commands_print_the_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"glass-lightning {version('glass_lightning')}\n"
    assert cli.lightning_main(["--version"]) == 0
    assert version("glass_lightning") in capsys.readouterr().out


def test_every_subcommand_help_succeeds_without_importing_a_heavy_library():
    finished = subprocess.run(
        [sys.executable, "-c", HELP_EVERYWHERE, json.dumps(ARGPARSE_SUBCOMMANDS), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(finished.stdout)
    assert report["heavy"] == []
    for name in ARGPARSE_SUBCOMMANDS:
        code, text = report["help"][name]
        assert code == 0, name
        assert text.startswith(f"usage: glass-lightning {name}") and cli.SUBCOMMANDS[name].summary[:30] in text
        assert "``" not in text and ":func:" not in text and ":class:" not in text, name


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(cli.SUBCOMMANDS) - set(ARGPARSE_SUBCOMMANDS)))
def test_the_training_subcommands_help_succeeds(name):
    """LightningCLI's parser (fit, validate, test) is built from Lightning's classes: seconds, not instant."""
    finished = subprocess.run(
        [sys.executable, "-m", "glass_lightning.cli", name, "--help"], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.startswith("usage:")
