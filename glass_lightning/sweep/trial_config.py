"""The fit arguments of one trial, and the config of the best trial (the ``fit --config`` file)."""

from __future__ import annotations

from typing import Any

from glass_lightning.sweep.search_space import CUTOFF, config_path
from glass_lightning.sweep.spec import SweepSpec
from glass_lightning.training.cli import LOGGER
from glass_lightning.training.run import overrides, parse_fit

SHARED_DATA = "glass_lightning.sweep.shared_data.SharedGraphData"


def searched_arguments(spec: SweepSpec, params: dict[str, Any]) -> list[str]:
    """The sweep's fit arguments with the parameter values ``params`` set."""
    return [*spec.arguments, *overrides({config_path(name): value for name, value in params.items()})]


def graph_data(spec: SweepSpec, params: dict[str, Any]) -> dict:
    """The data config of a trial (``class_path`` / ``init_args``) at the sweep's largest cutoff."""
    largest = {} if spec.largest_cutoff is None else {config_path(CUTOFF): spec.largest_cutoff}
    return parse_fit([*searched_arguments(spec, params), *overrides(largest)])[1].data.as_dict()


def trial_arguments(spec: SweepSpec, params: dict[str, Any]) -> list[str]:
    """A trial's fit arguments: the shared graphs at the sweep's cutoff, the trial's cutoff in the network."""
    shared = {"class_path": SHARED_DATA, "init_args": {"data": graph_data(spec, params), "cutoff": params.get(CUTOFF)}}
    return [*searched_arguments(spec, params), *overrides({"data": shared})]


def best_config(spec: SweepSpec, params: dict[str, Any], header: str) -> str:
    """The best trial as a complete training config (YAML under a comment ``header``): its data built at
    its own cutoff, its own MLflow run name."""
    cli, config = parse_fit(searched_arguments(spec, params))
    if config.get("trainer.logger.class_path") == LOGGER:
        config["trainer.logger.init_args.run_name"] = f"{spec.study_name}-best"
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + cli.parser.dump(config, skip_unset=False)
