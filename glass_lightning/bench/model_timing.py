"""Time and memory of one network on the workload, each case in a fresh Python process.

Method. A fresh process builds the graph and the network, runs one training step and one
inference on a small graph (first-call allocations, lazy initialization; 256 particles, or the
fewest whose box fits the cutoff), then records
its resident memory (CPU) or allocated memory (CUDA) as the baseline. Compiled networks warm up
on the full graph instead: code compiled for a small graph carries size guards (inductor's,
and equalities between sizes that happened to match) that the full graph fails, so it would
compile again inside the timed runs; their peak memory therefore includes the compilation's. On the full graph it
times one inference (``torch.no_grad``), then ``repeats`` pairs of a training step (forward,
MSE loss, backward, step of the workload's optimizer) and an inference, and keeps the fastest of
each kind. Peak memory is the process's peak resident set size (``getrusage``; CUDA:
``max_memory_allocated``) above the baseline, read after the first inference and again after the
training steps (the training peak is the larger). The kernel's share is the system CPU time over
all the CPU time of the fastest training step (``getrusage``, all threads): page faults and
``mmap``/``munmap`` of large tensors show there. The first step on the full graph also pays the
first touch of its memory: with ``repeats`` >= 2 the fastest is a later one.
A fresh process per case keeps one case's allocator caches out of another's figures; it runs in
the environment it is given (glibc reads its malloc settings from it at start).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

import torch
from torch_geometric.data import Data

from glass_lightning.bench.workload import BACKEND_CASES, Workload, benchmark_graph, benchmark_network

WARMUP_PARTICLES = 256  # or the fewest whose box fits the workload's cutoff (Workload.warmup)


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_resident_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class MemoryMeter:
    """Peak memory above a baseline, in MiB, on the CPU or a CUDA device."""

    def __init__(self, device: torch.device):
        self.cuda = device.type == "cuda"
        if self.cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats(device)
            self.baseline = torch.cuda.memory_allocated(device) / 2**20
        else:
            self.baseline = _resident_mb()

    def peak(self) -> float:
        current = torch.cuda.max_memory_allocated() / 2**20 if self.cuda else _peak_resident_mb()
        return current - self.baseline


def seconds_of(step, device: torch.device) -> float:
    """Wall seconds of ``step()`` (on CUDA, until the device is done)."""
    start = time.perf_counter()
    step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _seconds_and_kernel_share(step, device: torch.device) -> tuple[float, float]:
    """Seconds of ``step``, and the system CPU time over all the CPU time it took (all threads)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    seconds = seconds_of(step, device)
    after = resource.getrusage(resource.RUSAGE_SELF)
    system, user = after.ru_stime - before.ru_stime, after.ru_utime - before.ru_utime
    return seconds, system / max(system + user, 1e-9)


def training_step(network: torch.nn.Module, workload: Workload) -> Callable[[Data], None]:
    """One training step of ``network`` on a graph: forward, MSE loss, backward, the workload's optimizer step."""
    optimizer = getattr(torch.optim, workload.optimizer)(network.parameters(), lr=1e-3)

    def step(graph: Data) -> None:
        optimizer.zero_grad(set_to_none=True)
        torch.nn.functional.mse_loss(network(graph), graph.y).backward()
        optimizer.step()

    return step


def measure(workload: Workload, implementation: str, repeats: int, device: str = "cpu") -> dict:
    """Fastest inference and training step (s) and their peak memory (MiB) on the workload's graph."""
    device = torch.device(device)
    network = benchmark_network(workload, implementation).to(device)
    train_step = training_step(network, workload)

    def inference(graph):
        with torch.no_grad():
            network(graph)

    graph = benchmark_graph(workload).to(device)
    compiled = BACKEND_CASES.get(implementation, ("", False))[1]
    warmup = graph if compiled else benchmark_graph(workload.warmup(WARMUP_PARTICLES)).to(device)
    train_step(warmup)
    inference(warmup)
    del warmup
    meter = MemoryMeter(device)
    inference_times = [seconds_of(lambda: inference(graph), device)]
    inference_mb = meter.peak()
    train_runs = []
    for _ in range(repeats):  # interleaved: a burst of load from elsewhere spoils one sample of each kind, not all
        train_runs.append(_seconds_and_kernel_share(lambda: train_step(graph), device))
        inference_times.append(seconds_of(lambda: inference(graph), device))
    train_s, kernel_share = min(train_runs)
    return {
        "train_s": train_s,
        "inference_s": min(inference_times),
        "train_peak_mb": meter.peak(),
        "inference_peak_mb": inference_mb,
        "kernel_share": kernel_share,
        "num_edges": int((graph.edge_vec.norm(dim=1) < workload.cutoff).sum()),
    }


def measure_in_subprocess(
    workload: Workload,
    implementation: str,
    repeats: int,
    device: str,
    timeout_s: float,
    environment: Mapping[str, str] | None = None,
) -> dict:
    """:func:`measure` in a fresh interpreter, in ``environment`` (default: this process's);
    ``{"error": ...}`` if it fails, runs out of memory or time."""
    request = json.dumps(
        {"workload": workload.as_dict(), "implementation": implementation, "repeats": repeats, "device": device}
    )
    command = [sys.executable, "-m", "glass_lightning.bench.model_timing", request]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, env=environment)
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout_s:.0f} s"}
    if finished.returncode != 0:
        last_line = (finished.stderr.strip().splitlines() or [f"exit status {finished.returncode}"])[-1]
        killed = finished.returncode < 0 or finished.returncode == 137
        return {"error": "killed (out of memory?)" if killed else last_line}
    return json.loads(finished.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    result = measure(
        Workload(**arguments["workload"]), arguments["implementation"], arguments["repeats"], arguments["device"]
    )
    print(json.dumps(result))
