import pytest

from glass_lightning.data.split import split_by_files, split_by_fractions
from glass_lightning.errors import GlassDataError

SOURCES = [f"T{temperature}/config_{index:04d}.npz" for temperature in (0.44, 0.5, 0.64) for index in range(10)]
TEMPERATURES = [float(source[1:].split("/")[0]) for source in SOURCES]


def test_fraction_splits_are_disjoint_complete_and_stratified():
    split = split_by_fractions(SOURCES, TEMPERATURES, 0.2, 0.2, seed=3)
    assert sorted(split["train"] + split["val"] + split["test"]) == list(range(len(SOURCES)))
    for stage, size in (("train", 18), ("val", 6), ("test", 6)):
        assert len(split[stage]) == size
        assert {TEMPERATURES[index] for index in split[stage]} == {0.44, 0.5, 0.64}


def test_fraction_splits_depend_on_the_seed_only_not_on_file_order():
    reference = _split_sources_of(SOURCES, TEMPERATURES, seed=0)
    assert _split_sources_of(SOURCES[::-1], TEMPERATURES[::-1], seed=0) == reference
    assert _split_sources_of(SOURCES, TEMPERATURES, seed=1) != reference


def _split_sources_of(sources, temperatures, seed):
    split = split_by_fractions(sources, temperatures, 0.15, 0.15, seed=seed)
    return {stage: sorted(sources[index] for index in indices) for stage, indices in split.items()}


@pytest.mark.parametrize("count, sizes", [(1, (1, 0, 0)), (2, (1, 0, 1)), (3, (1, 1, 1)), (20, (14, 3, 3))])
def test_small_temperatures_keep_a_training_configuration(count, sizes):
    split = split_by_fractions([f"c{index}" for index in range(count)], [0.5] * count, 0.15, 0.15, seed=0)
    assert (len(split["train"]), len(split["val"]), len(split["test"])) == sizes


def test_bad_fractions_are_refused():
    with pytest.raises(GlassDataError, match="fractions"):
        split_by_fractions(SOURCES, TEMPERATURES, 0.6, 0.5, seed=0)


def test_explicit_file_lists(tmp_path):
    files = [[str(tmp_path / f"c{index}.npz")] for index in range(4)]
    split = split_by_files(files, {"train": [tmp_path / "c0.npz", tmp_path / "c2.npz"], "test": [tmp_path / "c3.npz"]})
    assert split == {"train": [0, 2], "val": [], "test": [3]}


def test_explicit_file_lists_must_be_disjoint_and_known(tmp_path):
    files = [[str(tmp_path / f"c{index}.npz")] for index in range(3)]
    with pytest.raises(GlassDataError, match="both the train and test splits"):
        split_by_files(files, {"train": [tmp_path / "c0.npz"], "test": [tmp_path / "c0.npz"]})
    with pytest.raises(GlassDataError, match="not in the dataset"):
        split_by_files(files, {"train": [tmp_path / "other.npz"]})
