import pytest
import torch
from lightning.pytorch import Trainer
from lightning.pytorch.loggers import Logger
from tiny import TinyNet
from torch_geometric.data import Batch, Data
from torch_geometric.loader import DataLoader

from glass_lightning.errors import GlassDataError
from glass_lightning.models import SE3Net
from glass_lightning.training.module import GlassModule


def random_graph(num_particles: int = 10, num_timescales: int = 3, seed: int = 0) -> Data:
    generator = torch.Generator().manual_seed(seed)
    return Data(
        pos=torch.rand(num_particles, 3, generator=generator),
        node_type=torch.tensor([0, 1] * (num_particles // 2)),
        node_attr=torch.zeros(num_particles, 0),
        edge_index=torch.randint(num_particles, (2, 4 * num_particles), generator=generator),
        edge_vec=torch.rand(4 * num_particles, 3, generator=generator),
        y=torch.randn(num_particles, num_timescales, generator=generator),
        temperature=torch.tensor([0.5]),
        snapshot_index=torch.tensor([seed]),
    )


def test_loss_is_the_mse_of_the_weighted_types_only():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3, type_weights=[1.0, 0.0])
    data = random_graph()
    prediction = torch.randn(10, 3)
    type_a = data.node_type == 0
    expected = ((prediction[type_a] - data.y[type_a]) ** 2).mean()
    assert module.loss(prediction, data).item() == pytest.approx(expected.item(), rel=1e-6)
    changed_b = prediction.clone()
    changed_b[~type_a] += 100.0
    assert module.loss(changed_b, data).item() == pytest.approx(expected.item(), rel=1e-6)


def test_loss_weights_scale_each_type():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3, type_weights=[1.0, 3.0])
    data = random_graph()
    prediction = torch.randn(10, 3)
    per_particle = ((prediction - data.y) ** 2).mean(dim=1)
    weight = torch.where(data.node_type == 0, 1.0, 3.0)
    assert module.loss(prediction, data).item() == pytest.approx(
        ((weight * per_particle).sum() / weight.sum()).item(), rel=1e-6
    )


def test_batch_without_any_weighted_particle_gives_zero_loss_not_nan():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3, type_weights=[0.0, 1.0])
    data = random_graph()
    data.node_type = torch.zeros_like(data.node_type)
    assert module.loss(torch.randn(10, 3), data).item() == 0.0


def test_per_configuration_standardization_ignores_each_configuration_and_type_scale():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3, standardize_per_configuration=True)
    batch = Batch.from_data_list([random_graph(seed=0), random_graph(seed=1)])
    prediction = torch.randn(20, 3)
    rescaled = batch.clone()
    group = batch.batch * 2 + batch.node_type
    rescaled.y = (
        batch.y * torch.tensor([2.0, 0.5, 3.0, 7.0])[group, None] + torch.tensor([1.0, -4.0, 0.0, 9.0])[group, None]
    )
    assert module.loss(prediction, rescaled).item() == pytest.approx(module.loss(prediction, batch).item(), rel=1e-5)
    target = module.fitted_target(batch)
    for label in range(4):
        torch.testing.assert_close(target[group == label].mean(0), torch.zeros(3), atol=1e-6, rtol=0)
        torch.testing.assert_close(target[group == label].pow(2).mean(0), torch.ones(3))


@pytest.mark.parametrize("weights", [[1.0], [0.0, 0.0], [1.0, -1.0]])
def test_bad_type_weights_are_rejected(weights):
    with pytest.raises(GlassDataError, match="type_weights"):
        GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3, type_weights=weights)


def test_a_training_step_lowers_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3)
    batch = Batch.from_data_list([random_graph(seed=seed) for seed in range(2)])
    trainer = Trainer(
        max_steps=20, logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False
    )
    before = module.loss(module(batch), batch).item()
    trainer.fit(module, train_dataloaders=DataLoader([random_graph(seed=seed) for seed in range(2)], batch_size=2))
    assert module.loss(module(batch), batch).item() < before


