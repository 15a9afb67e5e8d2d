"""A trial's view of the worker's shared graphs: its own cutoff, or the graphs' when the cutoff is not searched."""

import pytest
from tiny_sweep import write_dataset

from glass_lightning.errors import GlassDataError
from glass_lightning.sweep.shared_data import SharedGraphData


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    paths = write_dataset(tmp_path_factory.mktemp("shared") / "data")
    arguments = {"paths": str(paths), "cutoff": 1.5, "val_fraction": 0.25, "test_fraction": 0.25}
    return {"class_path": "glass_lightning.data.datamodule.GlassDataModule", "init_args": arguments}


def test_the_cutoff_is_the_trials_or_the_graphs(data):
    assert SharedGraphData(data).cutoff == 1.5  # a sweep that does not search the cutoff
    trial = SharedGraphData(data, 1.2)
    assert trial.cutoff == 1.2 and trial.shared is SharedGraphData(data).shared  # one data module per process
    with pytest.raises(GlassDataError, match="the trial's cutoff 1.6 exceeds the graphs' cutoff 1.5"):
        SharedGraphData(data, 1.6)
