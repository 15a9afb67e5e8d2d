"""One configuration of a glass former with its dynamical targets: the type every reader
produces and every writer, graph builder and dataset consumes.

Units are reduced Lennard-Jones units throughout. Positions are stored wrapped into the
primary cell ``[0, L)``; readers may hand over positions wrapped in ``[0, L)``, centred in
``[-L/2, L/2)`` or unwrapped, and :class:`Snapshot` normalizes them once, on construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    import ase

POSITION_KINDS = ("thermal", "inherent", "cage")
SPECIES = ("A", "B")  # the Kob-Andersen mixture: label 0 = A (80 %), 1 = B (20 %)
TEMPERATURE_TOLERANCE = 1e-6


def wrap_positions(positions: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Map positions in any periodic image into ``[0, L)`` along each axis."""
    wrapped = np.mod(positions, box)
    # np.mod can return exactly L for tiny negative inputs through rounding
    wrapped[wrapped >= box] -= box[np.nonzero(wrapped >= box)[1]]
    return wrapped


def position_convention(positions: np.ndarray, box: np.ndarray) -> str:
    """Name the convention of raw positions: 'wrapped [0, L)', 'centred [-L/2, L/2)' or 'unwrapped'."""
    tolerance = 1e-6 * box
    if np.all(positions >= -tolerance) and np.all(positions < box + tolerance):
        return "wrapped [0, L)"
    if np.all(positions >= -box / 2 - tolerance) and np.all(positions < box / 2 + tolerance):
        return "centred [-L/2, L/2)"
    return "unwrapped"


