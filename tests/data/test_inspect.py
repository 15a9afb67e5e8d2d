import json

import pytest
from published_layouts import write_bapst, write_botan, write_glassbench

from glass_lightning.cli import main as cli_main
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.inspect import main
from glass_lightning.data.synthetic import synthetic_snapshot


def test_inspect_prints_what_a_researcher_checks_first(tmp_path, capsys):
    for seed in range(2):
        write_snapshot(
            tmp_path / "T0.500" / f"config_{seed:04d}.npz",
            synthetic_snapshot(128, temperature=0.5, num_times=3, seed=seed),
        )
    assert cli_main(["inspect", str(tmp_path), "--format", "native"]) == 0
    text = capsys.readouterr().out
    assert "files          2 (2 configurations)" in text
    assert "N = 128; composition A 79.7%, B 20.3%" in text
    assert "wrapped [0, L) (2)" in text and "potential_energy (2)" in text and "cage_positions" not in text
    assert "T = 0.5" in text and "times 0.1, 3.16228, 100" in text
    assert "mean propensity of A at those times:" in text and "mean within r < 2:" in text


def test_inspect_json_for_every_published_format(tmp_path, capsys):
    write_glassbench(tmp_path / "glassbench", temperature="0.64")
    write_botan(tmp_path / "botan", time_indices=(3, 9))
    write_bapst(tmp_path / "bapst", temperature=0.47)
    reports = {}
    for format in ("glassbench", "botan", "bapst"):
        assert main([str(tmp_path / format), "--format", format, "--json", "--cutoff", "1.5", "--allow-pickle"]) == 0
        reports[format] = json.loads(capsys.readouterr().out)
    assert reports["glassbench"]["position_conventions"] == {"centred [-L/2, L/2)": 1}
    assert reports["glassbench"]["optional_fields"]["bond_breaking"] == 1
    assert reports["botan"]["files"] == 2 and reports["botan"]["configurations"] == 1
    assert reports["botan"]["temperatures"]["0.44"]["times"] == [13, 41200]
    assert reports["botan"]["temperatures"]["0.44"]["mean_propensity"]["B"] == {
        "13": pytest.approx(0.45),
        "41200": pytest.approx(1.35),
    }
    assert reports["bapst"]["position_conventions"] == {"unwrapped": 1} and list(reports["bapst"]["temperatures"]) == [
        "0.47"
    ]
    assert reports["bapst"]["mean_neighbours"]["all"] > 0


def test_inspect_reports_bad_input_and_fails(tmp_path, capsys):
    write_bapst(tmp_path)
    assert cli_main(["inspect", str(tmp_path), "--format", "bapst"]) == 1
    assert "--allow-pickle" in capsys.readouterr().err


@pytest.mark.parametrize("cutoff", ["nan", "inf", "-1", "0"])
def test_a_cutoff_that_is_not_a_finite_positive_number_is_one_line(tmp_path, capsys, cutoff):
    write_snapshot(tmp_path / "config.npz", synthetic_snapshot(64))
    with pytest.raises(SystemExit) as exit:
        main([str(tmp_path), "--cutoff", cutoff])
    assert exit.value.code == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.endswith(f"argument --cutoff: expected a finite, positive number, got {cutoff!r}")


def test_inspect_groups_a_temperature_off_by_float_noise_with_its_own(tmp_path, capsys):
    for seed, temperature in enumerate((0.44, 0.4400000001)):
        snapshot = synthetic_snapshot(64, num_times=2, seed=seed)
        snapshot.temperature = temperature  # as a float computation may have stored it
        write_snapshot(tmp_path / f"config_{seed}.npz", snapshot)
    assert main([str(tmp_path), "--json", "--cutoff", "1.5"]) == 0
    temperatures = json.loads(capsys.readouterr().out)["temperatures"]
    assert list(temperatures) == ["0.44"] and temperatures["0.44"]["configurations"] == 2
