"""glass-lightning quench: inherent structures added to configurations that lack them."""

import numpy as np

from glass_lightning.cli import main
from glass_lightning.data.formats import read_snapshots
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.simulate.kob_andersen import per_particle_energy


def test_quench_adds_minimized_positions_and_keeps_the_rest(tmp_path):
    original = synthetic_snapshot(256, temperature=0.5, num_times=2, seed=3)
    write_snapshot(tmp_path / "in" / "config_000.npz", original)
    assert main(["quench", str(tmp_path / "in"), "--output", str(tmp_path / "out")]) == 0
    (quenched,) = read_snapshots(str(tmp_path / "out"))
    thermal_energy = per_particle_energy(np.mod(original.positions, original.box), original.types, original.box)
    assert quenched.inherent_potential_energy.sum() < thermal_energy.sum()
    np.testing.assert_allclose(
        quenched.inherent_potential_energy,
        per_particle_energy(quenched.inherent_positions, quenched.types, quenched.box),
        rtol=1e-9,
    )
    np.testing.assert_array_equal(quenched.positions, original.positions)
    np.testing.assert_array_equal(quenched.propensity, original.propensity)
    assert quenched.temperature == original.temperature


def test_quench_keeps_files_already_written(tmp_path, capsys):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(256, seed=1))
    assert main(["quench", str(tmp_path / "in"), "--output", str(tmp_path / "out")]) == 0
    written = (tmp_path / "out" / "config_000.npz").stat().st_mtime_ns
    assert main(["quench", str(tmp_path / "in"), "--output", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "config_000.npz").stat().st_mtime_ns == written
    assert "0 configuration(s) quenched, 1 already there" in capsys.readouterr().out


def test_quench_reports_a_missing_input_and_a_box_too_small_as_one_line(tmp_path, capsys):
    assert main(["quench", str(tmp_path / "nothing"), "--output", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("glass-lightning quench:")
    write_snapshot(tmp_path / "small" / "config_000.npz", synthetic_snapshot(64, seed=1))
    assert main(["quench", str(tmp_path / "small"), "--output", str(tmp_path / "out")]) == 1
    assert "below twice the Kob-Andersen cutoff" in capsys.readouterr().err


def test_quench_refuses_an_output_inside_its_input_before_reading_it(tmp_path, capsys):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(256, seed=1))
    before = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*"))
    assert main(["quench", str(tmp_path / "in"), "--output", str(tmp_path / "in" / "quenched")]) == 1
    error = capsys.readouterr().err
    assert f"field 'output': the output lies inside the input {tmp_path / 'in'}" in error and error.count("\n") == 1
    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*")) == before


def test_quench_removes_the_temporary_files_a_killed_run_left(tmp_path):
    write_snapshot(tmp_path / "in" / "config_000.npz", synthetic_snapshot(256, seed=1))
    stale = tmp_path / "out" / ".config_000.npz.k1ll3d00.partial"
    stale.parent.mkdir()
    stale.write_bytes(b"half a file")
    assert main(["quench", str(tmp_path / "in"), "--output", str(tmp_path / "out")]) == 0
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["config_000.npz"]