def float_array(value: Any, source: str | Path, name: str, shape: tuple[int | None, ...]) -> np.ndarray:
    """A float64 array of the given shape (``None`` matches any length along that axis); text and
    complex numbers are refused, never cast."""
    kind = np.asarray(value).dtype.kind
    if kind not in "biuf":
        names = {"c": "complex numbers", "U": "text", "S": "bytes", "O": "Python objects"}
        raise GlassDataError(source, name, f"expected real numbers, got {names.get(kind, np.asarray(value).dtype)}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise GlassDataError(source, name, f"expected a numeric array, got {type(value).__name__}") from error
    if array.ndim != len(shape) or any(want is not None and want != got for want, got in zip(shape, array.shape)):
        expected = ", ".join("*" if want is None else str(want) for want in shape) + ("," if len(shape) == 1 else "")
        raise GlassDataError(source, name, f"expected shape ({expected}), got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise GlassDataError(source, name, "contains NaN or inf values")
    return array


def type_name(label: int) -> str:
    """Readable name of a species label: 0 -> 'A', 1 -> 'B', ..."""
    return chr(ord("A") + label)


def species_labels(
    value: Any, source: str | Path, num_particles: int, name: str = "types", first: int = 0
) -> np.ndarray:
    """Species labels 0 .. len(SPECIES) - 1 (int64) from one integer per particle, numbered from
    ``first`` in the file (LAMMPS types start at 1); whole numbers stored as floats are taken, any
    other value, and a species the project does not know, is refused."""
    values = np.asarray(value)
    if values.shape != (num_particles,):
        raise GlassDataError(source, name, f"expected shape ({num_particles},), got {values.shape}")
    if values.dtype.kind not in "iuf":
        raise GlassDataError(source, name, f"expected integer labels, got dtype {values.dtype}")
    fractions = np.unique(values[values != np.round(values)])
    if fractions.size:
        raise GlassDataError(source, name, f"expected integer labels, got {fractions[:5].tolist()}")
    unknown = np.setdiff1d(values, np.arange(first, first + len(SPECIES)))
    if unknown.size:
        expected = ", ".join(f"{first + label} = {species}" for label, species in enumerate(SPECIES))
        problem = f"expected the Kob-Andersen species labels {expected}, got unknown labels {unknown.tolist()}"
        raise GlassDataError(source, name, problem)
    return (values - first).astype(np.int64)


def temperature_key(temperature: float) -> float:
    """A temperature as a key that groups equal temperatures (rounded to six decimals, a float32's precision);
    every Snapshot's temperature is one (rounded on construction)."""
    return round(float(temperature), 6)


def same_temperature(first: float, second: float) -> bool:
    """Whether two temperatures are one (closer than ``TEMPERATURE_TOLERANCE``)."""
    return abs(first - second) < TEMPERATURE_TOLERANCE


@dataclass
class Snapshot:
    """A periodic configuration, its optional derived structures, and its propensity targets.

    Attributes:
        positions: (N, 3) thermal positions, wrapped into ``[0, L)`` on construction.
        types: (N,) integer species labels of :data:`SPECIES`, 0 = A (majority), 1 = B.
        box: (3,) orthorhombic box lengths.
        temperature: the temperature the configuration was equilibrated at, rounded by
            :func:`temperature_key` on construction (so equal temperatures compare equal).
        inherent_positions: (N, 3) inherent-structure (energy-minimized) positions, or None.
        cage_positions: (N, 3) cage-averaged positions, or None.
        potential_energy: (N,) per-particle potential energy of the thermal configuration, or None.
        inherent_potential_energy: (N,) per-particle potential energy of the inherent structure, or None.
        times: (n_times,) strictly increasing times of the targets, or None.
        propensity: (n_times, N) iso-configurational mean of |r_i(t) - r_i(0)|, or None.
        mean_squared_displacement: (n_times, N) iso-configurational mean of |r_i(t) - r_i(0)|^2, or None.
        bond_breaking: (n_times, N) bond-breaking propensity, or None.
        metadata: free-form, JSON-serializable facts (tau_alpha, seeds, simulation parameters, ...).
        source: where the snapshot came from (a path); used in every error message.
        position_convention: the convention the raw positions arrived in (set on construction).
    """

    positions: np.ndarray
    types: np.ndarray
    box: np.ndarray
    temperature: float
    inherent_positions: np.ndarray | None = None
    cage_positions: np.ndarray | None = None
    potential_energy: np.ndarray | None = None
    inherent_potential_energy: np.ndarray | None = None
    times: np.ndarray | None = None
    propensity: np.ndarray | None = None
    mean_squared_displacement: np.ndarray | None = None
    bond_breaking: np.ndarray | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = "<memory>"
    position_convention: str = field(default="", init=True)

    def __post_init__(self) -> None:
        source = self.source
        positions = np.asarray(self.positions)
        if positions.ndim != 2 or positions.shape[1] != 3:
            raise GlassDataError(source, "positions", f"expected shape (N, 3), got {positions.shape}")
        n = positions.shape[0]
        if n == 0:
            raise GlassDataError(source, "positions", "expected at least one particle, got none")
        self.box = float_array(np.broadcast_to(np.asarray(self.box, dtype=np.float64), (3,)), source, "box", (3,))
        if np.any(self.box <= 0):
            raise GlassDataError(source, "box", f"expected three positive lengths, got {self.box.tolist()}")
        raw_positions = float_array(positions, source, "positions", (n, 3))
        if not self.position_convention:
            self.position_convention = position_convention(raw_positions, self.box)
        self.positions = wrap_positions(raw_positions, self.box)

        self.types = species_labels(self.types, source, n)

        given = float(self.temperature)
        self.temperature = temperature_key(given)  # keyed once, here: every grouping by temperature uses it as is
        if not np.isfinite(self.temperature) or self.temperature <= 0:
            raise GlassDataError(source, "temperature", f"expected a positive number (to 6 decimals), got {given}")

        for name in ("inherent_positions", "cage_positions"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, wrap_positions(float_array(value, source, name, (n, 3)), self.box))
        for name in ("potential_energy", "inherent_potential_energy"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, float_array(value, source, name, (n,)))

        self._check_targets()

    def _check_targets(self) -> None:
        source, n = self.source, self.num_particles
        targets = ("propensity", "mean_squared_displacement", "bond_breaking")
        if self.times is None:
            for name in targets:
                if getattr(self, name) is not None:
                    raise GlassDataError(source, "times", f"'{name}' is given but 'times' is missing")
            return
        times = np.atleast_1d(np.asarray(self.times, dtype=np.float64))
        self.times = float_array(times, source, "times", (times.size,))
        if times.ndim != 1 or times.size == 0:
            raise GlassDataError(source, "times", f"expected a non-empty 1-d array, got shape {times.shape}")
        if np.any(self.times <= 0) or np.any(np.diff(self.times) <= 0):
            raise GlassDataError(
                source, "times", f"expected positive, strictly increasing times, got {self.times.tolist()}"
            )
        for name in targets:
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, float_array(value, source, name, (self.times.size, n)))
                if np.any(getattr(self, name) < 0):
                    raise GlassDataError(
                        source,
                        name,
                        f"expected non-negative values (a mean distance or a fraction), got a minimum of {getattr(self, name).min():.4g}",
                    )

    @classmethod
    def read(cls, path: str | Path, format: str | None = None) -> Snapshot:
        """The one configuration of the file ``path``, checked as every reader's (data/formats); ``format``
        is told by the file's name when not given (``inferred_format``: ``.npz`` is native)."""
        from glass_lightning.data.formats import inferred_format, read_snapshots

        snapshots = read_snapshots(str(path), format or inferred_format(path))
        if len(snapshots) != 1:
            raise GlassDataError(path, "<path>", f"expected one configuration, got {len(snapshots)}")
        return snapshots[0]

    @classmethod
    def from_atoms(cls, atoms: ase.Atoms, temperature: float | None = None, source: str = "<atoms>") -> Snapshot:
        """The configuration of an ``ase.Atoms``, read as the extended XYZ reader reads a frame
        (data/formats/extxyz.py): species from an integer ``type`` array, else the elements ranked by
        atomic number (the lightest is A); the box from the cell (orthorhombic and periodic);
        ``inherent_positions``, energies and targets from arrays and ``atoms.info`` where present.
        The temperature is ``atoms.info["temperature"]``, else ``temperature``; ``source`` names the
        configuration in errors."""
        from glass_lightning.data.formats.extxyz import snapshot_of_atoms

        if temperature is None and "temperature" not in atoms.info:
            raise GlassDataError(
                source, "temperature", "atoms.info has none: give Snapshot.from_atoms(atoms, temperature=...)"
            )
        return snapshot_of_atoms(atoms, source, temperature, format="ase.Atoms")

    def to_atoms(self) -> ase.Atoms:
        """The configuration as the ``ase.Atoms`` the extended XYZ writer writes: an integer ``type``
        array (element H for A, He for B), the box as a periodic cell, every per-particle field it has as
        an array, the temperature (and times) in ``info``; :meth:`from_atoms` reads it back."""
        from glass_lightning.data.formats.extxyz import atoms_of_snapshot

        return atoms_of_snapshot(self)

    @property
    def num_particles(self) -> int:
        return int(self.positions.shape[0])

    @property
    def num_times(self) -> int:
        return 0 if self.times is None else int(self.times.size)

    def positions_of(self, kind: str) -> np.ndarray:
        """Positions of one kind: 'thermal', 'inherent' or 'cage'; a clear error if absent."""
        if kind not in POSITION_KINDS:
            raise GlassDataError(self.source, "positions", f"expected one of {POSITION_KINDS}, got {kind!r}")
        value = {"thermal": self.positions, "inherent": self.inherent_positions, "cage": self.cage_positions}[kind]
        if value is None:
            raise GlassDataError(
                self.source, f"{kind}_positions", f"{kind} positions were requested but this file has none"
            )
        return value

    def composition(self) -> dict[int, int]:
        """Number of particles of each species label."""
        labels, counts = np.unique(self.types, return_counts=True)
        return {int(label): int(count) for label, count in zip(labels, counts)}


def tau_alpha(snapshots: Sequence[Snapshot]) -> float | None:
    """The median tau_alpha of the snapshots' metadata, or None when one of them does not say."""
    values = [snapshot.metadata.get("tau_alpha") for snapshot in snapshots]
    return None if not values or any(value is None for value in values) else float(np.median(values))
