"""What an MLflow run holds besides metrics: a fit's figures (without a test), the times of its timescale
indices, its provenance and one param per setting; a predict run is named and tagged as such."""

import json
from pathlib import Path

import mlflow
import pytest
from test_lightning_cli import tiny_config

from glass_lightning.cli import lightning_main
from glass_lightning.training.run_record import time_params
from glass_lightning.training.tracking import tracking_uri_in

pytestmark = pytest.mark.slow  # a tiny fit and a predict


@pytest.fixture(scope="module")
def runs(tmp_path_factory, synthetic_dataset):
    """A fit without a test split, then a predict with its best checkpoint: (client, fit run, predict run)."""
    directory = tmp_path_factory.mktemp("record")
    config = tiny_config(directory, synthetic_dataset)
    lightning_main(["fit", "--config", str(config), "--data.init_args.test_fraction", "0"])
    (checkpoint,) = (directory / "outputs").rglob("*.ckpt")
    lightning_main(["predict", "--config", str(config), "--ckpt_path", str(checkpoint)])
    client = mlflow.MlflowClient(tracking_uri_in(directory))
    (experiment,) = [e for e in client.search_experiments() if e.name == "tiny"]
    fit, predict = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    return client, fit, predict


def artifact_json(client, run, name: str, directory: Path) -> dict:
    return json.loads(Path(client.download_artifacts(run.info.run_id, name, str(directory))).read_text())


def test_a_fit_without_a_test_draws_its_learning_curves_and_validation_scatter(runs):
    client, fit, _ = runs
    artifacts = {item.path for item in client.list_artifacts(fit.info.run_id)}
    assert {"config.yaml", "learning_curves.png", "val_scatter.png", "timescales.json", "data_files.json"} <= artifacts
    assert "scatter_tau_alpha.png" not in artifacts  # the test report's: there was no test


def test_every_timescale_index_has_its_time(runs, tmp_path):
    client, fit, _ = runs
    assert "val/pearson_A_t2" in fit.data.metrics
    assert {key: fit.data.params[key] for key in ("time/t0", "time/t1", "time/t2")} == {
        "time/t0": "0.1",
        "time/t1": "3.16227766",
        "time/t2": "100",
    }
    assert artifact_json(client, fit, "timescales.json", tmp_path)["0.5"]["t2"] == 100.0


def test_the_run_names_its_commit_version_and_data(runs, tmp_path, synthetic_dataset):
    client, fit, _ = runs
    tags = fit.data.tags
    assert tags["glass_lightning.stage"] == "fit" and tags["glass_lightning.version"] == "0.1.0"
    assert len(tags["mlflow.source.git.commit"]) == 40 or tags["mlflow.source.git.commit"] == "unknown"
    files = artifact_json(client, fit, "data_files.json", tmp_path)
    assert files["sha256"] == tags["glass_lightning.data_sha256"]
    assert {entry["split"] for entry in files["files"]} == {"train", "val"}
    assert len(files["files"]) == len(list(synthetic_dataset.rglob("*.npz")))


def test_params_hold_one_name_per_setting(runs):
    _, fit, _ = runs
    params = fit.data.params
    assert params["data/init_args/cutoff"] == "1.5" and params["model/class_path"] == "tiny.TinyNet"
    assert not [key for key in params if key.startswith("_") or "/_" in key]
    assert not {"cutoff", "batch_size", "paths", "model/init_args/cutoff", "model/init_args/num_outputs"} & set(params)


def test_a_predict_run_is_named_and_tagged_as_a_prediction(runs):
    _, fit, predict = runs
    assert predict.info.run_name == f"predict-{fit.info.run_name}"
    tags = predict.data.tags
    assert tags["glass_lightning.stage"] == "predict"
    assert tags["glass_lightning.checkpoint"].endswith(".ckpt") and tags["glass_lightning.predictions"]
    assert not predict.data.metrics


def test_times_differing_between_temperatures_are_named_per_temperature():
    assert time_params({0.5: [1.0, 2.0], 0.7: [1.0, 2.0]}) == {"time/t0": "1", "time/t1": "2"}
    assert time_params({0.5: [1.0], 0.7: [4120.0]}) == {"time/T0.5/t0": "1", "time/T0.7/t0": "4120"}
