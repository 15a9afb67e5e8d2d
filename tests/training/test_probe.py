"""glass-lightning probe: ridge probes on a network's frozen features, from the fit's own arguments."""

import numpy as np
import pytest
import torch
import yaml
from synthetic_data import write_synthetic_dataset

from glass_lightning.cli import main
from glass_lightning.errors import GlassDataError
from glass_lightning.training.probe import fit_ridge, probe


def probe_config(directory, data, network):
    config = {
        "seed_everything": 0,
        "trainer": {"accelerator": "cpu", "default_root_dir": str(directory / "outputs")},
        "model": {"model": network},
        "data": {
            "class_path": "glass_lightning.data.datamodule.GlassDataModule",
            "init_args": {"paths": str(data), "cutoff": 1.5, "val_fraction": 0.25, "test_fraction": 0.0},
        },
    }
    path = directory / "probe.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_ridge_recovers_a_linear_map():
    generator = torch.Generator().manual_seed(0)
    features = torch.randn(500, 4, generator=generator, dtype=torch.float64)
    target = features @ torch.tensor([[1.0], [-2.0], [0.0], [0.5]], dtype=torch.float64) + 3.0
    mean, std, weights = fit_ridge(features, target, penalty=0.0)
    design = torch.cat([(features - mean) / std, torch.ones(500, 1, dtype=torch.float64)], dim=1)
    torch.testing.assert_close(design @ weights, target)


def test_probe_scores_every_feature_set_of_an_se3net(tmp_path, capsys):
    write_synthetic_dataset(tmp_path / "data", per_temperature=4, num_particles=128)
    network = {"class_path": "glass_lightning.models.SE3Net", "init_args": {"l_max": 2, "channels": 4, "num_layers": 1}}
    assert main(["probe", "--config", str(probe_config(tmp_path, tmp_path / "data", network)), "--json"]) == 0
    scores = yaml.safe_load(capsys.readouterr().out)
    assert set(scores) == {
        "first layer",
        "first layer + coarse-grained",
        "last layer",
        "last layer + coarse-grained",
        "potential energy alone",
        "inherent energy alone",
    }
    for energy in ("potential energy alone", "inherent energy alone"):  # synthetic: energy falls as the target rises
        assert np.all(np.asarray(scores[energy])[0] < -0.3)
    first = np.asarray(scores["first layer"])
    assert first.shape == (2, 3) and np.all(np.isfinite(first))
    assert first[0].mean() > 0.3  # the synthetic target is a function of the neighbour counts the first layer sees
    assert not (tmp_path / "mlruns").exists()


def test_probe_refuses_a_network_without_features():
    with pytest.raises(GlassDataError, match="none of"):
        probe(torch.nn.Linear(2, 2), [], [], 2, 1e-3)
