import shutil

import numpy as np
import pytest
from synthetic_data import assert_same_arrays

from glass_lightning.data import propensity
from glass_lightning.data.formats import extxyz
from glass_lightning.data.formats.native import read_snapshot
from glass_lightning.data.graph import periodic_edges
from glass_lightning.simulate import command, dataset
from glass_lightning.simulate.config import QUICK, load_config

pytestmark = pytest.mark.slow  # end to end


def quick_config(output, **overrides):
    return load_config(None, dict(QUICK, output=str(output), workers=1, threads=1, **overrides))


@pytest.fixture(scope="module")
def quick_dataset(tmp_path_factory):
    output = tmp_path_factory.mktemp("quick")
    command.main(["--quick", "--output", str(output), "--workers", "1", "--no-progress", "--report", "--trajectories"])
    return output


def test_quick_simulation_reads_back_and_builds_a_graph(quick_dataset):
    files = sorted(quick_dataset.glob("T*/config_*.npz"))
    assert len(files) == QUICK["configurations"] * len(QUICK["temperatures"])
    assert not list(quick_dataset.glob("T*/.*.thermal"))  # checkpoints removed once complete
    snapshot = read_snapshot(files[0])
    n, n_times = QUICK["num_particles"], QUICK["num_times"]
    assert snapshot.num_particles == n and snapshot.num_times == n_times
    assert snapshot.propensity.shape == snapshot.mean_squared_displacement.shape == (n_times, n)
    assert np.all(snapshot.mean_squared_displacement >= snapshot.propensity**2 - 1e-12)  # Jensen
    assert np.all(np.diff(snapshot.propensity.mean(axis=1)) > 0)
    tau_alpha = snapshot.metadata["tau_alpha"]
    assert np.any(np.isclose(snapshot.times, tau_alpha, atol=snapshot.metadata["time_step"]))
    assert snapshot.times[-1] >= 2 * tau_alpha - snapshot.metadata["time_step"]
    assert np.all(snapshot.inherent_potential_energy.mean() < snapshot.potential_energy.mean())
    edge_index, edge_vec = periodic_edges(snapshot.inherent_positions, snapshot.box, 2.0)
    assert edge_index.shape[1] == edge_vec.shape[0] > n


def test_propensity_command_reproduces_the_propensities_from_the_replica_trajectories(quick_dataset, tmp_path):
    directory = dataset.temperature_directory(quick_dataset, QUICK["temperatures"][0])
    stored = read_snapshot(dataset.configuration_path(directory, 0))
    replicas = [dataset.trajectory_path(directory, 0, replica) for replica in range(QUICK["replicas"])]
    assert all(np.any(extxyz.read_trajectory(path).images) for path in replicas)  # particles crossed the box
    output = tmp_path / "config_0000.npz"
    arguments = [str(replicas[0]), *map(str, replicas), "--format", "extxyz", "--output", str(output)]
    assert propensity.main([*arguments, "--remove-centre-of-mass", "--no-progress"]) == 0
    computed = read_snapshot(output)
    np.testing.assert_allclose(computed.times, stored.times)
    np.testing.assert_allclose(computed.propensity, stored.propensity, atol=1e-5)
    np.testing.assert_allclose(computed.mean_squared_displacement, stored.mean_squared_displacement, atol=1e-5)
    np.testing.assert_allclose(computed.positions, stored.positions, atol=1e-6)
    assert computed.temperature == stored.temperature and computed.metadata["replicas"] == stored.metadata["replicas"]


def test_report_has_text_and_figure(quick_dataset):
    report = quick_dataset / "report.md"
    assert "| 1 |" in report.read_text() and "5889.6" in report.read_text()  # the checkable reference
    assert (quick_dataset / "report.png").stat().st_size > 10_000


def test_existing_files_are_kept_on_rerun(quick_dataset):
    before = {path: path.stat().st_mtime_ns for path in quick_dataset.glob("T*/config_*.npz")}
    dataset.generate(quick_config(quick_dataset), progress=False)
    assert {path: path.stat().st_mtime_ns for path in quick_dataset.glob("T*/config_*.npz")} == before


def test_killed_run_resumes_with_identical_configurations(tmp_path, monkeypatch):
    config = quick_config(tmp_path, replicas=2, equilibration_tau_alpha=2.0)
    directory = dataset.temperature_directory(tmp_path, QUICK["temperatures"][0])
    write = dataset.write_snapshot

    def killed_at_the_second_configuration(path, snapshot):
        if path.name == "config_0001.npz":
            raise KeyboardInterrupt
        return write(path, snapshot)

    monkeypatch.setattr(dataset, "write_snapshot", killed_at_the_second_configuration)
    with pytest.raises(KeyboardInterrupt):
        dataset.generate(config, progress=False)
    monkeypatch.undo()
    assert [path.name for path in directory.glob("*.npz")] == ["config_0000.npz"]
    saved = tmp_path / "checkpoints"
    shutil.copytree(directory, saved)

    dataset.generate(config, progress=False)  # resumes from the checkpoints, no re-equilibration
    first = read_snapshot(directory / "config_0000.npz")
    second = read_snapshot(directory / "config_0001.npz")

    (directory / "config_0000.npz").unlink()
    (directory / "config_0001.npz").unlink()
    for checkpoint in saved.glob(".*.thermal"):
        shutil.copy(checkpoint, directory)
    dataset.generate(config, progress=False)
    for name, before in (("config_0000.npz", first), ("config_0001.npz", second)):
        resumed = read_snapshot(directory / name)
        assert_same_arrays(resumed, before)
        assert resumed.metadata == before.metadata  # seeds, tau_alpha, equilibration record


def test_job_array_shards_write_the_same_files_as_one_run_from_the_same_samples(tmp_path):
    sharded, whole = tmp_path / "sharded", tmp_path / "whole"
    arguments = ["--quick", "--workers", "1", "--no-progress", "--output"]
    assert command.main([*arguments, str(sharded), "--sample-only"]) == 0
    assert not list(sharded.glob("T*/config_*.npz")) and list(sharded.glob("T*/.config_*.thermal"))
    shutil.copytree(sharded, whole)
    assert command.main([*arguments, str(whole)]) == 0
    assert command.main([*arguments, str(sharded), "--shard", "1/2"]) == 0
    written = sorted(path.relative_to(sharded) for path in sharded.glob("T*/config_*.npz"))
    assert written and all(int(path.stem.split("_")[1]) % 2 == 1 for path in written)
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("SLURM_ARRAY_TASK_ID", "0")
        environment.setenv("SLURM_ARRAY_TASK_COUNT", "2")
        assert command.main([*arguments, str(sharded), "--shard", "slurm"]) == 0
    assert not list(sharded.glob("T*/.*.thermal"))
    expected = sorted(path.relative_to(whole) for path in whole.glob("T*/config_*.npz"))
    assert len(expected) == QUICK["configurations"] * len(QUICK["temperatures"])
    assert sorted(path.relative_to(sharded) for path in sharded.glob("T*/config_*.npz")) == expected
    for relative in expected:
        shard, one_run = read_snapshot(sharded / relative), read_snapshot(whole / relative)
        assert_same_arrays(shard, one_run)
        assert shard.metadata == one_run.metadata


@pytest.mark.parametrize("shard", ["2/2", "1", "a/b", "slurm"])
def test_a_bad_shard_is_refused_with_its_reason(shard, tmp_path, monkeypatch):
    monkeypatch.delenv("SLURM_ARRAY_TASK_ID", raising=False)
    with pytest.raises(SystemExit, match="shard"):
        command.main(["--quick", "--output", str(tmp_path), "--shard", shard])
