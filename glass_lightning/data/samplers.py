"""Samplers that make training and evaluation independent of the number of processes.

Both are ``DistributedSampler`` subclasses, so Lightning keeps them instead of putting its own
(padded) ``DistributedSampler`` in their place; they read the process group themselves and
behave as plain samplers in a single process.

* ``EpochShuffleSampler`` (training): one permutation per epoch seeded by ``(seed, epoch)``,
  each process taking its shard (padded to equal length, as DDP needs the same number of steps
  everywhere). It can start partway into an epoch, which is how a run killed mid-epoch resumes
  on exactly the batches it had not trained on yet.
* ``UnpaddedShardSampler`` (validation, test, predict): process ``r`` of ``W`` takes samples
  ``r, r + W, r + 2W, ...``; every sample is seen exactly once, none twice, so the metrics
  summed over processes are those of the whole split. Shards may differ in length by one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sized

import torch.distributed as dist
from torch.utils.data import DistributedSampler


def process_group_shape(num_replicas: int | None = None, rank: int | None = None) -> tuple[int, int]:
    """(number of processes, this process's rank), as given or from the process group; (1, 0)
    outside a process group."""
    if num_replicas is not None and rank is not None:
        return num_replicas, rank
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size(), dist.get_rank()
    return 1, 0


def global_seed() -> int:
    """The seed given to ``seed_everything`` (Lightning's convention for samplers), 0 if none."""
    return int(os.environ.get("PL_GLOBAL_SEED", 0))


class EpochShuffleSampler(DistributedSampler):
    """Training sampler: this process's shard of the ``(seed, epoch)`` permutation (see module doc)."""

    def __init__(self, dataset: Sized, seed: int, num_replicas: int | None = None, rank: int | None = None):
        num_replicas, rank = process_group_shape(num_replicas, rank)
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=True, seed=seed, drop_last=False)
        self._resume_point: tuple[int, int] | None = None

    def resume_within_epoch(self, epoch: int, samples_done: int) -> None:
        """Skip this process's first ``samples_done`` samples the next time ``epoch`` is iterated."""
        self._resume_point = (epoch, samples_done)

    def __iter__(self) -> Iterator[int]:
        indices = list(super().__iter__())
        if self._resume_point is not None and self._resume_point[0] == self.epoch:
            indices = indices[self._resume_point[1] :]
        self._resume_point = None
        return iter(indices)


class UnpaddedShardSampler(DistributedSampler):
    """Evaluation sampler: every sample exactly once over all processes (see module doc)."""

    def __init__(self, dataset: Sized, num_replicas: int | None = None, rank: int | None = None):
        num_replicas, rank = process_group_shape(num_replicas, rank)
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=False, drop_last=False)
        self.num_samples = len(self._indices())
        self.total_size = len(dataset)

    def _indices(self) -> range:
        return range(self.rank, len(self.dataset), self.num_replicas)

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices())
