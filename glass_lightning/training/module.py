"""``GlassModule``: the LightningModule that trains any propensity model on glass snapshots.

It owns what every model shares, so that comparisons between models are fair: the loss (MSE
over all timescales, weighted per particle type), the optimizer and scheduler, and the
Pearson metrics per type and timescale (pooled and per configuration). The network itself is
any ``torch.nn.Module`` with ``forward(data) -> (N, num_outputs)``, given by ``class_path``.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule
from lightning.pytorch.cli import LRSchedulerCallable, OptimizerCallable
from torch import Tensor, nn
from torchmetrics import MaxMetric, MeanMetric

from glass_lightning.checkpoint_file import CHECKPOINT_KEY, RECIPE_KEY, read_checkpoint
from glass_lightning.class_paths import Network
from glass_lightning.data.snapshot import type_name
from glass_lightning.errors import GlassDataError
from glass_lightning.training.fit_report import FitReport
from glass_lightning.training.metrics import PerConfigurationPearson, PooledPearsonByType, standardize_per_group
from glass_lightning.training.run_record import RunRecord


def default_optimizer(parameters) -> torch.optim.Optimizer:
    """Adam with learning rate 1e-3."""
    return torch.optim.Adam(parameters, lr=1e-3)


def _is_plain(value: object) -> bool:
    """True for values that YAML and a weights-only checkpoint hold (config dicts, strings, numbers)."""
    if isinstance(value, dict):
        return all(_is_plain(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


def network_parts_gradients(network: nn.Module) -> dict[str, list[Tensor]]:
    """Gradients grouped by part of the network: its direct children, with module lists split
    into their items (``layers.0``, ``layers.1``, ..., ``decoder``); parts without gradient are left out."""
    parts: dict[str, list[Tensor]] = {}
    for name, parameter in network.named_parameters():
        if parameter.grad is None:
            continue
        pieces = name.split(".")
        part = ".".join(pieces[:2]) if isinstance(getattr(network, pieces[0]), nn.ModuleList) else pieces[0]
        parts.setdefault(part, []).append(parameter.grad.detach())
    return parts


def qualified_name(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


class GlassModule(LightningModule):
    """Train ``model`` to predict per-particle propensities at ``num_outputs`` timescales.

    Args:
        model: the network; ``forward(data)`` returns (N, num_outputs). A config names a registered one
            (class_paths.py), the project's by its short name: SE3Net, InvariantGNN, ExpertRidge, FrozenBackbone.
        num_outputs: number of timescales (linked from the data by the CLI).
        num_types: number of particle species (linked from the data by the CLI).
        type_weights: loss weight of each species (default 1 for all); 0 leaves a species out of
            the loss. Metrics are reported for every species regardless.
        optimizer: builds the optimizer from the parameters (default Adam, lr 1e-3).
        scheduler: optionally builds a learning-rate scheduler from the optimizer.
        scheduler_monitor: the metric a ``ReduceLROnPlateau`` scheduler watches.
        standardize_per_configuration: fit the target standardized within every (configuration,
            type) group, zero mean and unit variance, instead of the dataset-wide standardization.
            The per-configuration Pearson correlation is blind to each group's mean and scale,
            while the MSE is not: at long times a configuration's mean mobility varies from one
            configuration to the next and cannot be read from the local structure of a
            particle, so without this the loss spends its gradient on that mean. Predictions are
            then in per-configuration standard units.
        log_gradient_norms: log the gradient norm of each part of the network (each layer, the
            read-out, the decoder: ``grad_norm/<part>``) before every optimizer step, to see which
            parts learn.
        compile: run the network under ``torch.compile`` (training, validation, test, predict),
            with dynamic shapes, so that graphs of other sizes reuse the compiled code. In place
            (``nn.Module.compile``): checkpoints keep their keys and load with or without it.
            The first batches pay the compilation (minutes on a small CPU); the data-dependent
            edge selection runs eagerly between compiled graphs. SE3Net's native tensor product
            is compiled as one block of edges, with more memory than its eager edge blocks.

    The network's ``tensor_product_backend`` (SE3Net: the backend that ``tensor_product`` chose
    on this machine) is logged with the hyperparameters as ``model/tensor_product_backend``.
    """

    def __init__(
        self,
        model: Network,
        num_outputs: int = 1,
        num_types: int = 2,
        type_weights: Sequence[float] | None = None,
        optimizer: OptimizerCallable = default_optimizer,
        scheduler: LRSchedulerCallable | None = None,
        scheduler_monitor: str = "val/loss",
        standardize_per_configuration: bool = False,
        log_gradient_norms: bool = False,
        compile: bool = False,
    ):
        super().__init__()
        self._save_plain_hyperparameters()
        weights = [1.0] * num_types if type_weights is None else [float(weight) for weight in type_weights]
        if len(weights) != num_types or any(weight < 0 for weight in weights) or sum(weights) == 0:
            raise GlassDataError(
                "GlassModule", "type_weights", f"expected {num_types} non-negative weights, not all zero, got {weights}"
            )
        self.model = model
        if compile:
            model.compile(dynamic=True)
        self.standardize_per_configuration = standardize_per_configuration
        self.log_gradient_norms = log_gradient_norms
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler
        self.saved_graph_recipe: dict | None = None  # the data's graph recipe, when loaded from a checkpoint
        self.register_buffer("type_weights", torch.tensor(weights, dtype=torch.float32), persistent=False)
        # the losses are means over configurations, summed over processes by torchmetrics (exact under DDP)
        self.val_loss, self.test_loss = MeanMetric(), MeanMetric()
        self.val_pearson = PooledPearsonByType(num_types, num_outputs)
        self.val_pearson_per_configuration = PerConfigurationPearson(num_types, num_outputs)
        self.train_pearson_per_configuration = PerConfigurationPearson(num_types, num_outputs)
        self.test_pearson = PooledPearsonByType(num_types, num_outputs)
        self.test_pearson_per_configuration = PerConfigurationPearson(num_types, num_outputs)
        self.val_best = nn.ModuleList(MaxMetric() for _ in range(num_types))
        for metric in self.val_best:
            metric.persistent(True)

    def _save_plain_hyperparameters(self) -> None:
        """Save the init arguments; under LightningCLI they arrive as plain config (class_path and
        init_args), so ``load_from_checkpoint`` rebuilds the network. Objects built in Python
        (a network instance, a function) are left out: pass them again when loading."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*is an instance of `nn.Module`")
            self.save_hyperparameters(frame=inspect.currentframe().f_back)
        built_in_python = [
            name for name in ("model", "optimizer", "scheduler") if not _is_plain(self.hparams.get(name))
        ]
        self.remove_ignored_hparams(built_in_python)

    def forward(self, data) -> Tensor:
        return self.model(data)

    def configure_callbacks(self) -> list[Callback]:
        """What every run of this module records in MLflow, whatever started it (the CLI, a sweep, an experiment,
        a plain ``Trainer``): its stage, provenance and times (:class:`RunRecord`) and, after a fit, learning
        curves and a validation scatter (:class:`FitReport`). Both do nothing without an MLflow logger."""
        return [RunRecord(), FitReport()]

    def on_fit_start(self) -> None:
        backend = getattr(self.model, "tensor_product_backend", None)
        if backend is not None:
            for logger in self.loggers:
                logger.log_hyperparams({"model/tensor_product_backend": backend})

    def fitted_target(self, data) -> Tensor:
        """The target the loss compares with: ``data.y``, or its per-(configuration, type) z-score."""
        if not self.standardize_per_configuration:
            return data.y
        batch = data.batch if getattr(data, "batch", None) is not None else torch.zeros_like(data.node_type)
        return standardize_per_group(data.y, batch * len(self.type_weights) + data.node_type)

    def loss(self, prediction: Tensor, data) -> Tensor:
        """Mean squared error over timescales, averaged over particles with per-type weights."""
        weight = self.type_weights[data.node_type]
        squared_error = ((prediction - self.fitted_target(data)) ** 2).mean(dim=1)
        return (weight * squared_error).sum() / weight.sum().clamp(min=torch.finfo(weight.dtype).tiny)

    def training_step(self, data, batch_index: int) -> Tensor:
        prediction = self(data)
        loss = self.loss(prediction, data)
        self.log("train/loss", loss, batch_size=data.num_graphs, prog_bar=True)
        self.train_pearson_per_configuration.update(
            prediction.detach(), data.y, data.node_type, data.batch, data.num_graphs
        )
        return loss

    def on_train_epoch_end(self) -> None:
        """The epoch's per-configuration Pearson on the training batches (as seen while the weights
        changed): against the validation one, it tells under- from over-fitting."""
        self._log_correlations("train/pearson_per_configuration", self.train_pearson_per_configuration.compute())
        self.train_pearson_per_configuration.reset()

    def validation_step(self, data, batch_index: int) -> dict[str, Tensor]:
        prediction = self(data)
        self.val_loss.update(self.loss(prediction, data), weight=data.num_graphs)
        self.log("val/loss", self.val_loss, on_step=False, on_epoch=True, prog_bar=True)
        self.val_pearson.update(prediction, data.y, data.node_type)
        self.val_pearson_per_configuration.update(prediction, data.y, data.node_type, data.batch, data.num_graphs)
        return {"prediction": prediction.detach()}  # for the fit's validation scatter (FitReport)

    def test_step(self, data, batch_index: int) -> dict[str, Tensor]:
        prediction = self(data)
        self.test_loss.update(self.loss(prediction, data), weight=data.num_graphs)
        self.log("test/loss", self.test_loss, on_step=False, on_epoch=True)
        self.test_pearson.update(prediction, data.y, data.node_type)
        self.test_pearson_per_configuration.update(prediction, data.y, data.node_type, data.batch, data.num_graphs)
        return {"prediction": prediction.detach()}

    def predict_step(self, data, batch_index: int) -> Tensor:
        return self(data)

    def on_before_optimizer_step(self, optimizer) -> None:
        if not self.log_gradient_norms:
            return
        for part, gradients in network_parts_gradients(self.model).items():
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(gradient) for gradient in gradients]))
            self.log(f"grad_norm/{part}", norm, on_step=True, on_epoch=False)

    def _log_correlations(self, prefix: str, correlations: dict[int, Tensor | None]) -> dict[int, Tensor]:
        """Log one scalar per (type, timescale) and the mean over timescales; return the means."""
        means = {}
        for label, values in correlations.items():
            if values is None:
                continue
            name = type_name(label)
            values = values.reshape(-1)  # torchmetrics returns a 0-d tensor for a single timescale
            for index, value in enumerate(values):
                self.log(f"{prefix}_{name}_t{index}", value)
            means[label] = values.mean()
            self.log(f"{prefix}_{name}_mean", means[label], prog_bar=label == 0)
        return means

    def on_validation_epoch_end(self) -> None:
        means = self._log_correlations("val/pearson", self.val_pearson.compute())
        self._log_correlations("val/pearson_per_configuration", self.val_pearson_per_configuration.compute())
        self.val_pearson.reset()
        self.val_pearson_per_configuration.reset()
        if self.trainer.sanity_checking:
            return
        for label, mean in means.items():
            if torch.isfinite(mean):
                self.val_best[label].update(mean)
            if self.val_best[label].update_count > 0:
                self.log(f"val/pearson_{type_name(label)}_mean_best", self.val_best[label].compute())

    def on_test_epoch_end(self) -> None:
        self._log_correlations("test/pearson", self.test_pearson.compute())
        self._log_correlations("test/pearson_per_configuration", self.test_pearson_per_configuration.compute())
        self.test_pearson.reset()
        self.test_pearson_per_configuration.reset()

    def configure_optimizers(self) -> Any:
        optimizer = self.optimizer_factory(self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        scheduler = self.scheduler_factory(optimizer)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "monitor": self.hparams.scheduler_monitor},
        }

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """The network's class, and the data's graph recipe so that the checkpoint alone predicts on new files."""
        checkpoint[CHECKPOINT_KEY] = {"network": qualified_name(self.model)}
        recipe = getattr(getattr(self._trainer, "datamodule", None), "graph_recipe", None)
        if recipe is not None:
            checkpoint[CHECKPOINT_KEY][RECIPE_KEY] = recipe.as_dict()

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        self.saved_graph_recipe = checkpoint.get(CHECKPOINT_KEY, {}).get(RECIPE_KEY)
        saved = checkpoint.get(CHECKPOINT_KEY, {}).get("network")
        if saved != qualified_name(self.model):
            raise GlassDataError(
                "checkpoint",
                "network",
                f"the checkpoint holds a {saved or 'non-GlassModule'} network, "
                f"but this GlassModule was built with {qualified_name(self.model)}",
            )

    @classmethod
    def load_from_checkpoint(cls, checkpoint_path: str | Path, *args: Any, **kwargs: Any) -> "GlassModule":
        """Lightning's loader behind the gate of :func:`read_checkpoint` (nothing it names runs unless registered);
        arguments that do not build the network, or weights that do not fit it, are one error naming the file."""
        read_checkpoint(checkpoint_path)
        try:
            return super().load_from_checkpoint(checkpoint_path, *args, weights_only=True, **kwargs)
        except GlassDataError:
            raise
        except (RuntimeError, TypeError, ValueError, KeyError) as error:
            first_line = (str(error).strip().splitlines() or [""])[0][:300]
            raise GlassDataError(
                checkpoint_path,
                "hyper_parameters",
                f"its arguments and weights do not make a GlassModule ({type(error).__name__}: {first_line})",
            ) from None
