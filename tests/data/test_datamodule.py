import numpy as np
import pytest
import torch
from published_layouts import write_botan

from glass_lightning.data.datamodule import GlassDataModule
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.errors import GlassDataError

N = 128  # box 4.7: room for a cutoff of 2.0


@pytest.fixture(scope="module")
def dataset_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ka")
    for temperature in (0.5, 0.6):
        for seed in range(5):
            snapshot = synthetic_snapshot(
                N, temperature=temperature, num_times=4, seed=seed + 10 * int(temperature * 10)
            )
            write_snapshot(folder / f"T{temperature:.3f}" / f"config_{seed:04d}.npz", snapshot)
    return folder


def test_attributes_are_known_right_after_init(dataset_folder):
    data = GlassDataModule(str(dataset_folder), timescales=[1, 3], node_inputs=["potential_energy"], cutoff=1.8)
    assert (data.num_timescales, data.num_types, data.num_node_attr, data.cutoff) == (2, 2, 1, 1.8)
    assert data.temperatures == [0.5, 0.6]
    expected_times = np.logspace(-1, 2, 4)[[1, 3]].tolist()
    assert data.times == {0.5: pytest.approx(expected_times), 0.6: pytest.approx(expected_times)}


def test_batches_carry_the_contract_fields(dataset_folder):
    data = GlassDataModule(
        str(dataset_folder),
        timescales=[0, 2],
        node_inputs=["potential_energy", "inherent_potential_energy"],
        batch_size=2,
    )
    data.setup("fit")
    batch = next(iter(data.val_dataloader()))
    nodes = 2 * N
    assert batch.pos.shape == (nodes, 3) and batch.pos.dtype == torch.float32
    assert batch.node_type.shape == (nodes,) and batch.node_type.dtype == torch.int64
    assert batch.node_attr.shape == (nodes, 2) and batch.node_attr.dtype == torch.float32
    assert batch.edge_index.dtype == torch.int64 and batch.edge_index.shape[0] == 2
    assert batch.edge_vec.shape == (batch.edge_index.shape[1], 3) and batch.edge_vec.dtype == torch.float32
    assert batch.edge_vec.norm(dim=1).max() < 2.0
    assert batch.y.shape == (nodes, 2) and batch.y.dtype == torch.float32
    assert batch.temperature.shape == (2,) and batch.snapshot_index.tolist() == [0, 1]
    # edge_vec = r_j - r_i under the minimum image
    j, i = batch.edge_index[:, 0]
    box = torch.tensor(data.snapshots[0].box, dtype=torch.float32)
    delta = batch.pos[j] - batch.pos[i]
    torch.testing.assert_close(delta - box * torch.round(delta / box), batch.edge_vec[0], atol=1e-5, rtol=0)


def test_targets_and_sources_follow_snapshot_index(dataset_folder):
    data = GlassDataModule(str(dataset_folder), timescales=[3, 0])
    data.setup("test")
    assert data.sources("predict") == data.sources("test")
    for graph in data.test_dataloader():
        snapshot = next(s for s in data.snapshots if s.source == data.sources("test")[int(graph.snapshot_index)])
        raw = graph.y * graph.y_std + graph.y_mean
        np.testing.assert_allclose(raw.numpy(), snapshot.propensity[[3, 0]].T, rtol=1e-5)
        assert float(graph.temperature) == pytest.approx(snapshot.temperature)


def test_targets_are_standardized_per_temperature_and_timescale_with_training_statistics(dataset_folder):
    data = GlassDataModule(str(dataset_folder), timescales=[0, 3])
    data.setup("fit")
    for temperature in data.temperatures:
        train = torch.cat(
            [graph.y for graph in data.train_dataloader() if float(graph.temperature) == pytest.approx(temperature)]
        )
        np.testing.assert_allclose(train.mean(dim=0).numpy(), 0.0, atol=1e-5)
        np.testing.assert_allclose(train.std(dim=0, unbiased=False).numpy(), 1.0, atol=1e-4)
    raw = GlassDataModule(str(dataset_folder), timescales=[0, 3], standardize_targets=False)
    raw.setup("fit")
    graph = next(iter(raw.train_dataloader()))
    snapshot = next(s for s in raw.snapshots if s.source == raw.sources("train")[int(graph.snapshot_index)])
    np.testing.assert_allclose(graph.y.numpy(), snapshot.propensity[[0, 3]].T, rtol=1e-6)
    assert torch.all(graph.y_std == 1) and torch.all(graph.y_mean == 0)


