"""``glass-lightning curves`` finds its store and its runs as a user names them: ``$MLFLOW_TRACKING_URI``, a
missing store refused in one line (nothing created), run ids by their first characters."""

from types import SimpleNamespace

import pytest

from glass_lightning.cli import main
from glass_lightning.errors import GlassDataError
from glass_lightning.training.run_lookup import find_run
from glass_lightning.training.tracking import open_store, start_run, tracking_uri_in
from glass_lightning.training.ui_links import main as ui_links_main


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store with one run of two epochs of learning curves: (directory, tracking URI, run id)."""
    directory = tmp_path_factory.mktemp("store")
    uri = tracking_uri_in(directory)
    run_id = start_run(uri, "curves", "a fit")
    client = open_store(uri)
    for epoch, value in enumerate((0.1, 0.3)):
        client.log_metric(run_id, "epoch", epoch, step=epoch)
        client.log_metric(run_id, "val/pearson_per_configuration_A_mean", value, step=epoch)
    return directory, uri, run_id


def test_curves_take_the_store_of_mlflow_tracking_uri_and_a_short_run_id(store, tmp_path, monkeypatch, capsys):
    _, uri, run_id = store
    monkeypatch.chdir(tmp_path)  # another folder: its own (missing) store must not matter
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    assert main(["curves", "--runs", f"{run_id[:8]}…", "--output", "curves.png"]) == 0
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "mlruns").exists()


def test_a_missing_store_is_one_line_and_creates_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert main(["curves", "--runs", "9c6434b5", "--output", "curves.png"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no MLflow store here" in error and "MLFLOW_TRACKING_URI" in error
    assert not (tmp_path / "mlruns").exists()


@pytest.mark.parametrize(
    ("run_id", "problem"),
    [("9c64", "first 6 or more hexadecimal characters"), ("zzzzzzzz", "hexadecimal"), ("000000", "no run")],
)
def test_run_ids_too_short_or_unknown_are_refused(store, run_id, problem):
    with pytest.raises(GlassDataError, match=problem):
        find_run(open_store(store[1]), run_id)


def test_an_ambiguous_prefix_names_the_runs_it_matches():
    runs = [
        SimpleNamespace(info=SimpleNamespace(run_id=f"9c6434{tail}", run_name=name))
        for tail, name in (("aa", "one"), ("bb", "two"))
    ]
    client = SimpleNamespace(search_experiments=lambda **options: [], search_runs=lambda *arguments, **options: runs)
    with pytest.raises(GlassDataError, match=r"several runs: 9c6434aa \(one\), 9c6434bb \(two\); give more characters"):
        find_run(client, "9c6434")


def test_ui_links_open_the_training_view_of_every_experiment(store, tmp_path, capsys):
    directory, uri, _ = store
    assert ui_links_main(["--tracking-uri", uri, "--url", "http://127.0.0.1:5000"]) == 0
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:5000/#/experiments?workflowType=machine_learning" in printed
    assert "/runs?workflowType=machine_learning" in printed and "curves" in printed and "Default" not in printed
    assert ui_links_main(["--tracking-uri", tracking_uri_in(tmp_path)]) == 0  # no store yet: the list only
    assert "/runs?" not in capsys.readouterr().out and not (tmp_path / "mlruns").exists()
