import numpy as np
import pytest
from published_layouts import (
    BAPST_TIME,
    BAPST_TIME_INDICES,
    BOX,
    GRID_044,
    N,
    configuration,
    write_bapst,
    write_botan,
    write_glassbench,
)

from glass_lightning.data.formats import read_snapshots, snapshot_files
from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.synthetic import synthetic_snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.simulate.kob_andersen import per_particle_energy


def test_glassbench_file_reads_with_its_box_time_grid_and_targets(tmp_path):
    path = write_glassbench(tmp_path, temperature="0.44")
    (snapshot,) = read_snapshots(path, "glassbench")
    positions, types = configuration(0)
    np.testing.assert_allclose(snapshot.box, [BOX] * 3)
    assert snapshot.temperature == 0.44
    np.testing.assert_allclose(snapshot.times, GRID_044)
    assert snapshot.position_convention == "centred [-L/2, L/2)"
    np.testing.assert_allclose(snapshot.positions, np.mod(positions, BOX), atol=1e-12)
    np.testing.assert_array_equal(snapshot.types, types)
    np.testing.assert_allclose(snapshot.propensity[3], 3 + np.linspace(0, 0.5, N))
    np.testing.assert_allclose(snapshot.bond_breaking, 0.25)
    np.testing.assert_allclose(snapshot.inherent_positions, np.mod(positions + 0.01, BOX), atol=1e-12)
    assert snapshot.cage_positions is not None


def test_glassbench_cage_positions_are_optional(tmp_path):
    (snapshot,) = read_snapshots(write_glassbench(tmp_path, cage=False), "glassbench")
    assert snapshot.cage_positions is None


@pytest.mark.parametrize(
    "temperature, first, last", [("0.50", 0.108, 6860), ("0.56", 0.104, 1650), ("0.64", 0.032, 520)]
)
def test_glassbench_time_grid_follows_the_temperature_in_the_name(tmp_path, temperature, first, last):
    (snapshot,) = read_snapshots(write_glassbench(tmp_path, temperature=temperature), "glassbench")
    assert snapshot.times[0] == pytest.approx(first) and snapshot.times[-1] == pytest.approx(last)


def test_botan_files_of_one_configuration_merge_into_one_snapshot(tmp_path):
    write_botan(tmp_path, time_indices=(7, 1, 5), index=0)
    write_botan(tmp_path, time_indices=(7,), index=1)
    first, second = read_snapshots(tmp_path, "botan")
    np.testing.assert_allclose(first.times, [0.13, 412, 4120])  # tc01, tc05, tc07 at T = 0.44
    for row, time_index in zip(first.propensity, (1, 5, 7)):
        np.testing.assert_allclose(row, 1.5 * 0.1 * time_index)
    np.testing.assert_allclose(first.mean_squared_displacement[2], (0.7**2 + 1.4**2) / 2)
    assert len(snapshot_files(first)) == 3 and first.metadata["time_indices"] == [1, 5, 7]
    assert all("/" not in name for name in first.metadata["files"])  # names: a native file records no path
    np.testing.assert_allclose(first.potential_energy, per_particle_energy(first.positions, first.types, first.box))
    np.testing.assert_allclose(second.times, [4120])
    np.testing.assert_allclose(first.box, [BOX] * 3)
    assert first.types.dtype == np.int64


def test_botan_files_that_disagree_on_the_configuration_are_refused(tmp_path):
    write_botan(tmp_path, time_indices=(1,), index=0)
    other, _ = configuration(5)
    write_botan(tmp_path, time_indices=(2,), index=0, initial_positions=other - BOX / 2)
    with pytest.raises(GlassDataError, match="tc02.npz: field 'initial_positions'"):
        read_snapshots(tmp_path, "botan")


def test_bapst_pickles_are_refused_without_the_opt_in(tmp_path):
    path = write_bapst(tmp_path)
    with pytest.raises(GlassDataError, match="arbitrary code.*allow_pickle=True"):
        read_snapshots(path, "bapst")


def test_bapst_pickle_reads_with_the_opt_in(tmp_path):
    (snapshot,) = read_snapshots(write_bapst(tmp_path, temperature=0.47), "bapst", allow_pickle=True)
    assert snapshot.temperature == 0.47
    np.testing.assert_allclose(snapshot.box, [BOX] * 3)
    np.testing.assert_allclose(snapshot.times, BAPST_TIME[BAPST_TIME_INDICES])
    for k, row in enumerate(snapshot.propensity):
        np.testing.assert_allclose(row, 0.015 * (k + 1))
    assert snapshot.position_convention == "unwrapped"
    assert snapshot.metadata["fluid"] == "Kob-Andersen" and len(snapshot.metadata["is_values"]) == 10


def test_native_directory_trees_and_globs_are_searched(tmp_path):
    for temperature in (0.5, 0.6):
        for seed in range(2):
            write_snapshot(
                tmp_path / f"T{temperature:.3f}" / f"config_{seed:04d}.npz",
                synthetic_snapshot(64, temperature=temperature, seed=seed),
            )
    assert len(read_snapshots(tmp_path, "native")) == 4
    assert len(read_snapshots(str(tmp_path / "T0.500" / "*.npz"), "native")) == 2
    assert len(read_snapshots(str(tmp_path / "T0.[56]*"), "native")) == 4  # a glob matching directories
    only = read_snapshots([str(tmp_path)], "native", temperatures=[0.6])
    assert [snapshot.temperature for snapshot in only] == [0.6, 0.6]


def test_a_missing_temperature_lists_the_ones_found(tmp_path):
    write_glassbench(tmp_path, temperature="0.44")
    with pytest.raises(GlassDataError, match=r"no configurations at T=\[0.5\]; the files hold T=\[0.44\]"):
        read_snapshots(tmp_path, "glassbench", temperatures=[0.5])


def test_a_path_without_a_temperature_is_refused(tmp_path):
    path = write_glassbench(tmp_path)
    renamed = path.rename(tmp_path / "configuration_0.npz")
    with pytest.raises(GlassDataError, match="configuration_0.npz: field 'temperature'"):
        read_snapshots(renamed, "glassbench")


def test_bapst_time_indices_out_of_order_are_sorted_with_their_targets(tmp_path):
    order = np.array([3, 0, 9, 1, 2, 8, 4, 7, 5, 6])  # positions in the file's lists
    shuffled = {
        "time_indices": np.array(BAPST_TIME_INDICES)[order],
        "trajectory_target_positions": [
            [configuration(0)[0] + 3 * BOX + [0.0, (replica + 1) * 0.01 * (k + 1), 0.0] for replica in range(2)]
            for k in order
        ],
    }
    (snapshot,) = read_snapshots(write_bapst(tmp_path, **shuffled), "bapst", allow_pickle=True)
    np.testing.assert_allclose(snapshot.times, BAPST_TIME[BAPST_TIME_INDICES])
    for k, row in enumerate(snapshot.propensity):
        np.testing.assert_allclose(row, 0.015 * (k + 1))