def test_node_inputs_are_standardized_with_training_statistics(dataset_folder):
    data = GlassDataModule(str(dataset_folder), node_inputs=["potential_energy"])
    data.setup("fit")
    data.setup("test")
    train = torch.cat([graph.node_attr for graph in data.train_dataloader()])
    assert float(train.mean()) == pytest.approx(0.0, abs=1e-5) and float(train.std()) == pytest.approx(1.0, abs=1e-2)
    test_snapshot = next(s for s in data.snapshots if s.source == data.sources("test")[0])
    train_energies = np.concatenate([s.potential_energy for s in data.snapshots if s.source in data.sources("train")])
    expected = (test_snapshot.potential_energy - train_energies.mean()) / train_energies.std()
    np.testing.assert_allclose(
        next(iter(data.test_dataloader())).node_attr[:, 0].numpy(), expected, rtol=1e-4, atol=1e-5
    )


def test_splits_are_disjoint_seeded_and_cover_every_temperature(dataset_folder):
    first = GlassDataModule(str(dataset_folder), val_fraction=0.2, test_fraction=0.2, split_seed=7)
    again = GlassDataModule(
        [str(dataset_folder / "T0.600"), str(dataset_folder / "T0.500")],
        val_fraction=0.2,
        test_fraction=0.2,
        split_seed=7,
    )
    stages = ("train", "val", "test")
    assert [first.sources(stage) for stage in stages] == [again.sources(stage) for stage in stages]
    assert (
        sum(len(set(first.sources(stage))) for stage in stages) == len(set().union(*map(first.sources, stages))) == 10
    )
    for stage in stages:
        assert {f"T{t:.3f}" for t in (0.5, 0.6)} == {source.split("/")[-2] for source in first.sources(stage)}


def test_explicit_file_lists_and_positions_of_another_kind(dataset_folder):
    files = sorted(str(path) for path in dataset_folder.rglob("*.npz"))
    data = GlassDataModule(
        str(dataset_folder),
        positions="inherent",
        train_files=files[:4],
        val_files=files[4:5],
        test_files=[str(dataset_folder / "T0.600")],
    )
    assert data.sources("train") == files[:4] and data.sources("val") == files[4:5] and len(data.sources("test")) == 5
    data.setup("validate")
    np.testing.assert_allclose(
        next(iter(data.val_dataloader())).pos.numpy(), data.snapshots[4].inherent_positions, rtol=1e-6
    )


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"positions": "cage"}, "cage_positions"),
        ({"target": "bond_breaking"}, "bond_breaking"),
        ({"node_inputs": ["charge"]}, "node_inputs"),
        ({"timescales": [4]}, "timescales"),
        ({"timescales": "some"}, "timescales"),
    ],
)
def test_requests_the_files_cannot_serve_are_refused_at_init(dataset_folder, arguments, field):
    with pytest.raises(GlassDataError, match=f"field '{field}'"):
        GlassDataModule(str(dataset_folder), **arguments)


def test_botan_configurations_serve_their_time_indices(tmp_path):
    for index in range(3):
        write_botan(tmp_path, time_indices=(2, 4), index=index)
    data = GlassDataModule(str(tmp_path), format="botan", cutoff=1.5, val_fraction=0.3, test_fraction=0.3)
    assert data.times == {0.44: pytest.approx([1.3, 130])}
    data.setup("fit")
    graph = next(iter(data.train_dataloader()))
    np.testing.assert_allclose((graph.y * graph.y_std + graph.y_mean)[0].numpy(), [0.3, 0.6], rtol=1e-6)
    assert data.sources("train")[0].endswith("_tc*.npz")


def test_the_temperature_as_a_node_input(dataset_folder):
    data = GlassDataModule(str(dataset_folder), node_inputs=["temperature"], val_fraction=0.2, test_fraction=0.2)
    data.setup("fit")
    for graph in data.split_snapshots("train"):
        assert graph.temperature in (0.5, 0.6)
    values = {
        round(float(graph.temperature), 3): float(graph.node_attr[0, 0]) for graph in data.train_dataloader().dataset
    }
    assert values == {
        0.5: pytest.approx(-1.0, abs=1e-5),
        0.6: pytest.approx(1.0, abs=1e-5),
    }  # standardized, equal counts
    assert [snapshot.source for snapshot in data.split_snapshots("test")] == data.sources("test")


def test_a_constant_node_input_is_refused(dataset_folder):
    data = GlassDataModule(str(dataset_folder), temperatures=[0.5], node_inputs=["temperature"])
    with pytest.raises(GlassDataError) as error:
        data.setup("fit")
    assert error.value.field == "node_inputs" and "temperature" in error.value.problem


def test_a_temperature_off_by_float_noise_shares_the_time_grid_and_statistics_of_its_own(tmp_path):
    for seed, temperature in enumerate((0.44, 0.44, 0.4400000001, 0.4400000001)):
        snapshot = synthetic_snapshot(N, num_times=3, seed=seed)
        snapshot.temperature = temperature  # as a float computation may have stored it
        write_snapshot(tmp_path / f"config_{seed}.npz", snapshot)
    data = GlassDataModule(str(tmp_path), timescales=[0, 2], cutoff=1.8, val_fraction=0.25, test_fraction=0.0)
    assert data.temperatures == [0.44] and list(data.times) == [0.44]
