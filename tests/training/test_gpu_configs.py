"""The GPU configs carry the real-data recipe and run: configs/paper.yaml on a synthetic set in
GlassBench's layout at full size (N = 4096), parsed, built and stepped once on the CPU."""

from pathlib import Path

import numpy as np
import pytest
import yaml

from glass_lightning.cli import lightning_main
from glass_lightning.data.formats.glassbench import cubic_box
from glass_lightning.data.synthetic import synthetic_snapshot

REPOSITORY = Path(__file__).resolve().parents[2]
FULL_SIZE = 4096


def write_glassbench_set(folder: Path, count: int) -> Path:
    """``count`` random configurations of N = 4096 as GlassBench stores them (no box, no temperature)."""
    for index in range(count):
        snapshot = synthetic_snapshot(num_particles=FULL_SIZE, num_times=10, seed=index)
        np.testing.assert_allclose(snapshot.box, cubic_box(FULL_SIZE))  # density 1.2, as GlassBench's
        arrays = {
            "types": snapshot.types,
            "initial_positions": snapshot.positions,
            "initial_positions_inherent": snapshot.inherent_positions,
            "md_prop": snapshot.propensity,
            "bb_prop": np.zeros_like(snapshot.propensity),
        }
        np.savez(folder / f"N{FULL_SIZE}T0.44_{index}.npz", **arrays)
    return folder


def test_the_paper_config_carries_the_real_data_recipe():
    paper = yaml.safe_load((REPOSITORY / "configs" / "paper.yaml").read_text())
    recipe = yaml.safe_load((REPOSITORY / "configs" / "default.yaml").read_text())
    network, recipe_network = paper["model"]["model"]["init_args"], recipe["model"]["model"]["init_args"]
    for key in ("l_max", "num_layers", "readout", "coarse_graining", "radial", "linear_node_inputs"):
        assert network[key] == recipe_network[key], key
    assert paper["model"]["standardize_per_configuration"] is True
    assert paper["data"]["init_args"]["positions"] == "inherent"
    assert paper["data"]["init_args"]["cutoff"] == recipe["data"]["init_args"]["cutoff"]
    assert paper["data"]["init_args"]["node_inputs"] == recipe["data"]["init_args"]["node_inputs"]
    assert paper["checkpoint"] == recipe["checkpoint"]


@pytest.mark.slow
def test_the_paper_config_parses_builds_and_takes_a_training_step_on_glassbench_layout_data(tmp_path):
    (tmp_path / "T0.44").mkdir()
    data = write_glassbench_set(tmp_path / "T0.44", count=3)  # one to train, one to validate, one to test
    cpu_step = [
        "--trainer.accelerator", "cpu", "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
        "--trainer.max_epochs", "1", "--trainer.limit_train_batches", "1", "--trainer.limit_val_batches", "1",
        "--trainer.default_root_dir", str(tmp_path / "run"), "--data.init_args.num_workers", "0", "--data.init_args.batch_size", "1",
        "--test_after_fit", "false",
    ]  # fmt: skip
    config = ["--config", str(REPOSITORY / "configs" / "paper.yaml"), "--data.init_args.paths", str(data)]
    assert lightning_main(["fit", *config, *cpu_step]) in (0, None)
    assert list((tmp_path / "run").rglob("*.ckpt")), "the step ran but no checkpoint was written"
