"""glass-lightning reproduce end to end on tiny synthetic data: every experiment runs (2 worker
processes), writes its table and figure, every fit is an MLflow run holding its test scores, and
a second run reuses the fits instead of training them again."""

import json

import pytest
from mlflow import MlflowClient
from tiny_experiment import write_experiment

from glass_lightning.cli import main
from glass_lightning.experiments.spec import load_experiment

pytestmark = pytest.mark.slow  # end to end

SECTIONS = (
    "## Model comparison",
    "## Generalization across temperatures",
    "## Transfer learning",
    "## Interpretability",
    "## Ablations",
    "## One model for all temperatures",
    "## What the results say about the paper's claims",
    "## MLflow runs",
)
FIGURES = ("comparison.png", "generalization.png", "transfer.png", "ablations.png", "all_temperatures.png")


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    directory = tmp_path_factory.mktemp("reproduce")
    path = write_experiment(directory)
    assert main(["reproduce", "--config", str(path)]) == 0
    spec = load_experiment(path)
    first_results = spec.results.read_text()
    return spec, first_results


def records(spec) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted((spec.output_dir / "fits").glob("*.json"))]


def test_every_experiment_writes_its_section_table_and_figure(reproduced):
    spec, text = reproduced
    for heading in SECTIONS:
        assert heading in text
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        assert "| " in section or heading.startswith("## What"), heading
    for name in FIGURES:
        assert (spec.figures_dir / name).stat().st_size > 1000
        assert f"figures/{name})" in text
    assert "Seeds 0, 1 (2 runs per cell)" in text
    assert "inherent_potential_energy (no learning)" in text


def test_the_plan_trains_each_config_once(reproduced):
    spec, _ = reproduced
    fits = records(spec)
    # comparison 2 models x 3 T x 2 seeds, 1 ablation, 2 all-temperature fits, 3 x 2 transfers + 3 controls
    assert len(fits) == 12 + 1 + 2 + 9
    assert len({record["key"] for record in fits}) == len(fits)
    assert {tuple(record["train_temperatures"]) for record in fits} >= {
        (0.5,),
        (0.6,),
        (0.7,),
        (0.5, 0.6, 0.7),
        (0.5, 0.7),
    }


def test_every_fit_is_an_mlflow_run_with_its_test_scores(reproduced):
    spec, text = reproduced
    client = MlflowClient(spec.tracking_uri)
    for record in records(spec):
        run = client.get_run(record["run_id"])
        assert run.info.status == "FINISHED"
        assert record["run_id"] in text
        for temperature, score in record["scores"].items():
            metric = f"eval/T{temperature}/pearson_A_t0"
            assert run.data.metrics[metric] == pytest.approx(score["pooled"][0][0])
    se3 = next(record for record in records(spec) if record["label"] == "SE3Net T=0.6 seed 0")
    assert any(key.startswith("interpretability/l1_") for key in client.get_run(se3["run_id"]).data.metrics)


def test_transfer_fits_train_only_the_decoder(reproduced):
    spec, _ = reproduced
    fits = {record["label"]: record for record in records(spec)}
    studied = fits["SE3Net T=0.5 seed 0"]["num_parameters"]
    transferred = fits["SE3Net decoder at T=0.6, backbone from T=0.5"]
    assert transferred["network"] == "glass_lightning.models.FrozenBackbone"
    assert 0 < transferred["num_parameters"] < studied


def test_a_second_run_reuses_every_fit(reproduced):
    spec, first = reproduced
    client = MlflowClient(spec.tracking_uri)
    experiment = client.get_experiment_by_name(spec.experiment_name).experiment_id
    before = len(client.search_runs([experiment]))
    assert main(["reproduce", "--config", spec.source, "--workers", "1"]) == 0
    assert len(client.search_runs([experiment])) == before
    assert spec.results.read_text().split("## MLflow runs")[1] == first.split("## MLflow runs")[1]
