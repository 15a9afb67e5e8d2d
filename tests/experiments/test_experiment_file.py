"""The experiment file and the plan fail before any fit on bad input, naming the key; the plan
shares one fit between the experiments that ask for the same config."""

import pytest
import yaml
from tiny_experiment import TEMPERATURES, write_experiment

from glass_lightning.errors import GlassDataError
from glass_lightning.experiments.plan import Plan
from glass_lightning.experiments.spec import load_experiment


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("experiment_file"))


def changed(path, tmp_path, **changes):
    settings = yaml.safe_load(path.read_text()) | changes
    new = tmp_path / "changed.yaml"
    new.write_text(yaml.safe_dump(settings, sort_keys=False))
    return new


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"colour": "blue"}, "colour"),
        ({"experiments": ["comparison", "astrology"]}, "experiments"),
        ({"experiments": []}, "experiments"),
        ({"models": {}}, "models"),
        ({"seeds": ["zero"]}, "seeds"),
        ({"workers": 0}, "workers"),
        ({"held_out_temperatures": ["warm"]}, "held_out_temperatures"),
        ({"bond_order_cutoff": "wide"}, "bond_order_cutoff"),
        ({"ablations": {"deeper": {"model.model.init_args.depth": 9}}}, "ablations.deeper.model.model.init_args.depth"),
        ({"overrides": {"trainer.no_such_option": 1}}, "overrides.trainer.no_such_option"),
    ],
)
def test_a_bad_experiment_file_names_the_key(experiment, tmp_path, changes, key):
    with pytest.raises(GlassDataError) as error:
        load_experiment(changed(experiment, tmp_path, **changes))
    assert error.value.field == key


@pytest.mark.parametrize(
    "changes, temperatures, key",
    [
        ({"held_out_temperatures": [0.9]}, TEMPERATURES, "held_out_temperatures"),
        ({"ablation_temperature": 0.9}, TEMPERATURES, "ablation_temperature"),
        ({"held_out_temperatures": [0.5, 0.6]}, TEMPERATURES, "held_out_temperatures"),
        ({"held_out_temperatures": []}, (0.5,), "experiments"),
    ],
)
def test_a_plan_the_data_cannot_hold_names_the_key(experiment, tmp_path, changes, temperatures, key):
    spec = load_experiment(changed(experiment, tmp_path, **changes))
    with pytest.raises(GlassDataError) as error:
        Plan(spec, list(temperatures))
    assert error.value.field == key


def test_fits_asked_for_twice_are_one_fit(experiment):
    spec = load_experiment(experiment)
    plan = Plan(spec, list(TEMPERATURES))
    assert plan.ablations()["as configured"].key == plan.comparison[("SE3Net", 0.5, 0, None)].key
    assert plan.studied(0.6).key == plan.comparison[("SE3Net", 0.6, 0, None)].key
    assert len(plan.first_phase()) == 2 * 3 * 2 + 1 + 2
    assert plan.comparison[("SE3Net", 0.5, 0, None)].key != plan.comparison[("SE3Net", 0.5, 1, None)].key


def test_transfer_fits_start_from_the_source_checkpoint(experiment):
    plan = Plan(load_experiment(experiment), list(TEMPERATURES))
    fits = plan.transfer({t: f"/checkpoints/{t}.ckpt" for t in TEMPERATURES})
    assert len(fits) == 3 * 2 + 3
    network = fits[(0.5, 0.7)].config["model"]["model"]
    assert network["class_path"] == "glass_lightning.models.FrozenBackbone"
    assert network["init_args"]["checkpoint"] == "/checkpoints/0.5.ckpt" and not network["init_args"]["random_weights"]
    control = fits[(None, 0.7)].config["model"]["model"]["init_args"]
    assert control["random_weights"] and control["checkpoint"] == "/checkpoints/0.7.ckpt"
    assert fits[(0.5, 0.7)].config["data"]["init_args"]["temperatures"] == [0.7]


def test_the_shipped_experiment_files_load():
    for name in ("ka3d-mini", "glassbench"):
        spec = load_experiment(f"configs/experiments/{name}.yaml")
        assert spec.studied_model == "SE3Net" and spec.ablations


def test_a_studied_model_without_equivariant_features_is_refused_before_any_fit(experiment, tmp_path):
    settings = yaml.safe_load(experiment.read_text())
    settings["models"] = {"ExpertRidge": settings["models"]["ExpertRidge"], "SE3Net": []}
    settings["ablations"] = {}
    spec = load_experiment(changed(experiment, tmp_path, **settings))
    with pytest.raises(GlassDataError, match="transfer needs a studied model with invariant_features"):
        Plan(spec, list(TEMPERATURES))


def test_an_unknown_class_path_names_the_model(experiment, tmp_path):
    settings = yaml.safe_load(experiment.read_text())
    (tmp_path / "ghost.yaml").write_text("model:\n  model:\n    class_path: glass_lightning.models.GhostNet\n")
    settings["models"] = {"Ghost": [str(tmp_path / "ghost.yaml")]}
    settings["ablations"] = {}
    with pytest.raises(GlassDataError) as error:
        Plan(load_experiment(changed(experiment, tmp_path, **settings)), list(TEMPERATURES))
    assert error.value.field == "models.Ghost" and "GhostNet" in error.value.problem


def test_command_line_settings_join_the_overrides_and_are_checked(experiment):
    spec = load_experiment(experiment, settings={"trainer.max_epochs": 2})
    assert spec.overrides["trainer.max_epochs"] == 2 and spec.configs["SE3Net"].trainer.max_epochs == 2
    with pytest.raises(GlassDataError) as error:
        load_experiment(experiment, settings={"trainer.max_epoks": 2})
    assert error.value.field == "overrides.trainer.max_epoks"
