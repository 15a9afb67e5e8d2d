"""The 3D Kob–Andersen 80:20 binary Lennard-Jones mixture.

V_ab(r) = 4 eps_ab [(sig_ab/r)^12 - (sig_ab/r)^6] - V_shift, truncated and shifted at
r_c = 2.5 sig_ab for every pair of species (so the shift, in units of eps_ab, is the same for
all pairs). Species 0 = A (80 %), 1 = B (20 %), all masses 1. The constants of the standard
simulation of the mixture live here too: its number density, time step and the wavenumber of
the self-intermediate scattering function that defines tau_alpha.
"""

from __future__ import annotations

import numpy as np

EPSILON = np.array([[1.0, 1.5], [1.5, 0.5]])
SIGMA = np.array([[1.0, 0.8], [0.8, 0.88]])
CUTOFF_IN_SIGMA = 2.5
MASS = 1.0
# V / (4 eps) at the cutoff, identical for every pair because r_c scales with sig_ab
REDUCED_SHIFT = CUTOFF_IN_SIGMA**-12 - CUTOFF_IN_SIGMA**-6
LARGEST_CUTOFF = float(CUTOFF_IN_SIGMA * SIGMA.max())
DENSITY = 1.2  # particles per sigma_AA^3
TIME_STEP = 0.005  # of the velocity-Verlet integration, reduced time units
WAVENUMBER = 7.25  # of F_s(q, t): the first peak of the A-A structure factor


def species(num_particles: int, fraction_a: float = 0.8) -> np.ndarray:
    """Species labels: the first round(fraction_a * N) particles are A (0), the rest B (1)."""
    labels = np.ones(num_particles, dtype=np.int64)
    labels[: int(round(fraction_a * num_particles))] = 0
    return labels


def box_length(num_particles: int, density: float) -> float:
    return float((num_particles / density) ** (1.0 / 3.0))


def pair_energy(distance: np.ndarray, type_i: np.ndarray, type_j: np.ndarray) -> np.ndarray:
    """Truncated and shifted pair energy for each pair (zero beyond 2.5 sig_ab)."""
    epsilon = EPSILON[type_i, type_j]
    sigma = SIGMA[type_i, type_j]
    inverse6 = (sigma / distance) ** 6
    energy = 4.0 * epsilon * (inverse6 * inverse6 - inverse6 - REDUCED_SHIFT)
    return np.where(distance < CUTOFF_IN_SIGMA * sigma, energy, 0.0)


def per_particle_energy(positions: np.ndarray, types: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Potential energy of each particle: half of each pair energy goes to each partner."""
    from vesin import NeighborList  # imports torch: not before an energy is computed

    calculator = NeighborList(cutoff=LARGEST_CUTOFF, full_list=False)
    first, second, distance = calculator.compute(
        points=np.ascontiguousarray(positions, dtype=np.float64),
        box=np.diag(np.asarray(box, dtype=np.float64)),
        periodic=True,
        quantities="ijd",
    )
    energy = pair_energy(distance, types[first], types[second])
    per_particle = np.zeros(len(positions))
    np.add.at(per_particle, first, 0.5 * energy)
    np.add.at(per_particle, second, 0.5 * energy)
    return per_particle


def energy_expression() -> str:
    """The OpenMM CustomNonbondedForce expression (per-particle parameter ``species``).

    Tables are written as nested ``select`` on species1 + species2 (0 = AA, 1 = AB, 2 = BB):
    OpenMM's CPU platform runs this several times faster than a Discrete2DFunction lookup.
    """

    def by_pair(table: np.ndarray) -> str:
        aa, ab, bb = (repr(float(value)) for value in (table[0, 0], table[0, 1], table[1, 1]))
        return f"select(s, select(s - 1, {bb}, {ab}), {aa})"

    return (
        f"step({CUTOFF_IN_SIGMA!r} * sig - r) * 4 * eps * (x6 * x6 - x6 - ({REDUCED_SHIFT!r}));"
        " x6 = (sig / r)^6;"
        f" eps = {by_pair(EPSILON)};"
        f" sig = {by_pair(SIGMA)};"
        " s = species1 + species2"
    )
