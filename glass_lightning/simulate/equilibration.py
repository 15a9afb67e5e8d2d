"""Preparation, equilibration at a measured tau_alpha, and sampling of configurations.

Protocol at one temperature T:
1. random positions, energy minimization;
2. melt with a Langevin thermostat at ``melt_temperature``, then cool linearly to T;
3. NVE segments (Verlet), each started from fresh Maxwell–Boltzmann velocities at T with zero
   total momentum (a massive Andersen thermostat between segments). Every segment measures
   F_s(q, t) of the A particles relative to its start, centre of mass removed, exactly as an
   iso-configurational replica does;
4. pilot: the first segment lasts ``pilot_segment`` and doubles until F_s crosses 1/e, which
   gives a first tau_alpha; later segments last ``segment_tau_alpha`` x tau_alpha;
5. equilibration continues until its length (pilot included) reaches
   ``equilibration_tau_alpha`` x tau_alpha, tau_alpha re-measured after every segment from the
   mean F_s of the second half of the segments (earlier ones may still be ageing);
6. sampling: one configuration at the start of each further segment; those segments, all in
   equilibrium, give the tau_alpha that sets the propensity times.
"""

from __future__ import annotations

import numpy as np
import openmm

from glass_lightning.progress import progress_bar
from glass_lightning.simulate import engine
from glass_lightning.simulate.config import SimulationConfig
from glass_lightning.simulate.observables import (
    displacements,
    log_grid,
    relaxation_time,
    self_intermediate_scattering,
    step_counts,
)

GRID_POINTS = 32
TRACE_POINTS_PER_PHASE = 20
MAX_SEGMENT_DOUBLINGS = 12
THERMOSTAT = "NVE segments restarted from Maxwell-Boltzmann velocities at T (massive Andersen), zero total momentum"


