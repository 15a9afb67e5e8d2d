"""The training config of one trial, and of the best trial (the ``fit --config`` file)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from glass_lightning.sweep.search_space import CUTOFF, config_path
from glass_lightning.sweep.spec import SweepSpec
from glass_lightning.sweep.training_config import with_values

SHARED_DATA = "glass_lightning.sweep.shared_data.SharedGraphData"
LOGGER = "glass_lightning.training.tracking.GlassMLFlowLogger"


def searched_config(spec: SweepSpec, params: dict[str, Any]) -> dict:
    """The base config with the overrides and the parameter values ``params`` (cutoff in the data)."""
    values = {config_path(name): value for name, value in params.items() if name != CUTOFF}
    if CUTOFF in params:
        values["data.init_args.cutoff"] = params[CUTOFF]
    return with_values(with_values(spec.base_config, spec.overrides), values)


def graph_data(spec: SweepSpec, params: dict[str, Any]) -> dict:
    """The data config of a trial (``class_path`` / ``init_args``) at the sweep's largest cutoff."""
    data = searched_config(spec, params)["data"]
    return data if spec.largest_cutoff is None else with_values(data, {"init_args.cutoff": spec.largest_cutoff})


def trial_config(spec: SweepSpec, params: dict[str, Any], run_id: str, directory: Path) -> dict:
    """A trial's config: the shared graphs at the sweep's cutoff, the trial's cutoff in the network,
    its MLflow run as logger, no checkpoint files, no test."""
    config = searched_config(spec, params)
    config["data"] = {"class_path": SHARED_DATA, "init_args": {"data": graph_data(spec, params), "cutoff": params.get(CUTOFF)}}
    config["trainer"] = {
        **config.get("trainer", {}),
        "logger": {"class_path": LOGGER, "init_args": {"tracking_uri": spec.tracking_uri, "experiment_name": spec.experiment_name, "run_id": run_id, "log_model": False}},
        "default_root_dir": str(directory),
        "enable_progress_bar": False,
        "enable_model_summary": False,
    }
    config["checkpoint"] = {**config.get("checkpoint", {}), "save_top_k": 0}
    config.pop("test_after_fit", None)
    return config


def best_config(spec: SweepSpec, params: dict[str, Any]) -> dict:
    """The best trial as a plain training config: its data built at its own cutoff, its own MLflow run name."""
    config = searched_config(spec, params)
    logger = copy.deepcopy(config.get("trainer", {}).get("logger"))
    if isinstance(logger, dict) and logger.get("class_path") == LOGGER:
        logger.setdefault("init_args", {})["run_name"] = f"{spec.study_name}-best"
        config["trainer"]["logger"] = logger
    return config
