"""predict_arrays on an SE3Net: features of the representation, and the recipe's temperature handling."""

import logging

import numpy as np
import pytest
from synthetic_data import write_synthetic_dataset

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.errors import GlassDataError
from glass_lightning.models import SE3Net
from glass_lightning.training.module import GlassModule
from glass_lightning.training.predict import predict_arrays


@pytest.fixture(scope="module")
def fitted_parts(tmp_path_factory):
    directory = tmp_path_factory.mktemp("data")
    write_synthetic_dataset(directory, temperatures=(0.5,), per_temperature=3, num_particles=128)
    datamodule = GlassDataModule(str(directory), cutoff=2.0, val_fraction=0.34, test_fraction=0.0)
    datamodule.setup("fit")
    network = SE3Net(num_outputs=datamodule.num_timescales, cutoff=2.0, l_max=1, channels=4, num_layers=1)
    recipe = GraphRecipe.from_dict(datamodule.graph_recipe.as_dict(), "<memory>")
    return GlassModule(network, num_outputs=datamodule.num_timescales).eval(), recipe, datamodule


def test_features_are_the_networks_invariants_and_predictions_keep_the_targets_units(fitted_parts):
    module, recipe, datamodule = fitted_parts
    snapshots = datamodule.split_snapshots("val")
    ((snapshot, arrays),) = list(predict_arrays(module, recipe, snapshots, features=True))
    assert arrays["features"].shape == (snapshot.num_particles, module.model.num_invariant_features)
    assert np.isfinite(arrays["features"]).all()
    np.testing.assert_allclose(arrays["target"], snapshot.propensity[recipe.timescales].T, rtol=1e-5)


def test_an_untrained_temperature_uses_the_nearest_scale_and_says_so(fitted_parts, caplog):
    module, recipe, datamodule = fitted_parts
    snapshot = datamodule.split_snapshots("val")[0]
    hotter = type(snapshot)(**{**snapshot.__dict__, "temperature": 0.6})
    with caplog.at_level(logging.WARNING):
        ((_, arrays),) = list(predict_arrays(module, recipe, [hotter]))
    assert "T=0.6 was not trained on" in caplog.text
    np.testing.assert_array_equal(arrays["times"], recipe.times[0])


def test_a_species_the_model_never_saw_is_refused(fitted_parts):
    """A model trained on A particles alone is refused a file with B particles (unknown labels never make a Snapshot)."""
    module, recipe, datamodule = fitted_parts
    snapshot = datamodule.split_snapshots("val")[0]
    only_a = GraphRecipe.from_dict({**recipe.as_dict(), "num_types": 1}, "<memory>")
    with pytest.raises(GlassDataError, match="knows 1 species"):
        list(predict_arrays(module, only_a, [snapshot]))
