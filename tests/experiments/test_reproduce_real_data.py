"""glass-lightning reproduce on a tiny real-data-like spec (ten files at one temperature, the recipe's
file-list split): every fit is scored only on files it never trained on, the folds cover every file
once, data efficiency trains on the first n files, and experiment files sharing a RESULTS.md keep
each other's part."""

import json
import re

import pytest
import yaml
from tiny_real_experiment import write_real_like_experiment

from glass_lightning.cli import main
from glass_lightning.experiments.spec import load_experiment

pytestmark = pytest.mark.slow  # end to end: 12 tiny fits


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    path = write_real_like_experiment(tmp_path_factory.mktemp("reproduce_real"))
    assert main(["reproduce", "--config", str(path)]) == 0
    return load_experiment(path)


def records(spec, folder: str = "fits") -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((spec.output_dir / folder).glob("*.json"))]


def data_files(spec) -> list[str]:
    return sorted(spec.configs["SE3Net"].data.init_args.train_files + spec.configs["SE3Net"].data.init_args.val_files)


def test_every_model_is_scored_only_on_files_it_never_trained_on(reproduced):
    spec = reproduced
    files = data_files(spec)
    for record in records(spec):
        scored = record["evaluated_files"]["0.44"]
        assert scored and not set(record["train_files"]) & set(scored)
    for model in spec.models:
        folds = {
            int(re.search(r"fold (\d)$", record["label"])[1]): record
            for record in records(spec)
            if record["label"].startswith(model) and "fold" in record["label"]
        }
        assert sorted(folds) == [1, 2, 3, 4, 5]
        for number, record in folds.items():
            assert record["evaluated_files"] == {"0.44": files[2 * number - 2 : 2 * number]}
            assert sorted(record["train_files"] + record["evaluated_files"]["0.44"]) == files
    energies = records(spec, "energy")
    assert len(energies) == 2 * 5
    assert sorted(file for record in energies for file in record["evaluated_files"]["0.44"]) == sorted(files * 2)


def test_data_efficiency_trains_on_the_first_n_files(reproduced):
    spec = reproduced
    files = data_files(spec)
    text = spec.results.read_text()
    by_size = {
        len(record["train_files"]): record
        for record in records(spec)
        if record["network"].endswith("SE3Net") and record["evaluated_files"] == {"0.44": files[8:]}
    }
    assert sorted(by_size) == [1, 8]  # 8: the configured split, whose fit is fold 5's
    for size, record in by_size.items():
        assert record["train_files"] == files[:size]
    table = text.split("## Data efficiency", 1)[1].split("\n## ", 1)[0]
    assert "| training configurations | SE3Net | ExpertRidge |" in table and "\n| 1 | " in table
    assert (spec.figures_dir / "tiny-real-data-efficiency.png").stat().st_size > 1000


def test_the_report_names_folds_seeds_runs_and_its_wall_time(reproduced):
    spec = reproduced
    text = spec.results.read_text()
    assert text.startswith("<!-- begin tiny-real -->\n# Results: the paper's experiments on tiny-real")
    assert "min of wall time" in text and "seeds 0." in text
    assert "fold 1 scored on config_{000, 001}; fold 2 scored on config_{002, 003}" in text
    assert "| claim | data | measured |" in text and "5-fold cross-validation" in text
    assert "| potential_energy (no learning) | 0 |" in text
    for record in records(spec) + records(spec, "energy"):
        assert f"`{record['run_id']}`" in text
    for name in ("comparison", "data-efficiency"):
        assert (spec.figures_dir / f"tiny-real-{name}.png").is_file()


def test_experiment_files_sharing_a_results_file_keep_each_others_part(reproduced, tmp_path):
    spec = reproduced
    other = tmp_path / "other.yaml"
    settings = yaml.safe_load(open(spec.source)) | {"name": "tiny-other"}  # the same fits, read back
    other.write_text(yaml.safe_dump(settings, sort_keys=False))
    assert main(["reproduce", "--config", str(other)]) == 0
    assert main(["reproduce", "--config", spec.source]) == 0
    text = spec.results.read_text()
    for name in ("tiny-real", "tiny-other"):
        assert (
            text.count(f"<!-- begin {name} -->") == 1
            and text.count(f"# Results: the paper's experiments on {name}\n") == 1
        )
    assert text.index("<!-- end tiny-real -->") < text.index("<!-- begin tiny-other -->")
    assert "0 trained by this run" in text.split("<!-- begin tiny-other -->")[1]