class Equilibration:
    """Runs the protocol above in one OpenMM process; ``trace`` records U/N against time."""

    def __init__(
        self, config: SimulationConfig, temperature: float, types: np.ndarray, seed: int, progress: bool = True
    ):
        self.config, self.temperature, self.types = config, temperature, types
        self.rng = np.random.default_rng(seed)
        system = engine.build_system(types, config.box)
        self.langevin = openmm.LangevinMiddleIntegrator(
            engine.kelvin(config.melt_temperature), config.friction, config.time_step
        )
        self.langevin.setRandomNumberSeed(seed)
        self.thermostatted = engine.make_context(system, self.langevin, config.platform, config.num_threads)
        self.verlet = openmm.VerletIntegrator(config.time_step)
        self.newtonian = engine.make_context(system, self.verlet, config.platform, config.num_threads)
        self.is_a = types == 0
        self.clock = 0.0
        self.trace: dict[str, list] = {"time": [], "energy_per_particle": [], "phase": []}
        self.progress = progress

    def _record(self, context: openmm.Context, phase: str) -> None:
        self.trace["time"].append(round(self.clock, 6))
        self.trace["energy_per_particle"].append(engine.potential_energy(context) / len(self.types))
        self.trace["phase"].append(phase)

    def prepare(self) -> np.ndarray:
        """Random start, minimization, melt, linear cooling to T; returns the positions."""
        config = self.config
        self.thermostatted.setPositions(self.rng.random((len(self.types), 3)) * config.box)
        engine.minimize(self.thermostatted, tolerance=10.0)
        self.thermostatted.setVelocities(
            engine.maxwell_boltzmann_velocities(len(self.types), config.melt_temperature, self.rng)
        )
        for phase, duration in (("melt", config.melt_duration), ("cool", config.cooling_duration)):
            chunk = max(1, int(round(duration / config.time_step / TRACE_POINTS_PER_PHASE)))
            chunks = int(round(duration / config.time_step / chunk))
            for k in range(chunks):
                if phase == "cool":
                    fraction = (k + 1) / chunks
                    target = config.melt_temperature + fraction * (self.temperature - config.melt_temperature)
                    self.langevin.setTemperature(engine.kelvin(target))
                self.langevin.step(chunk)
                self.clock += chunk * config.time_step
                self._record(self.thermostatted, phase)
        return engine.positions(self.thermostatted)

    def segment(self, start: np.ndarray, grid: np.ndarray, phase: str) -> tuple[np.ndarray, np.ndarray]:
        """One NVE segment from ``start`` with fresh velocities; returns (end positions, F_s on grid)."""
        steps = step_counts(grid, self.config.time_step)
        velocities = engine.maxwell_boltzmann_velocities(len(self.types), self.temperature, self.rng)
        correlation = [
            self_intermediate_scattering(displacements(start, current)[self.is_a], self.config.wavenumber)
            for current in engine.newtonian_positions(self.newtonian, self.verlet, start, velocities, steps)
        ]
        self.clock += int(steps[-1]) * self.config.time_step
        self._record(self.newtonian, phase)
        return engine.positions(self.newtonian), np.array(correlation)

    def _grid(self, length: float) -> np.ndarray:
        return log_grid(self.config.time_step, length, GRID_POINTS, self.config.time_step)

    def _pilot(self, positions: np.ndarray) -> tuple[np.ndarray, float]:
        """Segments of doubling length until one sees F_s cross 1/e: a first tau_alpha."""
        length = self.config.pilot_segment
        for _ in range(MAX_SEGMENT_DOUBLINGS):
            grid = self._grid(length)
            positions, correlation = self.segment(positions, grid, "pilot")
            tau = relaxation_time(grid, correlation)
            if tau is not None:
                return positions, tau
            length *= 2
        raise RuntimeError(f"F_s did not decay to 1/e within {length / 2:g} time units at T={self.temperature}")

    def _equilibrate(self, positions: np.ndarray, pilot_tau: float, start: float) -> tuple[np.ndarray, float]:
        """Segments of ``segment_tau_alpha`` x tau_alpha until the time since ``start`` reaches
        ``equilibration_tau_alpha`` x tau_alpha (re-measured on the second half of the segments)."""
        config = self.config
        length, curves = config.segment_tau_alpha * pilot_tau, []
        grid = self._grid(length)
        bar = progress_bar(
            total=config.equilibration_tau_alpha,
            show=self.progress,
            desc=f"equilibrate T={self.temperature:g}",
            unit="tau",
            leave=False,
        )
        while True:
            positions, correlation = self.segment(positions, grid, "equilibrate")
            curves.append(correlation)
            tau = relaxation_time(grid, np.mean(curves[len(curves) // 2 :], axis=0))
            if tau is None:  # tau_alpha grew past the segment: longer segments, fresh average
                length, curves = 2 * length, []
                grid = self._grid(length)
                continue
            elapsed = self.clock - start
            bar.n = round(min(elapsed / tau, config.equilibration_tau_alpha), 1)
            bar.refresh()
            if elapsed >= config.equilibration_tau_alpha * tau and len(curves) >= 2:
                bar.close()
                return positions, tau

    def _sample(self, positions: np.ndarray, separation: float) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """A configuration at the start of each segment of length ``separation``; returns them,
        the time grid and the mean F_s of those equilibrium segments."""
        grid = self._grid(separation)
        configurations, curves = [], []
        for _ in progress_bar(
            range(self.config.configurations), show=self.progress, desc=f"sample T={self.temperature:g}", leave=False
        ):
            configurations.append(positions)
            positions, correlation = self.segment(positions, grid, "sample")
            curves.append(correlation)
        return configurations, grid, np.mean(curves, axis=0)

    def run(self) -> tuple[list[np.ndarray], dict]:
        """The whole protocol: returns the sampled configurations and the record for metadata."""
        config = self.config
        positions = self.prepare()
        start = self.clock
        positions, pilot_tau = self._pilot(positions)
        positions, equilibration_tau = self._equilibrate(positions, pilot_tau, start)
        length = self.clock - start
        separation = config.segment_tau_alpha * equilibration_tau
        configurations, grid, mean_curve = self._sample(positions, separation)
        tau_alpha = relaxation_time(grid, mean_curve)
        if tau_alpha is None:
            raise RuntimeError(
                f"F_s of the sampling segments did not decay to 1/e within {separation:g} at T={self.temperature}"
            )
        record = {
            "thermostat": THERMOSTAT,
            "melt": {
                "temperature": config.melt_temperature,
                "duration": config.melt_duration,
                "friction": config.friction,
            },
            "cooling": {"duration": config.cooling_duration, "profile": "linear, Langevin"},
            "tau_alpha_pilot": pilot_tau,
            "tau_alpha_equilibration": equilibration_tau,
            "tau_alpha_sampling": tau_alpha,
            "length": length,
            "length_in_tau_alpha": length / tau_alpha,
            "configuration_separation": separation,
            "self_intermediate_scattering": {
                "times": grid.tolist(),
                "values": mean_curve.tolist(),
                "origins": config.configurations,
            },
            "trace": self.trace,
        }
        return configurations, record
