"""The format registry: find a dataset's files and read them into checked Snapshots.

A format is the file patterns it owns, a reader from a group of files to one Snapshot, and how
its files group into configurations (one file each, except BOTAN: one file per time index).
Adding a format is one reader module and one entry in :data:`FORMATS`. The formats that hold
trajectories (extended XYZ, LAMMPS dump, GSD) are also in :data:`TRAJECTORY_FORMATS`, which
``glass-lightning propensity`` reads.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from glass_lightning.data.formats import bapst, botan, extxyz, glassbench, hoomd_gsd, lammps_dump, native
from glass_lightning.data.formats.fields import temperature_from_path
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.data.graph import periodic_edges
from glass_lightning.data.snapshot import Snapshot, same_temperature
from glass_lightning.errors import GlassDataError
from glass_lightning.progress import progress_bar

MIN_PAIR_DISTANCE = 0.1  # closer than this (in sigma_AA) two particles sit on top of each other
PROGRESS_BAR_FROM = 10  # files; fewer are read without a progress bar


def _one_file_each(files: list[Path]) -> list[list[Path]]:
    return [[path] for path in files]


@dataclass(frozen=True)
class FileFormat:
    patterns: tuple[str, ...]
    read: Callable[[list[Path], bool], Snapshot]  # (files of one configuration, allow_pickle) -> Snapshot
    group: Callable[[list[Path]], list[list[Path]]] = _one_file_each
    temperature_in_path: bool = False  # lets a temperature selection skip files before reading them


FORMATS: dict[str, FileFormat] = {
    "native": FileFormat(native.FILE_PATTERNS, lambda files, allow_pickle: native.read_snapshot(files[0])),
    "glassbench": FileFormat(
        glassbench.FILE_PATTERNS,
        lambda files, allow_pickle: glassbench.read_snapshot(files[0]),
        temperature_in_path=True,
    ),
    "botan": FileFormat(
        botan.FILE_PATTERNS,
        lambda files, allow_pickle: botan.read_configuration(files),
        botan.group_files,
        temperature_in_path=True,
    ),
    "bapst": FileFormat(bapst.FILE_PATTERNS, lambda files, allow_pickle: bapst.read_snapshot(files[0], allow_pickle)),
    "extxyz": FileFormat(extxyz.FILE_PATTERNS, lambda files, allow_pickle: extxyz.read_snapshot(files[0])),
    "lammps-dump": FileFormat(
        lammps_dump.FILE_PATTERNS, lambda files, allow_pickle: lammps_dump.read_snapshot(files[0])
    ),
    "gsd": FileFormat(hoomd_gsd.FILE_PATTERNS, lambda files, allow_pickle: hoomd_gsd.read_snapshot(files[0])),
}


@dataclass(frozen=True)
class TrajectoryFormat:
    read_configuration: Callable[[Path, float | None], Snapshot]  # (file, temperature if none in it) -> first frame
    read_trajectory: Callable[[Path, float | None], Trajectory]  # (file, integration time step) -> every frame


TRAJECTORY_FORMATS: dict[str, TrajectoryFormat] = {
    "extxyz": TrajectoryFormat(extxyz.read_snapshot, extxyz.read_trajectory),
    "lammps-dump": TrajectoryFormat(lammps_dump.read_snapshot, lammps_dump.read_trajectory),
    "gsd": TrajectoryFormat(hoomd_gsd.read_snapshot, hoomd_gsd.read_trajectory),
}


def file_format(name: str) -> FileFormat:
    if name not in FORMATS:
        raise GlassDataError("<arguments>", "format", f"expected one of {sorted(FORMATS)}, got {name!r}")
    return FORMATS[name]


def formats_of_name(name: str) -> list[str]:
    """The formats whose file patterns match a file name (``*.npz`` is several formats' pattern)."""
    return [format for format, spec in FORMATS.items() if any(fnmatch.fnmatch(name, p) for p in spec.patterns)]


def _formats_of_entry(entry: str | os.PathLike) -> set[tuple[str, ...]]:
    """The formats each file that ``entry`` (a file, a folder or a glob) names could be, as tuples."""
    is_glob = glob.has_magic(str(entry))
    candidates = [Path(match) for match in glob.glob(str(entry), recursive=True)] if is_glob else [Path(entry)]
    files = [file for path in candidates for file in (path.rglob("*") if path.is_dir() else [path])]
    return {tuple(formats_of_name(file.name)) for file in files if not file.is_dir()} - {()}


def inferred_format(paths: str | os.PathLike | Sequence[str | os.PathLike], default: str = "native") -> str:
    """The format of the files that ``paths`` (files, folders, globs) name, told by their names: the one
    format every named file belongs to alone (``.extxyz``/``.xyz``, ``.lammpstrj``/``.dump``, ``.gsd``,
    ...); ``default`` where a name fits several formats (``*.npz``: native, BOTAN, GlassBench), where the
    names fit none, or where they mix such names with others (files no format owns are ignored, such as a
    folder's notes). Files of two formats, each told by its name, are refused."""
    entries = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    claims = set().union(*(_formats_of_entry(entry) for entry in entries))
    single = sorted({owners[0] for owners in claims if len(owners) == 1})
    if len(single) > 1 and all(len(owners) == 1 for owners in claims):
        raise GlassDataError(
            "<arguments>",
            "format",
            f"the inputs hold files of several formats ({', '.join(single)}): give their format",
        )
    return single[0] if len(claims) == 1 and len(single) == 1 else default


def _files_under(path: Path, patterns: Sequence[str]) -> list[Path]:
    if path.is_dir():
        return [match for pattern in patterns for match in path.rglob(pattern) if match.is_file()]
    return [path] if path.is_file() else []


def find_files(paths: str | Sequence[str], patterns: Sequence[str]) -> list[Path]:
    """Files named by ``paths``: files as given, directories searched recursively for
    ``patterns``, globs expanded (matching files and directories)."""
    found: set[Path] = set()
    for entry in [paths] if isinstance(paths, (str, Path)) else paths:
        is_glob = glob.has_magic(str(entry))
        candidates = [Path(match) for match in glob.glob(str(entry), recursive=True)] if is_glob else [Path(entry)]
        if not is_glob and not candidates[0].exists():
            raise GlassDataError(entry, "<path>", "no such file or directory")
        matches = [match for candidate in candidates for match in _files_under(candidate, patterns)]
        if not matches:
            where = "glob pattern" if is_glob else "directory"
            raise GlassDataError(
                entry, "<path>", f"no dataset files in this {where} (searched recursively for {list(patterns)})"
            )
        found.update(matches)
    if not found:
        raise GlassDataError("<arguments>", "paths", "expected at least one file, directory or glob")
    return sorted(found)


def check_no_overlaps(snapshot: Snapshot, min_distance: float = MIN_PAIR_DISTANCE) -> None:
    """Refuse particles on top of each other (a broken or duplicated configuration)."""
    edge_index, edge_vec = periodic_edges(snapshot.positions, snapshot.box, min_distance, snapshot.source)
    if edge_index.shape[1]:
        closest = int(np.argmin(np.linalg.norm(edge_vec, axis=1)))
        j, i = edge_index[:, closest]
        raise GlassDataError(
            snapshot.source,
            "positions",
            f"particles {i} and {j} are {np.linalg.norm(edge_vec[closest]):.3g} apart, "
            f"closer than {min_distance}: particles on top of each other",
        )


def _selected(temperature: float, temperatures: Sequence[float] | None) -> bool:
    return temperatures is None or any(same_temperature(temperature, wanted) for wanted in temperatures)


def read_snapshots(
    paths: str | Sequence[str],
    format: str = "native",
    allow_pickle: bool = False,
    temperatures: Sequence[float] | None = None,
) -> list[Snapshot]:
    """Read and check every configuration under ``paths`` (at ``temperatures`` only, if given)."""
    reader = file_format(format)
    groups = reader.group(find_files(paths, reader.patterns))
    snapshots, available = [], set()
    for group in progress_bar(
        groups, show=len(groups) >= PROGRESS_BAR_FROM, desc=f"reading {format} files", unit="config", leave=False
    ):
        if reader.temperature_in_path:
            temperature = temperature_from_path(group[0])
            available.add(temperature)
            if not _selected(temperature, temperatures):
                continue
        snapshot = reader.read(group, allow_pickle)
        available.add(snapshot.temperature)
        if _selected(snapshot.temperature, temperatures):
            check_no_overlaps(snapshot)
            snapshots.append(snapshot)
    missing = [wanted for wanted in temperatures or () if not _selected(wanted, [s.temperature for s in snapshots])]
    if missing:
        raise GlassDataError(
            paths, "temperatures", f"no configurations at T={missing}; the files hold T={sorted(available)}"
        )
    sizes = {snapshot.num_particles for snapshot in snapshots}
    if len(sizes) > 1:
        by_size = {size: next(s.source for s in snapshots if s.num_particles == size) for size in sorted(sizes)}
        raise GlassDataError(paths, "positions", f"expected one particle number in a dataset, got mixed N: {by_size}")
    return snapshots


def snapshot_files(snapshot: Snapshot) -> list[str]:
    """The files a snapshot was read from: its source, or for a BOTAN configuration (whose source
    names the pattern ``..._tc*.npz``) the files of each time index."""
    if Path(snapshot.source).is_file():
        return [snapshot.source]
    return list(snapshot.metadata.get("files", [snapshot.source]))


def output_paths(sources: list[str], output_dir: Path) -> list[Path]:
    """Output ``.npz`` of each snapshot source: its path relative to the sources' common folder,
    under ``output_dir``; a source that is a file pattern (BOTAN's ``{name}_tc*.npz``) loses its wildcard part."""
    resolved = [Path(source).resolve() for source in sources]
    common = Path(os.path.commonpath([path.parent for path in resolved])) if resolved else Path()
    names = [path.relative_to(common).with_name(re.sub(r"_?[^_]*\*", "", path.stem) + ".npz") for path in resolved]
    return [output_dir / name for name in names]
