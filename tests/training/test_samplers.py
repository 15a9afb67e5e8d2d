"""The samplers that make training resumable and evaluation exact under DDP."""

import pytest

from glass_lightning.data.samplers import EpochShuffleSampler, UnpaddedShardSampler


@pytest.mark.parametrize("size, processes", [(7, 2), (7, 3), (2, 3), (6, 2)])
def test_evaluation_shards_cover_every_sample_exactly_once(size, processes):
    shards = [list(UnpaddedShardSampler(range(size), num_replicas=processes, rank=rank)) for rank in range(processes)]
    assert sorted(index for shard in shards for index in shard) == list(range(size))
    assert [len(UnpaddedShardSampler(range(size), num_replicas=processes, rank=rank)) for rank in range(processes)] == [
        len(s) for s in shards
    ]


def test_training_order_depends_only_on_seed_and_epoch():
    first, second = EpochShuffleSampler(range(10), seed=3), EpochShuffleSampler(range(10), seed=3)
    first.set_epoch(1)
    second.set_epoch(1)
    assert list(first) == list(second)
    second.set_epoch(2)
    assert list(first) != list(second) and sorted(second) == list(range(10))


def test_training_resumes_on_the_remaining_samples_of_that_epoch_only():
    sampler = EpochShuffleSampler(range(10), seed=0, num_replicas=2, rank=1)
    sampler.set_epoch(4)
    full = list(sampler)
    sampler.resume_within_epoch(epoch=4, samples_done=2)
    assert list(sampler) == full[2:]
    assert list(sampler) == full
    sampler.resume_within_epoch(epoch=3, samples_done=2)
    assert list(sampler) == full
