"""Train / validation / test splits by configuration file: seeded and stratified per temperature,
or given as explicit file lists. Splits never share a configuration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from glass_lightning.errors import GlassDataError

STAGES = ("train", "val", "test")


def _split_sizes(count: int, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    """Validation and test sizes: the fractions rounded, at least one each when asked for,
    always leaving at least one configuration to train on."""
    sizes = {"val": round(val_fraction * count), "test": round(test_fraction * count)}
    for stage, fraction in (("val", val_fraction), ("test", test_fraction)):
        if fraction > 0:
            sizes[stage] = max(sizes[stage], 1)
    while sizes["val"] + sizes["test"] > count - 1 and sizes["val"] + sizes["test"] > 0:
        sizes["val" if sizes["val"] >= sizes["test"] else "test"] -= 1
    return sizes["val"], sizes["test"]


def split_by_fractions(
    sources: Sequence[str], temperatures: Sequence[float], val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[int]]:
    """Indices of each split, drawn per temperature (the snapshots' temperatures, keyed where a
    Snapshot is made) so that every temperature with at least three configurations appears in every
    split. The result depends only on the seed and the set of (source, temperature) pairs, never on
    the order files were found in."""
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise GlassDataError(
            "<arguments>",
            "val_fraction",
            f"expected fractions in [0, 1) summing below 1, got val {val_fraction}, test {test_fraction}",
        )
    by_temperature: dict[float, list[int]] = defaultdict(list)
    for index, temperature in enumerate(temperatures):
        by_temperature[temperature].append(index)
    split: dict[str, list[int]] = {stage: [] for stage in STAGES}
    for temperature, indices in sorted(by_temperature.items()):
        ordered = sorted(indices, key=lambda index: sources[index])
        rng = np.random.default_rng([seed, round(temperature * 1e6)])
        shuffled = [ordered[position] for position in rng.permutation(len(ordered))]
        num_val, num_test = _split_sizes(len(ordered), val_fraction, test_fraction)
        split["test"] += shuffled[:num_test]
        split["val"] += shuffled[num_test : num_test + num_val]
        split["train"] += shuffled[num_test + num_val :]
    return {stage: sorted(indices) for stage, indices in split.items()}


def split_by_files(
    files_of_snapshots: Sequence[Sequence[str]], files_of_stages: dict[str, Sequence[Path] | None]
) -> dict[str, list[int]]:
    """Indices of each split from explicit file lists; a stage without a list is empty.

    ``files_of_snapshots[k]`` are the files snapshot k was read from; a snapshot belongs to a
    stage when any of its files is listed there. Every listed file must be in the dataset.
    """
    owner = {Path(file).resolve(): index for index, files in enumerate(files_of_snapshots) for file in files}
    split: dict[str, list[int]] = {}
    for stage in STAGES:
        listed = [Path(file).resolve() for file in files_of_stages.get(stage) or ()]
        unknown = [str(file) for file in listed if file not in owner]
        if unknown:
            raise GlassDataError(
                unknown[0],
                f"{stage}_files",
                f"listed for the {stage} split but not in the dataset ({len(unknown)} such files)",
            )
        split[stage] = sorted({owner[file] for file in listed})
    for first, second in (("train", "val"), ("train", "test"), ("val", "test")):
        shared = set(split[first]) & set(split[second])
        if shared:
            raise GlassDataError(
                files_of_snapshots[min(shared)][0],
                f"{second}_files",
                f"the configuration is in both the {first} and {second} splits",
            )
    return split
