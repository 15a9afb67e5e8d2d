"""A tiny sweep end to end: 2 workers sharing a journal, a failing trial, a dead worker's trial,
a forced pruning on resume, nested MLflow runs, plots and a best config that trains as is."""

import socket

import optuna
import pytest
import yaml
from mlflow import MlflowClient
from optuna.storages import RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState
from tiny_sweep import sweep_settings, write_dataset, write_sweep, write_training_config

from glass_lightning.cli import main
from glass_lightning.sweep.command import run_sweep
from glass_lightning.sweep.study import open_study
from glass_lightning.training.tracking import tracking_uri_in

pytestmark = pytest.mark.slow  # end to end

NO_SUCH_PID = 2**22 + 1  # above Linux's pid_max default: never a live process


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sweep_run")
    base_config = write_training_config(directory, write_dataset(directory / "data"))
    space = sweep_settings(directory, base_config)["search_space"]
    space["lr"] = {"type": "float", "low": 1e-3, "high": 3e-2}
    # enqueued out of range on purpose: Adam raises during fit, the trial must fail, the study go on
    first = sweep_settings(directory, base_config, search_space=space, enqueue=[{"lr": -1.0}])
    spec = run_sweep(str(write_sweep(directory / "first.yaml", first)), workers=2)
    study = open_study(spec)
    dead = study.ask()  # a trial left running by a worker that no longer exists
    dead.set_user_attr("worker", f"{socket.gethostname()}:{NO_SUCH_PID}")
    # resumed with a pruner that must prune (a Pearson correlation is never above 2)
    resumed = dict(first, n_trials=4, pruner={"name": "threshold", "lower": 2.0})
    run_sweep(str(write_sweep(directory / "resumed.yaml", resumed)), workers=1)
    return directory, spec, open_study(spec), dead.number


def trials_in(study: optuna.Study, state: TrialState) -> list[optuna.trial.FrozenTrial]:
    return study.get_trials(states=(state,))


def test_study_holds_results_failures_and_retries(sweep):
    _, _, study, dead = sweep
    assert len(trials_in(study, TrialState.COMPLETE)) == 3
    assert len(trials_in(study, TrialState.PRUNED)) == 1
    failed = {trial.number: trial for trial in trials_in(study, TrialState.FAIL)}
    assert dead in failed
    assert "Invalid learning rate" in failed[0].user_attrs["error"]
    assert not trials_in(study, TrialState.RUNNING) and not trials_in(study, TrialState.WAITING)
    retried = [trial for trial in study.trials if RetryHeartbeatStaleTrialCallback.retried_trial_number(trial) == dead]
    assert [trial.state for trial in retried] == [TrialState.PRUNED]
    assert all(-1.0 <= trial.value <= 1.0 for trial in trials_in(study, TrialState.COMPLETE))


def test_every_trial_is_a_nested_mlflow_run_with_its_state(sweep):
    directory, spec, study, _ = sweep
    client = MlflowClient(tracking_uri_in(directory))
    experiment = client.get_experiment_by_name(spec.experiment_name)
    runs = client.search_runs([experiment.experiment_id])
    parents = [run for run in runs if "mlflow.parentRunId" not in run.data.tags]
    assert len(parents) == 1
    parent = parents[0]
    children = [run for run in runs if run.data.tags.get("mlflow.parentRunId") == parent.info.run_id]
    assert len(children) == len(runs) - 1 == len(study.trials) - 1  # the dead trial never reached a worker
    by_state = {}
    for child in children:
        by_state.setdefault(child.data.tags["optuna.state"], []).append(child)
    assert {state: len(found) for state, found in by_state.items()} == {"complete": 3, "failed": 1, "pruned": 1}
    for child in by_state["complete"]:
        assert child.info.status == "FINISHED"
        assert {"l_max", "num_layers", "channels", "cutoff", "lr"} <= set(child.data.params)
        assert {"val/pearson_A_mean", "val/pearson_B_mean", "val/pearson_A_t0", "val/pearson_A_t2", "objective"} <= set(
            child.data.metrics
        )
        trial = study.trials[int(child.data.tags["optuna.trial"])]
        assert child.data.metrics["objective"] == pytest.approx(trial.value)
    assert by_state["pruned"][0].info.status == "KILLED"
    assert "val/pearson_A_mean" in by_state["pruned"][0].data.metrics
    assert by_state["failed"][0].info.status == "FAILED"
    assert "Invalid learning rate" in by_state["failed"][0].data.tags["error"]
    assert parent.data.metrics["best_objective"] == pytest.approx(study.best_value)
    artifacts = {item.path for item in client.list_artifacts(parent.info.run_id, "plots")}
    assert {"plots/history.png", "plots/param_importance.png", "plots/contour.png"} <= artifacts
    assert "best.yaml" in {item.path for item in client.list_artifacts(parent.info.run_id)}


def test_best_config_trains_with_fit(sweep):
    directory, spec, study, _ = sweep
    best = spec.output_dir / "best.yaml"
    config = yaml.safe_load(best.read_text())
    assert config["data"]["init_args"]["cutoff"] == pytest.approx(study.best_params["cutoff"])
    assert config["model"]["model"]["init_args"]["l_max"] == study.best_params["l_max"]
    assert config["model"]["optimizer"]["init_args"]["lr"] == pytest.approx(study.best_params["lr"])
    main(["fit", "--config", str(best)])
    client = MlflowClient(tracking_uri_in(directory))
    experiment = client.get_experiment_by_name("tiny")
    (run,) = client.search_runs([experiment.experiment_id], filter_string="attributes.run_name = 'tiny-sweep-best'")
    assert run.info.status == "FINISHED"
    assert "val/pearson_A_mean" in run.data.metrics
    assert float(run.data.params["data/init_args/cutoff"]) == pytest.approx(study.best_params["cutoff"])
