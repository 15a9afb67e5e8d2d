"""A training process killed with SIGKILL mid-epoch, resumed with ``--ckpt_path last``, ends
with the weights and metrics of an uninterrupted run with the same seed, in the same MLflow run."""

import pytest
import torch
from distributed_runs import run_lightning, runs_of, write_config
from synthetic_data import write_synthetic_dataset

from glass_lightning.cli import lightning_main

pytestmark = pytest.mark.slow  # end to end

# 6 training files, batch size 1: 6 steps per epoch; last.ckpt every 4 steps and every epoch;
# killed at step 10, i.e. 4 batches into the second epoch, 2 steps after the step-8 checkpoint.
SETTINGS = {
    "trainer__max_epochs": 3,
    "resume_checkpoint": {"every_n_train_steps": 4, "every_n_epochs": 1},
    "model__scheduler": {"class_path": "torch.optim.lr_scheduler.StepLR", "init_args": {"step_size": 1, "gamma": 0.5}},
}
KILL_AT_STEP = 10


def final_weights(directory):
    checkpoint = torch.load(directory / "outputs" / "resume" / "last.ckpt", map_location="cpu", weights_only=True)
    return checkpoint["state_dict"], checkpoint["global_step"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    directory = tmp_path_factory.mktemp("data")
    write_synthetic_dataset(directory, temperatures=(0.5, 0.6, 0.7), per_temperature=4, num_particles=48)
    return directory


def test_killed_and_resumed_training_matches_an_uninterrupted_run(tmp_path, dataset):
    reference = write_config(tmp_path / "reference", dataset, "reference", **SETTINGS)
    lightning_main(["fit", "--config", str(reference)])

    killer = {"class_path": "kill_at_step.KillAtStep", "init_args": {"global_step": KILL_AT_STEP}}
    killed = write_config(tmp_path / "killed", dataset, "killed", trainer__callbacks=[killer], **SETTINGS)
    finished = run_lightning("fit", "--config", str(killed))
    assert finished.returncode == -9, finished.stderr[-3000:]
    (interrupted_run,) = runs_of(tmp_path / "killed", "killed")
    assert interrupted_run.info.status == "RUNNING"
    _, saved_step = final_weights(tmp_path / "killed")
    assert saved_step == 8

    resumed = write_config(tmp_path / "killed", dataset, "killed", **SETTINGS)
    lightning_main(["fit", "--config", str(resumed), "--ckpt_path", "last"])

    (run,) = runs_of(tmp_path / "killed", "killed")
    assert run.info.run_id == interrupted_run.info.run_id and run.info.status == "FINISHED"
    (reference_run,) = runs_of(tmp_path / "reference", "reference")
    validation = {key: value for key, value in reference_run.data.metrics.items() if key.startswith("val/")}
    assert {"val/loss", "val/pearson_A_mean", "val/pearson_B_t2", "val/pearson_A_mean_best"} <= set(validation)
    for key, value in validation.items():
        assert run.data.metrics[key] == pytest.approx(value, abs=1e-6), key
    resumed_weights, resumed_step = final_weights(tmp_path / "killed")
    reference_weights, reference_step = final_weights(tmp_path / "reference")
    assert resumed_step == reference_step == 18
    for name, tensor in reference_weights.items():
        torch.testing.assert_close(resumed_weights[name], tensor, msg=name)
