"""The training CLI end to end on a tiny synthetic native dataset, with the MLflow store in tmp."""

import dataclasses
import json
import re
from pathlib import Path

import ase.io
import mlflow
import numpy as np
import pytest
import torch
import yaml
from tiny import OtherTinyNet, TinyNet
from trajectory_files import write_lammps_dump

from glass_lightning.cli import lightning_main, main
from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats import read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.formats.trajectory import Trajectory
from glass_lightning.errors import GlassDataError
from glass_lightning.training.cli import lightning_cli
from glass_lightning.training.module import GlassModule
from glass_lightning.training.run import RunLog, fit
from glass_lightning.training.tracking import tracking_uri_in

REPOSITORY = Path(__file__).resolve().parents[2]


def tiny_config(directory: Path, data: Path) -> Path:
    """A config in the layout of configs/default.yaml, sized for a test."""
    config = {
        "seed_everything": 0,
        "trainer": {
            "accelerator": "cpu",
            "max_epochs": 2,
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "default_root_dir": str(directory / "outputs"),
            "logger": {
                "class_path": "glass_lightning.training.tracking.GlassMLFlowLogger",
                "init_args": {"experiment_name": "tiny", "tracking_uri": tracking_uri_in(directory)},
            },
        },
        "model": {"model": {"class_path": "tiny.TinyNet", "init_args": {"hidden": 4}}},
        "data": {
            "class_path": "glass_lightning.data.datamodule.GlassDataModule",
            "init_args": {
                "paths": str(data),
                "cutoff": 1.5,
                "batch_size": 2,
                "val_fraction": 0.25,
                "test_fraction": 0.25,
            },
        },
        "prediction_writer": {"output_dir": str(directory / "predictions")},
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def dataset(synthetic_dataset) -> Path:
    return synthetic_dataset


@pytest.fixture(scope="module")
def trained(tmp_path_factory, dataset) -> Path:
    """One short fit + test through the ``lightning`` entry point; returns its directory."""
    directory = tmp_path_factory.mktemp("run")
    lightning_main(["fit", "--config", str(tiny_config(directory, dataset)), "--test_after_fit", "true"])
    return directory


def checkpoint_of(directory: Path) -> Path:
    (path,) = (directory / "outputs").rglob("*.ckpt")
    return path


def fit_run(directory: Path):
    """The MLflow run of the fixture's fit (a later predict opens a run of its own)."""
    client = mlflow.MlflowClient(tracking_uri_in(directory))
    (experiment,) = [e for e in client.search_experiments() if e.name == "tiny"]
    run = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])[0]
    return client, run


def test_a_fit_for_a_sweep_or_an_experiment_logs_to_its_run_and_keeps_its_best_checkpoint(tmp_path, dataset):
    run_log = RunLog("managed", tracking_uri_in(tmp_path), run_name="one fit", tags={"purpose": "test"})
    arguments = ["--config", str(tiny_config(tmp_path, dataset)), "--trainer.max_epochs", "1"]
    result = fit([*arguments, "--test_after_fit", "true"], run_log, directory=tmp_path / "fit")
    assert result.best_checkpoint == tmp_path / "fit" / "checkpoints" / "best.ckpt" and result.best_checkpoint.is_file()
    assert result.epochs == 1 and result.summary().startswith("fit: 1 epochs")
    client = mlflow.MlflowClient(run_log.tracking_uri)
    run = client.get_run(result.run_id)
    assert run.info.run_name == "one fit" and run.data.tags["purpose"] == "test"
    assert "val/pearson_A_mean" in run.data.metrics
    assert "test/pearson_A_mean" not in run.data.metrics  # fit() turns the test after fit off
    experiment = client.get_experiment(run.info.experiment_id)
    assert (experiment.name, experiment.tags["mlflow.experimentKind"]) == ("managed", "custom_model_development")


def test_fast_dev_run_through_glass_lightning_fit(tmp_path, dataset):
    config = tiny_config(tmp_path, dataset)
    # fast_dev_run saves no checkpoint: the test after fit says so and tests the final weights instead
    with pytest.warns(UserWarning, match="testing the final weights"):
        main(["fit", "--config", str(config), "--trainer.fast_dev_run", "true", "--test_after_fit", "true"])


