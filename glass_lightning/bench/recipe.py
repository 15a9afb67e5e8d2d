"""The recipe's section of ``glass-lightning bench``: the network of configs/default.yaml (:data:`RECIPE`),
now and before, with glibc's malloc tuned and as glibc sets it, and how far a step is from its floor.

Every case runs in a fresh process (bench/model_timing.py) whose malloc settings are set explicitly,
whatever the bench process has: ``tuned`` adds :data:`glass_lightning.allocator.SETTINGS` to
``GLIBC_TUNABLES`` (what the console scripts start with), the default takes those two settings out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from glass_lightning.allocator import SETTINGS, tuned_environment, untuned_environment
from glass_lightning.bench.floor import MachineRates, machine_rates
from glass_lightning.bench.model_timing import measure_in_subprocess
from glass_lightning.bench.report import floor_table, recipe_table
from glass_lightning.bench.step_count import StepCount, step_counts
from glass_lightning.bench.step_profile import profile_lines, step_profile
from glass_lightning.bench.workload import LABELS, RECIPE, benchmark_network, largest_difference
from glass_lightning.progress import progress_bar

TITLE = f"Recipe network, N = {RECIPE.num_particles} (configs/default.yaml)"
# (implementation, tuned malloc); the first is what users get, the others' times are also given as ratios to its
CASES = (("ours", True), ("ours", False), ("per_edge", True), ("per_edge", False))
CASE_LABELS = {"ours": "SE3Net", "per_edge": "before (per-edge reference)"}
MALLOC_LABELS = {True: "tuned", False: "as glibc sets it"}
EQUIVALENCE_PARTICLES = 512
# the first step on the full graph pays the first touch of its memory (malloc tuned or not): the fastest of two or
# more is a later one, as the steps of a training run are
LEAST_REPEATS = 2


def malloc_environment(tuned: bool, environment: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``environment`` with glibc's malloc thresholds tuned (allocator.py) or, ``tuned`` False, as glibc sets them."""
    untuned = untuned_environment(environment)
    return tuned_environment(untuned, libc="glibc") if tuned else untuned


def _num_edges(results: list[tuple[str, bool, dict]]) -> int | None:
    return next((result["num_edges"] for _, _, result in results if "num_edges" in result), None)


def recipe_lines(
    results: list[tuple[str, bool, dict]],
    difference: float,
    counts: dict[str, StepCount],
    rates: MachineRates,
    repeats: int,
    device: str,
) -> list[str]:
    """The section's text from its measurements: ``results`` (implementation, tuned malloc, result) in :data:`CASES`
    order, the reference's largest relative difference from the network, the step counts and the machine's rates."""
    first, num_edges = results[0][2], _num_edges(results)
    settings = ", ".join(f"{name}={value}" for name, value in SETTINGS.items())
    return [
        f"The network of the real-data recipe: SE3Net l_max = {RECIPE.l_max}, {RECIPE.channels} channels, "
        f"{RECIPE.num_layers} layer, {RECIPE.readout} read-out, {RECIPE.coarse_graining} coarse-graining passes, "
        f"{RECIPE.num_outputs} outputs (its other settings SE3Net's defaults, as in the config), on one snapshot of "
        f"N = {RECIPE.num_particles} (rho = {RECIPE.density}, cutoff {RECIPE.cutoff}, {num_edges} directed edges), "
        f"float32, on {device}. Training step = forward + MSE loss + backward + {RECIPE.optimizer} step; inference = "
        f"forward under `torch.no_grad`; the fastest of {repeats} training steps and {repeats + 1} inferences; peak "
        "memory = peak resident memory above the level before the timed runs; each case in a fresh process (method: "
        "glass_lightning/bench/model_timing.py). Malloc: tuned = `GLIBC_TUNABLES` with "
        f"`{settings}` (glass_lightning/allocator.py: what the console scripts start with); as glibc sets it = those "
        "two settings taken out. Before = glass_lightning/bench/per_edge_reference.py: the same weights, the first "
        "layer made per edge and scattered (the (edges, channels, (l_max+1)^2) tensor of R Y made twice) and each "
        "coarse-graining pass by `index_select`/`index_add`, as the recipe ran before; on a "
        f"{EQUIVALENCE_PARTICLES}-particle snapshot in float32, max |before - SE3Net| / max |SE3Net| = {difference:.1e}. "
        "Kernel share = system CPU time / all CPU time of the fastest training step. Row 1 is what users get.",
        "",
        recipe_table([(CASE_LABELS[name], MALLOC_LABELS[tuned], result) for name, tuned, result in results]),
        "",
        "Floor (counting: glass_lightning/bench/step_count.py; rates: glass_lightning/bench/floor.py): "
        "max(FLOPs / matmul rate, bytes / copy bandwidth) of a step of the network, against row 1. Here, with "
        f"{rates.threads} torch thread(s): float32 2048 x 2048 matmul {rates.flops_per_s / 1e9:.3g} GFLOP/s, copy "
        f"{rates.bytes_per_s / 1e9:.3g} GB/s (read + written).",
        "",
        floor_table(counts, rates, {"training": first.get("train_s"), "inference": first.get("inference_s")}),
    ]


def recipe_section(repeats: int, device: str, timeout_s: float) -> list[str]:
    """Measure :data:`CASES` (each in a fresh process), check the reference computes the same function, count the
    step and measure the machine's rates; the section's lines."""
    repeats = max(repeats, LEAST_REPEATS)
    results = []
    cases = progress_bar(CASES, desc="recipe", unit="case")
    for implementation, tuned in cases:
        environment = malloc_environment(tuned)
        result = measure_in_subprocess(RECIPE, implementation, repeats, device, timeout_s, environment)
        results.append((implementation, tuned, result))
        cases.write(f"recipe {LABELS[implementation]}, malloc {MALLOC_LABELS[tuned]}: {result}")
    small = RECIPE.smaller(EQUIVALENCE_PARTICLES)
    difference = largest_difference(small, ("per_edge",), device)["per_edge"]
    if difference > 1e-4:
        raise RuntimeError(f"the per-edge reference does not compute the recipe network's function: {difference:.1e}")
    num_edges = _num_edges(results)
    if num_edges is None:
        raise RuntimeError(f"no recipe case ran: {results}")
    counts = step_counts(benchmark_network(RECIPE, "ours"), RECIPE.num_particles, num_edges)
    lines = recipe_lines(results, difference, counts, machine_rates(device), repeats, device)
    return [*lines, "", *profile_lines(step_profile(RECIPE, device))]
