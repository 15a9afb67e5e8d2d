"""The floor of a step on this machine: its FLOPs at the matmul rate or its bytes at the copy bandwidth,
whichever takes longer (a roofline without the overlap; counts from bench/step_count.py).

The rates are measured here, on the device of the timed cases, with torch's current number of
threads (the timed cases run with the same default): a float32 matrix product of ``size`` x
``size`` (2 size^3 FLOPs) and a copy of a large float32 tensor (its bytes read plus its bytes
written), the best of a few repetitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from glass_lightning.bench.model_timing import seconds_of
from glass_lightning.bench.step_count import StepCount


@dataclass(frozen=True)
class MachineRates:
    flops_per_s: float
    bytes_per_s: float
    threads: int


@dataclass(frozen=True)
class Floor:
    seconds: float
    bound: str  # "FLOPs" or "memory": which of the two sets the floor


def _best_seconds(step, repeats: int, device: torch.device) -> float:
    """The fastest of ``repeats`` calls of ``step``, after one untimed call (set-up, first touch of the pages)."""
    step()
    return min(seconds_of(step, device) for _ in range(repeats))


def matmul_rate(device: str = "cpu", size: int = 2048, repeats: int = 5) -> float:
    """FLOP/s of a float32 ``size`` x ``size`` matrix product."""
    device = torch.device(device)
    a, b, out = (torch.randn(size, size, device=device) for _ in range(3))
    return 2 * size**3 / _best_seconds(lambda: torch.mm(a, b, out=out), repeats, device)


def copy_bandwidth(device: str = "cpu", megabytes: int = 512, repeats: int = 5) -> float:
    """Bytes/s read plus written by a copy of a float32 tensor of ``megabytes`` MiB."""
    device = torch.device(device)
    source = torch.randn(megabytes * 2**20 // 4, device=device)
    target = torch.empty_like(source)
    return 2 * megabytes * 2**20 / _best_seconds(lambda: target.copy_(source), repeats, device)


def machine_rates(device: str = "cpu") -> MachineRates:
    return MachineRates(matmul_rate(device), copy_bandwidth(device), torch.get_num_threads())


def floor(count: StepCount, rates: MachineRates) -> Floor:
    """max(FLOPs / FLOP rate, bytes / bandwidth), and which one it is."""
    compute, memory = count.flops / rates.flops_per_s, count.bytes / rates.bytes_per_s
    return Floor(compute, "FLOPs") if compute >= memory else Floor(memory, "memory")