def test_single_timescale_fits_and_tests_end_to_end(tmp_path, dataset):
    """One timescale makes torchmetrics return 0-d correlations; fit and test must still log them
    (and the gradient norms per part of the network, when asked)."""
    config = tiny_config(tmp_path, dataset)
    lightning_main(
        [
            "fit",
            "--config",
            str(config),
            "--data.init_args.timescales",
            "[1]",
            "--trainer.max_epochs",
            "1",
            "--test_after_fit",
            "true",
            "--model.log_gradient_norms",
            "true",
            "--trainer.log_every_n_steps",
            "1",
        ]
    )
    _, run = fit_run(tmp_path)
    for name in (
        "val/pearson_A_t0",
        "test/pearson_A_mean",
        "test/pearson_per_configuration_A_t0",
        "grad_norm/head",
        "grad_norm/embedding",
        "train/pearson_per_configuration_A_t0",
    ):
        assert np.isfinite(run.data.metrics[name])
    assert "test/pearson_A_t1" not in run.data.metrics


def test_mlflow_run_holds_params_pearson_scalars_config_plots_and_checkpoint(trained):
    client, run = fit_run(trained)
    metrics = run.data.metrics
    for name in (
        "val/pearson_A_t0",
        "val/pearson_A_mean",
        "val/pearson_A_mean_best",
        "test/pearson_B_t2",
        "test/pearson_per_configuration_A_mean",
        "test/T0.5/pearson_A_t1",
        "test/T0.7/pearson_per_configuration_A_t0",
        "test/T0.5/noise_ceiling_A_t2",
    ):
        assert name in metrics and np.isfinite(metrics[name])
    assert run.data.params["model/class_path"] == "tiny.TinyNet"
    assert run.data.params["data/init_args/cutoff"] == "1.5"
    artifacts = {item.path for item in client.list_artifacts(run.info.run_id)}
    assert {"config.yaml", "pearson_vs_time.png", "scatter_tau_alpha.png", "test_pearson.txt"} <= artifacts
    assert 0 < metrics["test/T0.5/noise_ceiling_A_t2"] < 1  # synthetic replicas spread, so the ceiling is below 1
    table = Path(client.download_artifacts(run.info.run_id, "test_pearson.txt", str(trained))).read_text()
    assert "noise ceiling" in table
    assert "best" in artifacts  # the best checkpoint, checkpoints/best.ckpt, logged under its name
    assert any(item.path.endswith(".ckpt") for item in client.list_artifacts(run.info.run_id, "best"))


def test_checkpoint_loads_with_plain_load_from_checkpoint(trained):
    path = checkpoint_of(trained)
    module = GlassModule.load_from_checkpoint(path)
    assert isinstance(module.model, TinyNet) and module.model.cutoff == 1.5
    saved = torch.load(path, weights_only=True)["state_dict"]
    for name, value in module.state_dict().items():
        torch.testing.assert_close(value, saved[name])


def test_checkpoint_of_another_network_class_fails_clearly(trained):
    with pytest.raises(GlassDataError, match="holds a tiny.TinyNet network.*built with tiny.OtherTinyNet"):
        GlassModule.load_from_checkpoint(checkpoint_of(trained), model=OtherTinyNet(num_outputs=3, cutoff=1.5))


def test_checkpoint_of_another_lightning_module_fails_clearly(tmp_path):
    path = tmp_path / "other.ckpt"
    torch.save({"state_dict": {}, "hyper_parameters": {"lr": 0.1}}, path)
    with pytest.raises(GlassDataError, match="not a GlassModule checkpoint"):
        GlassModule.load_from_checkpoint(path)


def test_predict_writes_one_file_per_test_snapshot(trained, dataset):
    config = trained / "config.yaml"
    lightning_main(["predict", "--config", str(config), "--ckpt_path", str(checkpoint_of(trained))])
    written = sorted((trained / "predictions").rglob("*.npz"))
    assert len(written) == 2  # test_fraction 0.25 of 4 files at each of two temperatures
    with np.load(written[0]) as archive:
        source = Path(str(archive["source"]))
        assert source.is_file() and written[0].relative_to(trained / "predictions") == source.relative_to(dataset)
        assert archive["prediction"].shape == archive["target"].shape == (64, 3)
        assert archive["node_type"].shape == (64,) and archive["times"].shape == (3,)


