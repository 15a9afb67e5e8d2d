"""K-fold cross-validation by configuration file: the files of a temperature in natural order, cut
into K consecutive groups as equal as can be; fold k validates the k-th group and trains on the
others. With ten files and K = 5, fold k (from 1) validates files 2k - 1 and 2k."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from glass_lightning.experiments.dataset import natural_key


@dataclass(frozen=True)
class Fold:
    number: int  # from 1
    train: list[str]
    val: list[str]


def cross_validation_folds(files: list[str], count: int) -> list[Fold]:
    """The ``count`` folds over ``files``; every file is validated in exactly one fold."""
    if not 2 <= count <= len(files):
        raise ValueError(f"{count} folds need between 2 and {len(files)} files; got {len(files)}")
    ordered = sorted(files, key=natural_key)
    groups = np.array_split(np.arange(len(ordered)), count)
    return [
        Fold(
            number,
            [file for index, file in enumerate(ordered) if index not in set(group)],
            [ordered[index] for index in group],
        )
        for number, group in enumerate(groups, start=1)
    ]
