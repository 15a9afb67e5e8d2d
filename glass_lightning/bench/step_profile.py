"""Where a training step's time goes: ``torch.profiler`` over one training step of SE3Net on a workload,
the operations that took the most CPU time themselves (their children excluded)."""

from __future__ import annotations

import torch

from glass_lightning.bench.model_timing import training_step
from glass_lightning.bench.workload import Workload, benchmark_graph, benchmark_network
from glass_lightning.markdown import table


def step_profile(workload: Workload, device: str = "cpu", rows: int = 8) -> list[tuple[str, float, float]]:
    """(operation, self CPU seconds, share of the step's CPU time) of the ``rows`` costliest operations of one
    training step, after one unprofiled step (first-call allocations)."""
    graph = benchmark_graph(workload).to(device)
    network = benchmark_network(workload, "ours").to(device=device, dtype=graph.edge_vec.dtype)
    step = training_step(network, workload)
    step(graph)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profiler:
        step(graph)
    events = profiler.key_averages()
    total = sum(event.self_cpu_time_total for event in events)
    costliest = sorted(events, key=lambda event: event.self_cpu_time_total, reverse=True)[:rows]
    return [(event.key, event.self_cpu_time_total / 1e6, event.self_cpu_time_total / total) for event in costliest]


def profile_lines(profile: list[tuple[str, float, float]]) -> list[str]:
    """The profile as a paragraph and a table."""
    rows = [[name, f"{seconds:.3f}", f"{share:.0%}"] for name, seconds, share in profile]
    return [
        "Where a training step's time goes (row 1's network in the bench process, one step under `torch.profiler`, "
        "the operations with the most CPU time of their own):",
        "",
        table(["operation", "self CPU (s)", "share of the step"], rows),
    ]