def _lightning_predictions(trained: Path) -> dict[str, dict]:
    """The test-split predictions of ``lightning predict`` (the test-time path), by source file."""
    lightning_main(["predict", "--config", str(trained / "config.yaml"), "--ckpt_path", str(checkpoint_of(trained))])
    by_source = {}
    for path in (trained / "predictions").rglob("*.npz"):
        with np.load(path) as archive:
            by_source[Path(str(archive["source"])).name] = dict(archive)
    return by_source


def test_checkpoint_alone_predicts_on_files_without_targets_as_at_test_time(trained, tmp_path):
    """The same configurations as native files without targets, extended XYZ and LAMMPS dumps give
    the test-time predictions of ``lightning predict``."""
    expected = _lightning_predictions(trained)
    inputs = {"native": tmp_path / "native", "extxyz": tmp_path / "extxyz", "lammps-dump": tmp_path / "lammps"}
    for source in expected.values():
        (snapshot,) = read_snapshots(str(source["source"]))
        name, folder = Path(str(source["source"])).stem, f"T{snapshot.temperature:g}"
        stripped = dataclasses.replace(
            snapshot, times=None, propensity=None, mean_squared_displacement=None, bond_breaking=None
        )
        write_snapshot(inputs["native"] / folder / f"{name}.npz", stripped)
        write_extxyz(stripped, inputs["extxyz"] / folder / f"{name}.extxyz")
        one_frame = Trajectory(
            snapshot.positions[None], snapshot.types, snapshot.box, np.zeros(1), None, snapshot.source
        )
        write_lammps_dump(inputs["lammps-dump"] / folder / f"{name}.dump", one_frame)
    for file_format, folder in inputs.items():
        output = tmp_path / f"out-{file_format}"
        command = [
            "predict",
            "--ckpt",
            str(checkpoint_of(trained)),
            str(folder),
            "--format",
            file_format,
            "--output",
            str(output),
        ]
        assert main([*command, "--plot"]) == 0
        written = sorted(output.rglob("*.npz"))
        assert sorted(path.name for path in written) == sorted(expected)
        for path in written:
            with np.load(path) as archive:
                reference = expected[path.name]
                np.testing.assert_allclose(archive["prediction"], reference["prediction"], rtol=1e-5, atol=1e-6)
                np.testing.assert_array_equal(archive["times"], reference["times"])
                assert "target" not in archive and float(archive["temperature"]) == pytest.approx(
                    float(reference["temperature"])
                )
            assert path.with_suffix(".png").stat().st_size > 0
            viewer = ase.io.read(path.with_suffix(".extxyz"), format="extxyz")
            np.testing.assert_allclose(viewer.arrays["prediction"], reference["prediction"], rtol=1e-5, atol=1e-6)


def test_predict_refuses_a_checkpoint_without_a_graph_recipe_and_features_of_a_network_without_them(
    trained, tmp_path, dataset, capsys
):
    checkpoint = torch.load(checkpoint_of(trained), map_location="cpu", weights_only=True)
    del checkpoint["glass_lightning"]["graph_recipe"]
    torch.save(checkpoint, tmp_path / "old.ckpt")
    assert main(["predict", "--ckpt", str(tmp_path / "old.ckpt"), str(dataset), "--output", str(tmp_path / "out")]) == 1
    assert "holds no graph recipe" in capsys.readouterr().err
    arguments = [str(dataset), "--output", str(tmp_path / "out"), "--features"]
    assert main(["predict", "--ckpt", str(checkpoint_of(trained)), *arguments]) == 1
    assert "TinyNet exposes no invariant_features" in capsys.readouterr().err


def test_unknown_config_key_fails_before_training(tmp_path, dataset, capsys):
    config = yaml.safe_load(tiny_config(tmp_path, dataset).read_text())
    config["model"]["learning_rat"] = 0.1
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(SystemExit):
        lightning_main(["fit", "--config", str(tmp_path / "bad.yaml")])
    assert "learning_rat" in capsys.readouterr().err
    assert not (tmp_path / "mlruns").exists()


def test_wrong_type_fails_before_training(tmp_path, dataset, capsys):
    with pytest.raises(SystemExit):
        lightning_main(["fit", "--config", str(tiny_config(tmp_path, dataset)), "--model.type_weights", "heavy"])
    assert "type_weights" in capsys.readouterr().err
    assert not (tmp_path / "mlruns").exists()


