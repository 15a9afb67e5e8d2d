"""2-process CPU DDP (gloo): metrics over exactly the split, one MLflow run, checkpoints in one place."""

from pathlib import Path

import pytest
from distributed_runs import REPOSITORY, run_lightning, runs_of, write_config
from mlflow import MlflowClient
from synthetic_data import write_synthetic_dataset

from glass_lightning.cli import lightning_main
from glass_lightning.training.tracking import tracking_uri_in

DDP_CPU = REPOSITORY / "configs" / "trainer" / "ddp_cpu.yaml"


@pytest.fixture(scope="module")
def ddp_fit(tmp_path_factory) -> tuple[Path, Path]:
    """A 2-process fit + test on 3 validation and 3 test files (odd: not divisible by 2)."""
    directory = tmp_path_factory.mktemp("ddp")
    write_synthetic_dataset(directory / "data", temperatures=(0.5, 0.6, 0.7), per_temperature=4, num_particles=48)
    config = write_config(directory, directory / "data", "ddp", trainer__max_epochs=2)
    finished = run_lightning("fit", "--config", str(config), "--config", str(DDP_CPU), "--test_after_fit", "true")
    assert finished.returncode == 0, finished.stderr[-3000:]
    return directory, config


@pytest.mark.slow
def test_a_ddp_fit_is_one_mlflow_run_with_one_checkpoint(ddp_fit):
    directory, _ = ddp_fit
    (run,) = runs_of(directory, "ddp")
    assert run.info.status == "FINISHED"
    assert "test/pearson_A_mean" in run.data.metrics
    assert len(list((directory / "outputs").rglob("*.ckpt"))) == 1
    artifacts = {item.path for item in MlflowClient(tracking_uri_in(directory)).list_artifacts(run.info.run_id)}
    assert {"learning_curves.png", "val_scatter.png"} <= artifacts  # drawn once, on rank 0, from both processes


def test_ddp_validation_and_test_pearson_equal_a_single_process_on_the_same_weights(ddp_fit):
    directory, config = ddp_fit
    (checkpoint,) = (directory / "outputs").rglob("*.ckpt")
    # the best of two epochs is saved; validate it in one process
    lightning_main(["validate", "--config", str(config), "--ckpt_path", str(checkpoint)])
    lightning_main(["test", "--config", str(config), "--ckpt_path", str(checkpoint)])
    ddp_run, single_validate, single_test = runs_of(directory, "ddp")
    ddp = ddp_run.data.metrics
    best_epoch_validation = {"val/pearson_A_mean": ddp["val/pearson_A_mean_best"]}
    assert single_validate.data.metrics["val/pearson_A_mean"] == pytest.approx(
        best_epoch_validation["val/pearson_A_mean"], abs=1e-6
    )
    compared = [key for key in single_test.data.metrics if key.startswith("test/")]
    assert {"test/loss", "test/pearson_B_t0", "test/pearson_per_configuration_A_t1", "test/T0.6/pearson_A_t2"} <= set(
        compared
    )
    for key in compared:
        assert ddp[key] == pytest.approx(single_test.data.metrics[key], abs=1e-6), key
