"""Processes that run fits side by side (sweep workers, experiment fits): spawned, each with its
share of the machine's cores as torch threads and without Lightning's per-fit chatter."""

from __future__ import annotations

import logging
import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor

import torch


def _start_worker(threads: int) -> None:
    torch.set_num_threads(threads)
    for name in ("lightning.pytorch", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=r".*module\(s\) in eval mode")  # a FrozenBackbone's backbone, on purpose
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)")


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` spawned processes with ``cores / workers`` torch threads each."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(threads,))
