"""The Python API: the README's example as written, configurations as ase.Atoms and back, the refusal
of a configuration without the inherent structure the network reads (and its quench on request), and
an ``import glass_lightning`` that loads none of the heavy packages."""

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glass_lightning
from glass_lightning import GlassDataError, Predictor, Snapshot
from glass_lightning.data.synthetic import synthetic_snapshot

REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor.load("ka3d-T0.44")


def test_the_readme_example(monkeypatch, capsys):
    monkeypatch.chdir(REPOSITORY)
    # --- the README's example, as written there ---
    from glass_lightning import Predictor, Snapshot

    predictor = Predictor.load("ka3d-T0.44")  # a shipped network by name, or the path of a checkpoint
    snapshot = Snapshot.read("data/botan-T0.44/isoconfig_N4096T0.44_10.npz")  # any format; quenched already
    atoms = snapshot.to_atoms()  # or any ase.Atoms: species from a "type" array, else from the elements
    result = predictor.predict(atoms, into_atoms=True)  # quench=True for atoms without inherent_positions
    print(result.prediction.shape, result.times)  # (4096, 1) [4120.]
    print(f"Pearson of type A: {result.pearson('A')[0]:.2f}")  # against the file's own propensity
    print(atoms.arrays["predicted_propensity_t4120"][:3])
    # --- end of the example ---
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "(4096, 1) [4120.]"
    assert printed[1].startswith("Pearson of type A: ") and result.pearson("A")[0] > 0.65
    np.testing.assert_array_equal(atoms.arrays["predicted_propensity_t4120"], result.prediction[:, 0])
    assert result.noise_ceiling.shape == (2, 1) and np.all(result.pearson_by_type() < result.noise_ceiling)


def test_glass_lightning_lists_its_api_and_imports_nothing_heavy():
    assert glass_lightning.__all__ == ["GlassDataError", "Prediction", "Predictor", "Snapshot"]
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, glass_lightning; print(sorted({'torch', 'ase', 'numpy'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"


def test_a_snapshot_goes_to_atoms_and_back_unchanged():
    snapshot = synthetic_snapshot(64, temperature=0.44, seed=3)
    back = Snapshot.from_atoms(snapshot.to_atoms())
    for name in ("positions", "types", "box", "inherent_positions", "potential_energy", "times", "propensity"):
        np.testing.assert_allclose(getattr(back, name), getattr(snapshot, name))
    assert back.temperature == snapshot.temperature and back.metadata["format"] == "ase.Atoms"


def test_atoms_without_a_type_array_rank_their_elements_and_need_a_temperature():
    original = synthetic_snapshot(64, seed=3)
    atoms = original.to_atoms()
    del atoms.arrays["type"], atoms.info["temperature"]
    atoms.set_chemical_symbols(np.where(original.types == 0, "Ni", "P"))  # A as nickel (Z 28), B as phosphorus (15)
    with pytest.raises(
        GlassDataError, match=r"atoms.info has none: give Snapshot.from_atoms\(atoms, temperature=...\)"
    ):
        Snapshot.from_atoms(atoms)
    snapshot = Snapshot.from_atoms(atoms, temperature=0.5)
    np.testing.assert_array_equal(snapshot.types, 1 - original.types)  # the lightest element is label 0


def thermal_only(snapshot: Snapshot) -> Snapshot:
    return dataclasses.replace(snapshot, inherent_positions=None, inherent_potential_energy=None)


def test_atoms_without_the_inherent_structure_the_network_reads_are_refused_or_quenched(predictor):
    # 300 particles: a box over twice the network's cutoff (3.0)
    atoms = thermal_only(synthetic_snapshot(300, temperature=0.44, num_times=1, seed=1)).to_atoms()
    with pytest.raises(
        GlassDataError, match=r"reads inherent structures .* quench it with Predictor.predict\(\.\.\., quench=True\)"
    ):
        predictor.predict(atoms)
    result = predictor.predict(atoms, quench=True, into_atoms=True)
    assert result.prediction.shape == (300, 1) and np.all(np.isfinite(result.prediction))
    assert atoms.arrays["inherent_positions"].shape == (300, 3)
    assert result.target is None and result.noise_ceiling is None  # t = 0.1 is not the network's 4120


def test_into_atoms_needs_atoms(predictor):
    with pytest.raises(GlassDataError, match="field 'into_atoms': expected an ase.Atoms to write into, got Snapshot"):
        predictor.predict(synthetic_snapshot(64), into_atoms=True)
