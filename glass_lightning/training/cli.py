"""The LightningCLI of glass_lightning: ``lightning fit|validate|test|predict --config X.yaml``.

* ``model``: a :class:`GlassModule`, whose ``model`` (the network: SE3Net, InvariantGNN,
  ExpertRidge, ...) is given by ``class_path`` / ``init_args``.
* ``data``: any LightningDataModule by ``class_path`` (normally ``GlassDataModule``). The
  numbers the network needs are read from the instantiated data and linked, never re-typed:
  ``cutoff``, ``num_timescales`` (-> ``num_outputs``), ``num_types``, ``num_node_attr``.
* Always present: a ``checkpoint`` (ModelCheckpoint on ``val/pearson_A_mean``), a ``report``
  (test-time Pearson per temperature, figures) and a ``prediction_writer`` (predict's files).
  The best checkpoint is ``checkpoints/best.ckpt`` of the run's folder (``{default_root_dir}/{MLflow
  experiment id}/{run id}/checkpoints``, or ``checkpoint.dirpath``): :class:`BestCheckpoint`.
* Logging: MLflow (:class:`GlassMLFlowLogger`, sqlite store under ``mlruns/``) unless the config
  says otherwise; a config names only what differs (``trainer.logger.init_args.run_name`` ...).
  The resolved config is logged as ``config.yaml``.
* ``test_after_fit: true`` tests the best checkpoint right after ``fit``, in the same run.
* ``resume_checkpoint``: a ``last.ckpt`` every N epochs / steps for preemption-safe training;
  ``fit --ckpt_path last`` (or a path) continues a killed run into the same MLflow run.
* ``validate|test|predict --ckpt_path ka3d-T0.44``: a network shipped with the package, by its
  name (``pretrained/registry.py``), on the data of the config.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import torch
from jsonargparse import DefaultHelpFormatter
from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI, SaveConfigCallback
from lightning.pytorch.loggers import MLFlowLogger
from lightning.pytorch.utilities import rank_zero_warn

from glass_lightning.checkpoint_file import CHECKPOINT_KEY, RECIPE_KEY, read_checkpoint
from glass_lightning.command_parser import PlainText
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.errors import GlassDataError
from glass_lightning.pretrained.registry import PRETRAINED, resolve_checkpoint
from glass_lightning.training.best_checkpoint import BestCheckpoint
from glass_lightning.training.callbacks import PearsonReport
from glass_lightning.training.module import GlassModule
from glass_lightning.training.prediction_writer import PredictionWriter
from glass_lightning.training.resume import ResumeCheckpoint, saved_mlflow_run_id
from glass_lightning.training.tracking import GlassMLFlowLogger

# data attribute -> GlassModule argument(s) it sets, at instantiation
DATA_LINKS: dict[str, tuple[str, ...]] = {
    "cutoff": ("model.model.init_args.cutoff",),
    "num_timescales": ("model.num_outputs", "model.model.init_args.num_outputs"),
    "num_types": ("model.num_types", "model.model.init_args.num_types"),
    "num_node_attr": ("model.model.init_args.num_node_attr",),
}

LOGGER = f"{GlassMLFlowLogger.__module__}.{GlassMLFlowLogger.__qualname__}"
TRAINER_DEFAULTS = {"default_root_dir": "outputs", "logger": {"class_path": LOGGER}}


class MLflowConfigCallback(SaveConfigCallback):
    """Log the resolved config to each MLflow logger as ``config.yaml`` (instead of a local
    file), and the data, seed and trainer budget as params (the model's are its hyperparameters)."""

    def save_config(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        text = self.parser.dump(self.config, skip_unset=False)
        config = self.config.as_dict()
        run_settings = {key: config.get(key) for key in ("data", "seed_everything")}
        run_settings["trainer"] = {
            key: config["trainer"].get(key) for key in ("max_epochs", "accelerator", "devices", "precision")
        }
        for logger in trainer.loggers:
            if isinstance(logger, MLFlowLogger):
                logger.experiment.log_text(logger.run_id, text, "config.yaml")
                logger.log_hyperparams(run_settings)


class PlainTextHelpFormatter(PlainText, DefaultHelpFormatter):
    """jsonargparse's formatter (types, defaults), in plain text: the docstrings it shows lose their reST markup."""


class PlainTextArgumentParser(LightningArgumentParser):
    """LightningCLI's parser with help in plain text, also in the parsers it makes for ``--*.help CLASS``."""

    def __init__(self, *args, formatter_class: type = PlainTextHelpFormatter, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, **kwargs)


class GlassLightningCLI(LightningCLI):
    """LightningCLI with GlassModule, data by class_path, linked sizes and MLflow by default."""

    def __init__(
        self,
        args: list[str] | None = None,
        run: bool = True,
        callbacks: Sequence[Callback] = (),
        instantiate: bool = True,
    ):
        """``callbacks`` join the trainer's; without ``instantiate`` (and ``run``) the config is only parsed, and a
        bad one raises :class:`jsonargparse.ArgumentError` instead of exiting."""
        self.added_callbacks, self.instantiate = list(callbacks), instantiate
        super().__init__(
            parser_kwargs=None if instantiate else {"exit_on_error": False},
            parser_class=PlainTextArgumentParser,
            model_class=GlassModule,
            datamodule_class=None,
            save_config_callback=MLflowConfigCallback,
            save_config_kwargs={"save_to_log_dir": False},
            trainer_defaults=TRAINER_DEFAULTS,
            auto_configure_optimizers=False,
            args=args,
            run=run,
        )

    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        for source, targets in DATA_LINKS.items():
            for target in targets:
                parser.link_arguments(f"data.{source}", target, apply_on="instantiate")
        parser.add_lightning_class_args(BestCheckpoint, "checkpoint")
        parser.set_defaults(
            {
                "checkpoint.monitor": "val/pearson_A_mean",
                "checkpoint.mode": "max",
                "checkpoint.save_top_k": 1,
                "checkpoint.save_last": False,
            }
        )
        parser.add_lightning_class_args(ResumeCheckpoint, "resume_checkpoint")
        parser.set_defaults({"resume_checkpoint.every_n_epochs": 0})  # off unless the config asks
        parser.add_lightning_class_args(PearsonReport, "report")
        parser.add_lightning_class_args(PredictionWriter, "prediction_writer")
        parser.add_argument(
            "--test_after_fit", type=bool, default=False, help="After fit, test the best checkpoint in the same run."
        )
        parser.add_argument(
            "--threads",
            type=Optional[int],
            default=None,
            help="torch threads of this process (default: torch's choice, one per core; 1 on a machine others share).",
        )

    def _prepare_subcommand_parser(self, klass: type, subcommand: str, **kwargs) -> LightningArgumentParser:
        parser = super()._prepare_subcommand_parser(klass, subcommand, **kwargs)
        if "weights_only" in self._subcommand_method_arguments[subcommand]:  # the subcommands with a --ckpt_path
            parser.set_defaults({"weights_only": True})  # tensors and plain values only: unpickling runs no code
        return parser

    def _parse_ckpt_path(self) -> None:
        """A ``--ckpt_path`` file passes the gate of :func:`read_checkpoint` before its hyperparameters rebuild the model.
        Validate, test and predict also take a pretrained network's name (fit resumes a training state, which a
        shipped network does not hold)."""
        subcommand = self.config.get("subcommand")
        path = self.config[subcommand].get("ckpt_path") if subcommand else None
        if subcommand != "fit" and path in PRETRAINED:
            path = self.config[subcommand].ckpt_path = str(resolve_checkpoint(path))
        self.checkpoint_recipe = None  # its graph recipe, for the evaluations (_node_inputs_as_trained)
        if path and Path(path).is_file():
            saved = read_checkpoint(path).get(CHECKPOINT_KEY, {}).get(RECIPE_KEY)
            self.checkpoint_recipe = None if saved is None else GraphRecipe.from_dict(saved, str(path))
        super()._parse_ckpt_path()

    def _set_seed(self) -> None:
        if self.instantiate:  # a config only parsed seeds nothing
            super()._set_seed()

    def instantiate_classes(self) -> None:
        if self.instantiate:
            super().instantiate_classes()

    def instantiate_trainer(self, **kwargs) -> Trainer:
        trainer = super().instantiate_trainer(**kwargs)
        trainer.callbacks.extend(self.added_callbacks)
        return trainer

    def before_instantiate_classes(self) -> None:
        """Set ``--threads``; when ``fit`` resumes from a checkpoint, log into the MLflow run it was written in."""
        config = self.config.get(self.subcommand) if self.subcommand else self.config
        if config.get("threads") is not None:
            if config.threads < 1:
                raise GlassDataError(
                    "<arguments>", "threads", f"expected a positive number of threads, got {config.threads}"
                )
            torch.set_num_threads(config.threads)
        if self.subcommand != "fit" or not config.get("ckpt_path"):
            return
        path = Path(config.ckpt_path)
        if config.ckpt_path == "last":
            path = (
                Path(config.resume_checkpoint.dirpath or Path(config.trainer.default_root_dir) / "resume") / "last.ckpt"
            )
        logger = config.trainer.get("logger")
        if not path.is_file() or not hasattr(logger, "init_args") or "run_id" not in logger.init_args:
            return
        if logger.init_args.run_id is None:
            logger.init_args.run_id = saved_mlflow_run_id(path)

    def before_fit(self) -> None:
        self.fit_started = time.monotonic()

    def _node_inputs_as_trained(self) -> None:
        """validate, test and predict from a checkpoint standardize the node inputs with the statistics the network
        was trained with (the graph recipe its checkpoint holds), not those of whatever training split the config
        names: an evaluation on other files may have none."""
        recipe = self.checkpoint_recipe
        if recipe is not None:
            self.datamodule.standardize_node_inputs_as(
                recipe.node_inputs, recipe.node_attr_mean, recipe.node_attr_std, self.config[self.subcommand].ckpt_path
            )

    before_validate = before_test = before_predict = _node_inputs_as_trained

    def after_fit(self) -> None:
        self.fit_seconds = time.monotonic() - self.fit_started
        if not self.config[self.subcommand].get("test_after_fit"):
            return
        checkpoint = self.trainer.checkpoint_callback
        if checkpoint is None or not checkpoint.best_model_path:
            rank_zero_warn("test_after_fit: no best checkpoint was saved (fast_dev_run?); testing the final weights")
            self.trainer.test(self.model, datamodule=self.datamodule)
        else:
            self.trainer.test(self.model, datamodule=self.datamodule, ckpt_path="best")


def lightning_cli(argv: list[str] | None = None, run: bool = True, **options) -> GlassLightningCLI:
    """The CLI on ``argv`` (or the command line when None): with ``run``, ``SUBCOMMAND [options]``
    is carried out; without, the config (no subcommand) is parsed and its classes built.
    ``options``: those of :class:`GlassLightningCLI`."""
    with warnings.catch_warnings():
        # argv is the command line minus the program's own subcommand dispatch, not a second input
        warnings.filterwarnings("ignore", message="LightningCLI's args parameter is intended")
        return GlassLightningCLI(args=argv, run=run, **options)


def run(argv: list[str] | None = None) -> None:
    """Run ``SUBCOMMAND [options]`` (``argv``, or the command line when None)."""
    lightning_cli(argv)


def validate(argv: list[str]) -> None:
    run(["validate", *argv])


def test(argv: list[str]) -> None:
    run(["test", *argv])
