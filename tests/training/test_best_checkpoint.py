"""Every ``lightning fit`` keeps its best epoch as ``checkpoints/best.ckpt``: a name to type, replaced
when the best changes and by a later fit into the same folder, never versioned (``best-v1.ckpt``),
with a resolved config that reads as Lightning's ModelCheckpoint's (experiment fits keep their keys)."""

import inspect

from lightning.pytorch.callbacks import ModelCheckpoint
from test_lightning_cli import checkpoint_of, tiny_config

from glass_lightning.cli import lightning_main
from glass_lightning.training.run import parse_fit


def test_a_fit_keeps_checkpoints_best_ckpt_and_a_later_fit_into_its_folder_replaces_it(tmp_path, synthetic_dataset):
    config = str(tiny_config(tmp_path, synthetic_dataset))
    lightning_main(["fit", "--config", config, "--trainer.max_epochs", "2"])
    best = checkpoint_of(tmp_path)  # the only checkpoint: {default_root_dir}/{experiment}/{run}/checkpoints/best.ckpt
    assert (best.name, best.parent.name) == ("best.ckpt", "checkpoints")
    first = best.stat().st_mtime_ns
    lightning_main(["fit", "--config", config, "--trainer.max_epochs", "1", "--checkpoint.dirpath", str(best.parent)])
    assert [path.name for path in best.parent.iterdir()] == ["best.ckpt"] and best.stat().st_mtime_ns > first


def test_the_checkpoint_config_is_model_checkpoints_so_resolved_configs_are_unchanged(tmp_path, synthetic_dataset):
    resolved = parse_fit(["--config", str(tiny_config(tmp_path, synthetic_dataset))])[1].as_dict()["checkpoint"]
    parameters = inspect.signature(ModelCheckpoint.__init__).parameters
    lightning = {name: parameter.default for name, parameter in parameters.items() if name != "self"}
    set_by_the_cli = {"monitor": "val/pearson_A_mean", "mode": "max", "save_top_k": 1, "save_last": False}
    assert resolved == lightning | set_by_the_cli and resolved["filename"] is None
