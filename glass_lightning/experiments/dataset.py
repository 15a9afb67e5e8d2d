"""The dataset of an experiment as its plan and its scoring read it: the data module of a fit's data
config over every temperature (built once per process), the configurations a fit is scored on, and
the configuration files of each split, in natural order (``_2`` before ``_10``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from glass_lightning.class_paths import cached_instance
from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats import snapshot_files


def natural_key(path: str) -> list:
    """Sort key of a file name with its numbers compared as numbers: ``..._2.npz`` before ``..._10.npz``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path))]


def data_module(data: dict) -> GlassDataModule:
    """The data module of a fit's data config with every temperature of its files."""
    every_temperature = {key: value for key, value in data["init_args"].items() if key != "temperatures"}
    return cached_instance(data | {"init_args": every_temperature}, GlassDataModule, "<experiment>", "data.class_path")


def evaluation_snapshots(data: dict, split: str = "test") -> dict[float, list]:
    """Temperature -> the configurations of ``split`` of ``data`` (a fit's data config) at every temperature."""
    grouped: dict[float, list] = {}
    for snapshot in data_module(data).split_snapshots(split):
        grouped.setdefault(snapshot.temperature, []).append(snapshot)
    return grouped


@dataclass(frozen=True)
class SplitFiles:
    """The configuration files of one temperature in each split of a data config, in natural order; one
    file per configuration (its first, for a configuration stored as one file per time)."""

    train: list[str]
    val: list[str]
    test: list[str]

    @property
    def every(self) -> list[str]:
        return sorted(self.train + self.val + self.test, key=natural_key)


def split_files(data: dict) -> dict[float, SplitFiles]:
    """Temperature -> the files of the train, val and test splits of ``data`` (a fit's data config)."""
    module = data_module(data)
    files: dict[float, dict[str, list[str]]] = {}
    for split in ("train", "val", "test"):
        for snapshot in module.split_snapshots(split):
            by_split = files.setdefault(snapshot.temperature, {"train": [], "val": [], "test": []})
            by_split[split].append(snapshot_files(snapshot)[0])
    return {
        temperature: SplitFiles(**{split: sorted(names, key=natural_key) for split, names in by_split.items()})
        for temperature, by_split in sorted(files.items())
    }


def file_labels(files: list[str]) -> tuple[str, list[str]]:
    """The name the files share and what tells each apart: ``isoconfig_N4096T0.44_`` and ``["9", "10"]``."""
    stems = [Path(file).stem for file in files]
    shared = re.sub(r"\d+$", "", os.path.commonprefix(stems)) if len(stems) > 1 else ""
    return shared, [stem[len(shared) :] for stem in stems]


def files_text(files: list[str]) -> str:
    """Files in a few characters: ``isoconfig_N4096T0.44_{9, 10}``."""
    if not files:
        return "none"
    shared, labels = file_labels(files)
    return f"{shared}{{{', '.join(labels)}}}" if shared and len(files) > 1 else ", ".join(labels)
