"""Simulation parameters: defaults, the ``--quick`` preset, YAML loading and validation.

Every parameter is checked before any compute starts; a bad one raises
:class:`~glass_lightning.errors.GlassDataError` naming the config file and the key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from glass_lightning.errors import GlassDataError
from glass_lightning.simulate import kob_andersen
from glass_lightning.yaml_dataclass import DEFAULTS_SOURCE, read_fields, source_name

# the --platform help of the commands, which lists no platform installed here (that would import OpenMM)
PLATFORMS_HELP = "Reference, CPU, CUDA or OpenCL, as installed (one not installed is refused, naming those that are)"


@dataclass
class SimulationConfig:
    """One Kob–Andersen dataset: system, preparation, equilibration, sampling, propensities.

    Lengths of runs are in reduced time units unless the name says ``tau_alpha`` (then they
    are multiples of the tau_alpha measured during the run).
    """

    output: str = "data/simulated"
    report: str | None = None  # markdown path of the --report output; PNG written next to it
    num_particles: int = 500
    density: float = kob_andersen.DENSITY
    fraction_a: float = 0.8
    temperatures: list[float] = field(default_factory=lambda: [0.64, 0.80])
    seed: int = 2024
    time_step: float = kob_andersen.TIME_STEP
    platform: str = "CPU"
    threads: int = 0  # threads of the equilibration context; 0 = every core
    workers: int = 0  # replica worker processes; 0 = one per core
    melt_temperature: float = 2.0
    melt_duration: float = 20.0
    cooling_duration: float = 20.0
    friction: float = 1.0  # Langevin friction (1/time) while melting and cooling
    pilot_segment: float = 2.0  # first NVE segment; doubled until F_s crosses 1/e
    segment_tau_alpha: float = 3.0  # NVE segment length = configuration separation
    equilibration_tau_alpha: float = 100.0
    configurations: int = 24
    replicas: int = 16
    wavenumber: float = kob_andersen.WAVENUMBER
    first_time: float = 0.1
    last_time_tau_alpha: float = 2.5
    num_times: int = 8
    times: list[float] | None = None  # explicit propensity times; overrides the tau_alpha grid
    minimizer_tolerance: float = 1e-6
    trajectories: bool = False  # also write each replica's frames at the propensity times (extended XYZ)
    source: str = field(default=DEFAULTS_SOURCE, repr=False)

    @property
    def box(self) -> np.ndarray:
        return np.full(3, kob_andersen.box_length(self.num_particles, self.density))

    @property
    def num_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def num_threads(self) -> int:
        return self.threads or os.cpu_count() or 1


QUICK = {
    "num_particles": 200,
    "temperatures": [1.0],
    "melt_duration": 1.0,
    "cooling_duration": 1.0,
    "pilot_segment": 0.5,
    "segment_tau_alpha": 3.0,
    "equilibration_tau_alpha": 4.0,
    "configurations": 2,
    "replicas": 3,
    "first_time": 0.02,
    "last_time_tau_alpha": 2.0,
    "num_times": 5,
    "minimizer_tolerance": 1e-4,
}


def load_config(path: str | os.PathLike | None = None, overrides: dict | None = None) -> SimulationConfig:
    """Defaults, then the YAML file at ``path``, then ``overrides``; validated."""
    values = read_fields(path, SimulationConfig, "simulation", overrides)
    config = SimulationConfig(**values, source=source_name(path))
    validate(config)
    return config


def _require(condition: bool, config: SimulationConfig, name: str, problem: str) -> None:
    if not condition:
        raise GlassDataError(config.source, name, f"{problem}, got {getattr(config, name)!r}")


def validate(config: SimulationConfig) -> None:
    """Refuse parameters that cannot make a physical dataset, before anything runs."""
    for name in (
        "density",
        "time_step",
        "melt_temperature",
        "wavenumber",
        "first_time",
        "minimizer_tolerance",
        "pilot_segment",
        "segment_tau_alpha",
        "last_time_tau_alpha",
        "friction",
    ):
        value = getattr(config, name)
        _require(
            isinstance(value, (int, float)) and np.isfinite(value) and value > 0,
            config,
            name,
            "expected a positive number",
        )
    for name in ("melt_duration", "cooling_duration", "equilibration_tau_alpha"):
        value = getattr(config, name)
        _require(isinstance(value, (int, float)) and value >= 0, config, name, "expected a number >= 0")
    for name in ("num_particles", "configurations", "replicas", "num_times"):
        value = getattr(config, name)
        _require(isinstance(value, int) and value >= 1, config, name, "expected a positive integer")
    for name in ("threads", "workers"):
        value = getattr(config, name)
        _require(isinstance(value, int) and value >= 0, config, name, "expected an integer >= 0 (0 = every core)")
    _require(isinstance(config.trajectories, bool), config, "trajectories", "expected true or false")
    _require(0 < config.fraction_a <= 1, config, "fraction_a", "expected a fraction in (0, 1]")
    temperatures = np.asarray(config.temperatures, dtype=float)
    _require(
        temperatures.ndim == 1 and temperatures.size > 0 and bool(np.all(temperatures > 0)),
        config,
        "temperatures",
        "expected a non-empty list of positive temperatures",
    )
    _require(
        len(set(np.round(temperatures, 6))) == temperatures.size,
        config,
        "temperatures",
        "expected distinct temperatures",
    )
    length = kob_andersen.box_length(config.num_particles, config.density)
    if length <= 2 * kob_andersen.LARGEST_CUTOFF:
        raise GlassDataError(
            config.source,
            "num_particles",
            f"box length {length:.4g} of {config.num_particles} particles at "
            f"density {config.density} must exceed twice the cutoff (2 x {kob_andersen.LARGEST_CUTOFF}); use more particles",
        )
    if config.times is None:
        _require(
            config.num_times >= 3 and config.last_time_tau_alpha > 1,
            config,
            "num_times",
            "expected >= 3 times (first, tau_alpha, last) with last_time_tau_alpha > 1",
        )
    else:
        times = np.asarray(config.times, dtype=float)
        _require(
            times.ndim == 1 and times.size > 0 and bool(np.all(times > 0)) and bool(np.all(np.diff(times) > 0)),
            config,
            "times",
            "expected positive, strictly increasing times",
        )
        _require(
            bool(np.all(np.diff(np.round(times / config.time_step)) > 0)),
            config,
            "times",
            f"expected times at least one time step ({config.time_step}) apart",
        )
