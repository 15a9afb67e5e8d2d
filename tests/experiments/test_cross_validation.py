"""Folds by file name, the experiment file's checks of folds and data efficiency, the shipped real-data
experiment file's plan, and RESULTS.md parts that experiment files own side by side."""

import pytest
import yaml
from tiny_real_experiment import write_real_like_experiment

from glass_lightning.errors import GlassDataError
from glass_lightning.experiments.dataset import SplitFiles, files_text, natural_key, split_files
from glass_lightning.experiments.folds import cross_validation_folds
from glass_lightning.experiments.plan import Plan
from glass_lightning.experiments.report.results_file import marked, with_part
from glass_lightning.experiments.spec import load_experiment

BOTAN = [f"data/botan-T0.44/isoconfig_N4096T0.44_{k}.npz" for k in range(1, 11)]


def test_fold_k_validates_files_2k_minus_1_and_2k_in_natural_order():
    folds = cross_validation_folds(sorted(BOTAN), 5)  # sorted as text: _1, _10, _2, ...
    assert [fold.val for fold in folds] == [BOTAN[0:2], BOTAN[2:4], BOTAN[4:6], BOTAN[6:8], BOTAN[8:10]]
    for fold in folds:
        assert sorted(fold.train + fold.val, key=natural_key) == BOTAN and not set(fold.train) & set(fold.val)
    assert [len(fold.val) for fold in cross_validation_folds(BOTAN[:7], 3)] == [3, 2, 2]
    with pytest.raises(ValueError):
        cross_validation_folds(BOTAN[:3], 4)


def test_files_in_few_characters():
    assert files_text(BOTAN[8:]) == "isoconfig_N4096T0.44_{9, 10}"
    assert files_text(["T0.44/config_003.npz", "T0.44/config_004.npz"]) == "config_{003, 004}"


@pytest.fixture(scope="module")
def real_like(tmp_path_factory):
    return write_real_like_experiment(tmp_path_factory.mktemp("real_like_file"))


def changed(path, tmp_path, **changes):
    new = tmp_path / "changed.yaml"
    new.write_text(yaml.safe_dump(yaml.safe_load(path.read_text()) | changes, sort_keys=False))
    return new


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"folds": 1}, "folds"),
        ({"evaluation_split": "test"}, "evaluation_split"),
        ({"experiments": ["comparison", "generalization"]}, "folds"),
        ({"pearson_convention": "median"}, "pearson_convention"),
        ({"training_sizes": [0, 2]}, "training_sizes"),
        ({"data_efficiency_models": ["GhostNet"]}, "data_efficiency_models"),
        ({"ablation_overrides": {"trainer.max_epoks": 2}}, "ablation_overrides.trainer.max_epoks"),
    ],
)
def test_bad_folds_and_data_efficiency_name_the_key(real_like, tmp_path, changes, key):
    with pytest.raises(GlassDataError) as error:
        load_experiment(changed(real_like, tmp_path, **changes))
    assert error.value.field == key


def test_the_plan_refuses_more_folds_or_training_files_than_there_are(real_like, tmp_path):
    files = {0.44: SplitFiles(BOTAN[:8], BOTAN[8:], [])}
    for changes, key in (({"folds": 11}, "folds"), ({"training_sizes": [1, 9]}, "training_sizes")):
        with pytest.raises(GlassDataError) as error:
            Plan(load_experiment(changed(real_like, tmp_path, **changes)), [0.44], files)
        assert error.value.field == key
    with pytest.raises(GlassDataError, match="files at T=0.44 are not known"):
        Plan(load_experiment(real_like), [0.44])


def test_the_shipped_real_data_file_trains_each_config_once():
    spec = load_experiment("configs/experiments/botan-T0.44.yaml")
    files = split_files(spec.configs[spec.studied_model].data.as_dict())
    assert files[0.44].train == BOTAN[:8] and files[0.44].val == BOTAN[8:]
    plan = Plan(spec, [0.44], files)
    # the configured split is fold 5: its fits are the data-efficiency fits with 8 files and the studied fit
    for seed in spec.seeds:
        fold_5 = plan.comparison[("SE3Net", 0.44, seed, 5)]
        assert plan.data_efficiency()[("SE3Net", 8, seed)].key == fold_5.key
    assert plan.studied(0.44).key == plan.comparison[("SE3Net", 0.44, 0, 5)].key
    assert plan.comparison[("SE3Net", 0.44, 0, 1)].config.data.init_args.val_files == BOTAN[:2]
    ablation = plan.ablations()["l_max = 3"].config
    assert ablation.trainer.max_epochs == 5 and ablation.model.model.init_args.l_max == 3
    # comparison models x folds x seeds, ablations: one reference per seed + each change at seed 0,
    # data efficiency: models x the sizes below 8 (8 is fold 5) x seeds
    seeds, sizes = len(spec.seeds), len([size for size in spec.training_sizes if size < 8])
    comparison = len(spec.models) * spec.folds * seeds
    data_efficiency = len(spec.data_efficiency_models) * sizes * seeds
    assert len(plan.first_phase()) == comparison + seeds + len(spec.ablations) + data_efficiency


def test_each_experiment_file_replaces_only_its_own_part():
    legacy = "# Results: the paper's experiments on ka3d-mini\n\nold ka3d text\n"
    document = with_part(legacy, "botan", "# botan\n\nfirst", "# Results: the paper's experiments on botan")
    assert document.startswith(legacy) and document.endswith(marked("botan", "# botan\n\nfirst"))
    ka3d_title = "# Results: the paper's experiments on ka3d-mini"
    document = with_part(document, "ka3d-mini", f"{ka3d_title}\n\nnew ka3d text", ka3d_title)
    assert "old ka3d text" not in document and document.count(ka3d_title) == 1
    document = with_part(document, "botan", "# botan\n\nsecond", "# Results: the paper's experiments on botan")
    assert "first" not in document and "second" in document and "new ka3d text" in document
    assert document.index("new ka3d text") < document.index("second")  # each part stays where it was