def test_validation_tracks_the_best_mean_pearson_per_type():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3)
    trainer = Trainer(
        max_epochs=2, logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False
    )
    loader = DataLoader([random_graph(seed=seed) for seed in range(3)], batch_size=1)
    trainer.fit(module, train_dataloaders=loader, val_dataloaders=loader)
    logged = trainer.callback_metrics
    assert {"val/pearson_A_t0", "val/pearson_B_t2", "val/pearson_A_mean", "val/pearson_A_mean_best"} <= set(logged)
    assert logged["val/pearson_A_mean_best"] >= logged["val/pearson_A_mean"]


def test_test_logs_both_pearson_conventions():
    module = GlassModule(TinyNet(num_outputs=3, cutoff=1.0), num_outputs=3)
    trainer = Trainer(logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.test(module, dataloaders=DataLoader([random_graph(seed=seed) for seed in range(2)], batch_size=2))
    logged = trainer.callback_metrics
    assert {"test/pearson_A_t1", "test/pearson_per_configuration_A_t1", "test/pearson_per_configuration_B_mean"} <= set(
        logged
    )


def test_gradient_norms_are_grouped_by_part_of_the_network():
    from glass_lightning.training.module import network_parts_gradients

    network = SE3Net(
        3, 1.0, l_max=1, channels=4, num_layers=2, readout="invariants", readout_width=8, coarse_graining=1
    )
    data = random_graph()
    network(data).pow(2).sum().backward()
    parts = network_parts_gradients(network)
    assert {"layers.0", "layers.1", "invariant_encoder", "coarse_graining", "decoder"} <= set(parts)
    assert sum(len(gradients) for gradients in parts.values()) == sum(
        1 for p in network.parameters() if p.grad is not None
    )


@pytest.mark.slow
def test_compiled_network_matches_eager_in_outputs_and_gradients_and_keeps_its_checkpoint_keys():
    torch.manual_seed(0)
    network = SE3Net(3, 1.0, l_max=1, channels=2, num_layers=2)
    data = random_graph()
    eager = network(data)
    eager.square().sum().backward()
    eager_gradients = {name: parameter.grad.clone() for name, parameter in network.named_parameters()}
    keys = set(network.state_dict())
    network.zero_grad()
    module = GlassModule(network, num_outputs=3, compile=True)
    compiled = module(data)
    compiled.square().sum().backward()
    gradients = [(name, parameter.grad, eager_gradients[name]) for name, parameter in network.named_parameters()]
    for name, value, expected in [("outputs", compiled, eager), *gradients]:
        torch.testing.assert_close(value, expected, rtol=0, atol=1e-5 * float(expected.detach().abs().max()), msg=name)
    assert set(module.model.state_dict()) == keys


class RecordingLogger(Logger):
    def __init__(self):
        super().__init__()
        self.params = {}

    @property
    def name(self):
        return "recording"

    @property
    def version(self):
        return 0

    def log_hyperparams(self, params, *args, **kwargs):
        self.params.update(params)

    def log_metrics(self, metrics, step=None):
        pass


def test_the_tensor_product_backend_is_logged_with_the_hyperparameters():
    module = GlassModule(SE3Net(3, 1.0, l_max=1, channels=2, num_layers=2, tensor_product="e3nn"), num_outputs=3)
    logger = RecordingLogger()
    options = dict(enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer = Trainer(accelerator="cpu", max_steps=1, logger=logger, **options)
    trainer.fit(module, train_dataloaders=DataLoader([random_graph()], batch_size=1))
    assert logger.params["model/tensor_product_backend"] == "e3nn"


@pytest.mark.parametrize("content", ["not a checkpoint", ""])  # an empty file: torch raises EOFError('')
def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path, content):
    path = tmp_path / "notes.ckpt"
    path.write_text(content)
    with pytest.raises(GlassDataError, match="not a readable PyTorch checkpoint") as raised:
        GlassModule.load_from_checkpoint(path)
    assert raised.value.field == "checkpoint"
