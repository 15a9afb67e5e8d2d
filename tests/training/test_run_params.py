"""A run keeps one MLflow param per setting: no LightningCLI internals, no second names of the data's settings."""

from glass_lightning.training.run_params import kept_params

# what a CLI fit hands the logger: the config's data section first, then the module's and the data module's
# hyperparameters merged by Lightning (the data module's bare, the network's with the values linked from the data)
CONFIG = {"data/class_path": "GlassDataModule", "data/init_args/cutoff": "1.5", "data/init_args/batch_size": "2"}
MERGED = {
    "_instantiator": "lightning.pytorch.cli.instantiate_module",
    "model/class_path": "tiny.TinyNet",
    "model/init_args/hidden": 4,
    "model/init_args/cutoff": 1.5,
    "model/init_args/num_outputs": 3,
    "model/init_args/num_node_attr": 0,
    "model/_class_path": "x",
    "num_outputs": 3,
    "type_weights": None,
    "cutoff": 1.5,
    "batch_size": 2,
}


def test_internals_and_second_names_are_left_out():
    kept = kept_params(MERGED, CONFIG)
    assert kept == {
        "model/class_path": "tiny.TinyNet",
        "model/init_args/hidden": 4,
        "model/init_args/num_node_attr": 0,  # linked from the data, but logged under no other name
        "num_outputs": 3,
        "type_weights": None,
    }


def test_a_value_that_differs_is_kept_under_both_names():
    """Only copies are dropped: a bare name whose value is not the data section's is a setting of its own."""
    assert kept_params({"cutoff": 2.0, "model/init_args/cutoff": 2.5}, CONFIG) == {
        "cutoff": 2.0,
        "model/init_args/cutoff": 2.5,
    }


def test_without_a_data_section_the_data_modules_own_names_stay():
    """A fit from Python (no CLI config logged): the data module's hyperparameters are the only record."""
    assert kept_params({"cutoff": 1.5, "batch_size": 2}, {}) == {"cutoff": 1.5, "batch_size": 2}