def test_threads_sets_the_processes_torch_threads_and_refuses_nonsense(tmp_path, dataset, capsys):
    before = torch.get_num_threads()
    try:
        lightning_cli(["--config", str(tiny_config(tmp_path, dataset)), "--threads", "1"], run=False, instantiate=False)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert lightning_main(["fit", "--config", str(tiny_config(tmp_path, dataset)), "--threads", "0"]) == 1
    assert "field 'threads': expected a positive number of threads, got 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "names",
    [
        ["default.yaml"],
        ["ka3d-mini.yaml"],
        ["paper.yaml"],
        ["default.yaml", "baselines/invariant.yaml"],
        ["default.yaml", "baselines/expert.yaml"],
        ["ka3d-mini.yaml", "baselines/invariant.yaml"],
        ["ka3d-mini.yaml", "baselines/expert.yaml"],
    ],
)
def test_shipped_configs_parse(names, capsys):
    configs = [argument for name in names for argument in ("--config", str(REPOSITORY / "configs" / name))]
    with pytest.raises(SystemExit) as exit_info:
        lightning_main(["fit", *configs, "--print_config"])
    assert exit_info.value.code == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["model"]["model"]["class_path"].startswith("glass_lightning.models.")


def test_curves_draw_the_fit_from_the_mlflow_store(trained, tmp_path):
    client, run = fit_run(trained)
    output = tmp_path / "curves.png"
    arguments = ["--runs", run.info.run_id, "--output", str(output), "--tracking-uri", tracking_uri_in(trained)]
    assert main(["curves", *arguments]) == 0
    assert output.read_bytes()[:4] == b"\x89PNG"
    assert main(["curves", *arguments, "--metrics", "no/such_metric"]) == 1


@pytest.mark.parametrize("names", [["default.yaml"], ["default.yaml", "trainer/botan-gpu.yaml"]])
def test_the_real_data_recipe_parses_with_another_data_folder_given(names, capsys):
    """make train-botan BOTAN=...: the recipe on other quenched files, split by fraction instead of by name."""
    configs = [argument for name in names for argument in ("--config", str(REPOSITORY / "configs" / name))]
    other_files = ["--data.init_args.paths", "some/quenched/folder"]
    by_fraction = ["--data.init_args.train_files", "null", "--data.init_args.val_files", "null"]
    with pytest.raises(SystemExit) as exit_info:
        lightning_main(["fit", *configs, *other_files, *by_fraction, "--print_config"])
    assert exit_info.value.code == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert (
        printed["data"]["init_args"]["positions"] == "inherent"
        and printed["model"]["standardize_per_configuration"] is True
    )
    assert printed["checkpoint"]["monitor"] == "val/pearson_per_configuration_A_mean"
    assert printed["data"]["init_args"]["train_files"] is None and printed["data"]["init_args"]["val_files"] is None


def test_an_evaluation_from_a_checkpoint_standardizes_node_inputs_as_the_network_was_trained(tmp_path, dataset, capsys):
    """`lightning test --ckpt_path` on files alone (no training split, as on GlassBench's test folder) takes the
    node-input statistics from the checkpoint: it runs, and scores the config's test files as the test of the
    config's own split does."""
    inputs = ["--data.init_args.node_inputs", "[inherent_displacement]"]
    config = tiny_config(tmp_path, dataset)
    lightning_main(["fit", "--config", str(config), "--trainer.max_epochs", "1", *inputs])
    split = GlassDataModule(**yaml.safe_load(config.read_text())["data"]["init_args"])
    alone = ["--data.init_args.train_files", "null", "--data.init_args.test_files", json.dumps(split.sources("test"))]
    scores = []  # the Pearson: the loss also holds the target's standardization, which needs a training split
    for files in ([], alone):
        capsys.readouterr()
        test = [
            "test",
            "--config",
            str(config),
            "--ckpt_path",
            str(checkpoint_of(tmp_path)),
            "--trainer.logger",
            "false",
        ]
        assert lightning_main([*test, *inputs, *files]) in (0, None)
        metric = "test/pearson_per_configuration_A_mean"
        (line,) = [line for line in capsys.readouterr().out.splitlines() if metric in line]
        scores.append(float(re.findall(r"[-+0-9.e]+", line.split(metric)[1])[0]))
    assert scores[0] == pytest.approx(scores[1], rel=1e-5)
