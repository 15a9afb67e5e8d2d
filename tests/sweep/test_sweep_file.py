"""Bad sweep files fail before any trial runs, naming the key."""

from pathlib import Path

import pytest
from optuna.storages import RDBStorage
from tiny_sweep import sweep_settings, write_dataset, write_sweep, write_training_config

from glass_lightning.cli import main
from glass_lightning.errors import GlassDataError
from glass_lightning.sweep.command import run_sweep
from glass_lightning.sweep.spec import load_sweep
from glass_lightning.sweep.study import HEARTBEAT_SECONDS, open_study, storage_of


@pytest.fixture(scope="module")
def base_config(tmp_path_factory) -> list[Path]:
    directory = tmp_path_factory.mktemp("sweep_file")
    return write_training_config(directory, write_dataset(directory / "data"))


def space_with(**changes) -> dict:
    space = {"l_max": {"type": "int", "low": 0, "high": 1}}
    space.update(changes)
    return space


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        (
            {"search_space": space_with(depth={"type": "int", "low": 1, "high": 3})},
            "search_space.depth",
            "SE3Net has no argument 'depth'",
        ),
        (
            {"search_space": space_with(channels={"type": "int", "low": 8, "high": 8})},
            "search_space.channels",
            "empty range",
        ),
        (
            {"search_space": space_with(radial={"type": "categorical", "choices": []})},
            "search_space.radial",
            "non-empty list",
        ),
        (
            {"search_space": space_with(lr={"type": "float", "low": 0.0, "high": 0.1, "log": True})},
            "search_space.lr",
            "log scale",
        ),
        (
            {"search_space": space_with(num_outputs={"type": "int", "low": 1, "high": 2})},
            "search_space.num_outputs",
            "set from the data",
        ),
        (
            {"search_space": space_with(**{"data.init_args.nonsense": {"type": "int", "low": 1, "high": 2}})},
            "search_space.data.init_args.nonsense",
            "GlassDataModule has no argument",
        ),
        ({"objective": "val/spearman_A_mean"}, "objective", "expected val/pearson"),
        ({"overrides": {"trainer.no_such_key": 1}}, "overrides.trainer.no_such_key", "no 'trainer.no_such_key'"),
        ({"sampler": {"name": "grid"}}, "sampler.name", "expected one of"),
        ({"n_trials": 0}, "n_trials", "positive integer"),
        ({"timeout": "soon"}, "timeout", "expected a number"),
        ({"pruner": {"name": "median", "n_warmup": 1}}, "pruner", "MedianPruner"),
        ({"colour": "blue"}, "colour", "unknown key"),
        ({"overrides": ["trainer.max_epochs=1"]}, "overrides", "expected a mapping"),
        ({"enqueue": {"lr": 0.01}}, "enqueue", "list of parameter mappings"),
        ({"max_retry": -1}, "max_retry", "non-negative integer"),
    ],
)
def test_bad_sweep_file_names_the_key(tmp_path, base_config, changes, key, problem):
    path = write_sweep(tmp_path / "bad.yaml", sweep_settings(tmp_path, base_config, **changes))
    with pytest.raises(GlassDataError, match=problem) as raised:
        load_sweep(path)
    assert raised.value.field == key


def test_objective_beyond_the_data_fails_before_any_trial(tmp_path, base_config):
    path = write_sweep(tmp_path / "bad.yaml", sweep_settings(tmp_path, base_config, objective="val/pearson_A_t7"))
    with pytest.raises(GlassDataError, match="3 timescales") as raised:
        run_sweep(str(path))
    assert raised.value.field == "objective"
    assert not (tmp_path / "sweep").exists()


def test_good_sweep_file_reads_numbers_and_largest_cutoff(tmp_path, base_config):
    spec = load_sweep(write_sweep(tmp_path / "good.yaml", sweep_settings(tmp_path, base_config)))
    lr = next(parameter for parameter in spec.parameters if parameter.name == "lr")
    assert (lr.low, lr.log) == (1e-3, True)
    assert spec.largest_cutoff == 1.6
    assert spec.storage == f"{tmp_path / 'sweep'}.journal"


def test_database_storage_has_a_heartbeat(tmp_path, base_config):
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    spec = load_sweep(write_sweep(tmp_path / "db.yaml", sweep_settings(tmp_path, base_config, storage=url)))
    storage = storage_of(spec)
    assert isinstance(storage, RDBStorage)
    assert storage.get_heartbeat_interval() == HEARTBEAT_SECONDS
    study = open_study(spec)
    assert open_study(spec)._study_id == study._study_id  # the second start joins the same study


def test_command_reports_a_bad_sweep_file_without_a_traceback(tmp_path, base_config, capsys):
    path = write_sweep(tmp_path / "bad.yaml", sweep_settings(tmp_path, base_config, objective="val/loss"))
    assert main(["sweep", "--config", str(path)]) == 1
    assert "field 'objective'" in capsys.readouterr().err


def test_command_line_settings_join_the_overrides_and_are_checked(tmp_path, base_config, capsys):
    path = write_sweep(
        tmp_path / "good.yaml", sweep_settings(tmp_path, base_config, objective="val/pearson_per_configuration_A_mean")
    )
    spec = load_sweep(path, {"data.init_args.batch_size": 1})
    assert spec.overrides["data.init_args.batch_size"] == 1 and spec.objective == "val/pearson_per_configuration_A_mean"
    assert main(["sweep", "--config", str(path), "--set", "data.init_args.batch_sise=1"]) == 1
    assert "GlassDataModule has no argument 'batch_sise'" in capsys.readouterr().err
    assert main(["sweep", "--config", str(path), "--set", "no-equals-sign"]) == 1
    assert "expected KEY=VALUE" in capsys.readouterr().err


def test_workers_from_the_command_line_replace_the_file_and_are_checked(tmp_path, base_config):
    path = write_sweep(tmp_path / "good.yaml", sweep_settings(tmp_path, base_config, workers=3))
    assert load_sweep(path).workers == 3 and load_sweep(path, workers=1).workers == 1
    with pytest.raises(GlassDataError, match="positive integer") as raised:
        load_sweep(path, workers=0)
    assert raised.value.field == "workers"


def test_a_file_that_is_not_yaml_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("study_name: [unclosed\n")
    with pytest.raises(GlassDataError, match="not valid YAML") as raised:
        load_sweep(path)
    assert raised.value.field == "<file>"


def test_a_sweep_file_that_is_not_text_is_named(tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(GlassDataError, match="unreadable") as raised:
        load_sweep(path)
    assert raised.value.field == "<file>"
