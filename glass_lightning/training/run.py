"""One way to run a fit: ``glass-lightning fit`` / ``lightning fit``, every sweep trial and every
experiment fit call :func:`fit` with what ``lightning fit`` takes, config files and dotted
overrides (``--config a.yaml --trainer.max_epochs 4``).

A fit run for a sweep or an experiment also says where it logs (:class:`RunLog`: the MLflow
logger replaces the config's) and gets a ``directory`` of its own: its best checkpoint is
``directory/checkpoints/best.ckpt`` (or none is kept), progress bars, periodic resume
checkpoints and the test after fit are off. Its config is checked by :func:`parse_fit` first,
so a bad key fails before any training, naming the entry of the file that set it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jsonargparse import ArgumentError, Namespace
from lightning.pytorch import Callback
from lightning.pytorch.loggers import MLFlowLogger
from lightning.pytorch.utilities import rank_zero_info

from glass_lightning.errors import GlassDataError
from glass_lightning.training.best_checkpoint import BEST_CHECKPOINT
from glass_lightning.training.cli import LOGGER, GlassLightningCLI, lightning_cli
from glass_lightning.training.tracking import DEFAULT_TRACKING_URI


@dataclass(frozen=True)
class RunLog:
    """Where a fit logs: a new run named ``run_name`` or the existing run ``run_id`` of an MLflow experiment."""

    experiment_name: str
    tracking_uri: str = DEFAULT_TRACKING_URI
    run_name: str | None = None
    run_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def logger(self) -> dict:
        """The config of the fit's logger (checkpoints are not logged as artifacts)."""
        init_args = {key: value for key, value in asdict(self).items() if value not in (None, {})}
        return {"class_path": LOGGER, "init_args": {**init_args, "log_model": False}}


@dataclass
class FitResult:
    cli: GlassLightningCLI  # its trainer, model and datamodule
    run_id: str | None
    best_checkpoint: Path | None
    epochs: int
    fit_seconds: float  # in ``Trainer.fit``

    def summary(self) -> str:
        checkpoint = self.cli.trainer.checkpoint_callback
        best = "no best checkpoint"
        if self.best_checkpoint is not None:
            best = f"best {checkpoint.monitor} {float(checkpoint.best_model_score):.4f} in {self.best_checkpoint}"
        run = f"; MLflow run {self.run_id}" if self.run_id else ""
        return f"fit: {self.epochs} epochs in {self.fit_seconds:.0f} s, {best}{run}"


def argument_text(value: Any) -> str:
    """A config value as a command-line argument (strings as they are, anything else as JSON)."""
    return value if isinstance(value, str) else json.dumps(value)


def overrides(values: dict[str, Any]) -> list[str]:
    """``--dotted.key value`` arguments for every entry of ``values``."""
    return [text for key, value in values.items() for text in (f"--{key}", argument_text(value))]


def fit_arguments(config_files: Sequence[str], values: dict[str, Any] | None = None) -> list[str]:
    """The arguments of a fit of ``config_files`` (merged in order) with the dotted ``values`` set."""
    return [*(text for path in config_files for text in ("--config", str(path))), *overrides(values or {})]


def parse_fit(argv: Sequence[str]) -> tuple[GlassLightningCLI, Namespace]:
    """The CLI (its ``parser``) and the config of ``fit`` arguments, parsed and checked, nothing built;
    raises :class:`jsonargparse.ArgumentError` on a bad one."""
    cli = lightning_cli(list(argv), run=False, instantiate=False)
    return cli, cli.config


def _problem(config: Namespace, key: str, error: ArgumentError) -> str:
    """What is wrong with setting ``key`` in ``config``, in the words of the config."""
    owner, _, argument = key.rpartition(".init_args.")
    class_path = config.get(f"{owner}.class_path") if owner and "." not in argument else None
    if class_path is not None and argument not in vars(config[f"{owner}.init_args"]):
        accepted = sorted(vars(config[f"{owner}.init_args"]))
        return f"{class_path.rpartition('.')[2]} has no argument '{argument}'; it takes {accepted}"
    if key not in config:
        return f"the training config has no '{key}'"
    return " ".join(str(error).split())


def check_fit(
    source: str, base: Sequence[str], entries: dict[str, tuple[str, Any]], base_field: str = "base_config"
) -> Namespace:
    """The config of ``base`` with every entry (file field -> (dotted config key, value)) set, parsed by the CLI.

    A bad config raises GlassDataError(source, field, problem) naming the first entry that fails on its own."""
    with_entries = [*base, *overrides(dict(entries.values()))]
    try:
        return parse_fit(with_entries)[1]
    except ArgumentError as error:
        failure = error
    try:
        config = parse_fit(base)[1]
    except ArgumentError as error:
        raise GlassDataError(source, base_field, " ".join(str(error).split())) from None
    for name, (key, value) in entries.items():
        try:
            parse_fit([*base, *overrides({key: value})])
        except ArgumentError as error:
            raise GlassDataError(source, name, _problem(config, key, error)) from None
    raise GlassDataError(source, next(iter(entries)), " ".join(str(failure).split()))


def managed_overrides(run_log: RunLog | None, directory: Path | None, keep_best: bool) -> list[str]:
    """What a sweep or an experiment sets in each of its fits."""
    values: dict[str, Any] = {}
    if run_log is not None:
        values["trainer.logger"] = run_log.logger()
    if directory is not None:
        values |= {
            "trainer.default_root_dir": str(directory),
            "trainer.enable_progress_bar": False,
            "trainer.enable_model_summary": False,
            "checkpoint.dirpath": str(directory / "checkpoints"),
            "checkpoint.filename": BEST_CHECKPOINT,
            "checkpoint.save_top_k": 1 if keep_best else 0,
            "resume_checkpoint.every_n_epochs": 0,
            "resume_checkpoint.every_n_train_steps": 0,
            "test_after_fit": False,
        }
    return overrides(values)


def fit(
    argv: Sequence[str],
    run_log: RunLog | None = None,
    directory: Path | None = None,
    keep_best: bool = True,
    callbacks: Sequence[Callback] = (),
) -> FitResult:
    """``lightning fit`` on ``argv``; for a sweep or an experiment, logged to ``run_log`` in its own ``directory``
    (``keep_best``: keep the best checkpoint there), ``callbacks`` added to the trainer's."""
    cli = lightning_cli(["fit", *argv, *managed_overrides(run_log, directory, keep_best)], callbacks=callbacks)
    trainer = cli.trainer
    checkpoint = trainer.checkpoint_callback
    result = FitResult(
        cli=cli,
        run_id=next((logger.run_id for logger in trainer.loggers if isinstance(logger, MLFlowLogger)), None),
        best_checkpoint=Path(checkpoint.best_model_path) if checkpoint and checkpoint.best_model_path else None,
        epochs=trainer.current_epoch,
        fit_seconds=cli.fit_seconds,
    )
    rank_zero_info(result.summary())
    return result


def main(argv: list[str]) -> None:
    """``glass-lightning fit ...``: the same as ``lightning fit ...``."""
    fit(argv)
