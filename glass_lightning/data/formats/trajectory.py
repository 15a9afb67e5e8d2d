"""A run's frames as the trajectory readers (extended XYZ, LAMMPS dump, GSD) hand them over, and
the displacements of its particles from a starting configuration.

Unwrapping: the first frame is joined to the starting configuration by the minimum image; each
later frame to the one before by its periodic image flags where the file has them, otherwise by
the minimum image, which needs every particle to move less than half a box length between frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glass_lightning.data.snapshot import float_array
from glass_lightning.errors import GlassDataError


@dataclass(frozen=True)
class Trajectory:
    """Frames of one run; readers build it with :func:`stack_frames`, which checks them.

    Attributes:
        positions: (F, N, 3) positions as stored (wrapped or not).
        types: (N,) integer species labels, the same in every frame.
        box: (3,) orthorhombic box lengths, the same in every frame.
        times: (F,) times of the frames, non-negative and strictly increasing.
        images: (F, N, 3) integer periodic image flags, or None where the file has none.
        source: the file, named in every error.
    """

    positions: np.ndarray
    types: np.ndarray
    box: np.ndarray
    times: np.ndarray
    images: np.ndarray | None
    source: str

    @property
    def num_particles(self) -> int:
        return int(self.positions.shape[1])

    def displacements_from(self, start: np.ndarray) -> np.ndarray:
        """(F, N, 3) unwrapped displacements of every frame from ``start`` (N, 3)."""
        steps = np.diff(np.concatenate([start[None], self.positions]), axis=0)
        if self.images is None:
            steps -= self.box * np.round(steps / self.box)
        else:
            steps[0] -= self.box * np.round(steps[0] / self.box)
            steps[1:] += np.diff(self.images, axis=0) * self.box
        return np.cumsum(steps, axis=0)


def _same_in_every_frame(values: Sequence[np.ndarray], path: Path, name: str) -> np.ndarray:
    for frame, value in enumerate(values):
        if value.shape != values[0].shape or not np.array_equal(value, values[0]):
            problem = f"frame {frame} differs from frame 0; expected the same {name} in every frame"
            raise GlassDataError(path, name, problem)
    return values[0]


def stack_frames(
    path: Path,
    positions: Sequence[np.ndarray],
    types: Sequence[np.ndarray],
    boxes: Sequence[np.ndarray],
    times: Sequence[float],
    images: Sequence[np.ndarray] | None,
) -> Trajectory:
    """A checked :class:`Trajectory` from per-frame arrays: at least one frame, the same particles,
    species and box in every frame, finite positions, times that start at 0 or later and increase."""
    if not positions:
        raise GlassDataError(path, "<file>", "no frames")
    counts = [len(frame) for frame in positions]
    if len(set(counts)) > 1:
        frame = next(k for k, count in enumerate(counts) if count != counts[0])
        raise GlassDataError(path, "positions", f"frame {frame} has {counts[frame]} particles, frame 0 has {counts[0]}")
    stacked = float_array(np.stack(positions), path, "positions", (len(positions), counts[0], 3))
    times_array = float_array(np.asarray(times), path, "times", (len(positions),))
    if times_array[0] < 0 or np.any(np.diff(times_array) <= 0):
        problem = f"expected non-negative, strictly increasing frame times, got {times_array.tolist()}"
        raise GlassDataError(path, "times", problem)
    return Trajectory(
        positions=stacked,
        types=_same_in_every_frame(types, path, "types"),
        box=_same_in_every_frame(boxes, path, "box"),
        times=times_array,
        images=None if images is None else np.stack(images).astype(np.int64),
        source=str(path),
    )


def time_of_step(step: int, time_step: float | None, path: Path) -> float:
    """The time of a frame stored by its integration step number."""
    if time_step is None:
        problem = "the file numbers its frames by integration step: give the time step (--time-step) for their times"
        raise GlassDataError(path, "time_step", problem)
    if not time_step > 0:
        raise GlassDataError(path, "time_step", f"expected a positive time step, got {time_step!r}")
    return step * time_step
