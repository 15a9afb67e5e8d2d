"""Processes that run fits side by side (sweep workers, experiment fits): spawned, each with its
share of the machine's cores as torch threads and without Lightning's per-fit chatter. A pool
(``worker_pool``) hands out tasks; ``independent_processes`` are long-lived workers of their own,
so one that dies (out of memory, killed) leaves the others running."""

from __future__ import annotations

import logging
import multiprocessing
import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import torch


def _start_worker(threads: int) -> None:
    torch.set_num_threads(threads)
    for name in ("lightning.pytorch", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=r".*module\(s\) in eval mode")  # a FrozenBackbone's backbone, on purpose
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")


def _threads(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // workers)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes with ``cores / workers`` torch threads each."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(_threads(workers),))


def _run_worker(threads: int, target: Callable, arguments: tuple) -> None:
    _start_worker(threads)
    target(*arguments)


def independent_processes(workers: int, target: Callable, *arguments: Any) -> list[int]:
    """Run ``target(*arguments)`` in ``workers`` spawned processes until each ends; their exit codes."""
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_run_worker, args=(_threads(workers), target, arguments)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return [process.exitcode for process in processes]
