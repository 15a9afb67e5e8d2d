"""``glass-lightning bench-ddp``: training throughput (samples/s) with 1, 2, ... DDP processes.

Each process count runs in a fresh Python process (DDP's launcher re-runs that command once per
extra rank): an SE3Net trains for a few epochs on synthetic Kob-Andersen-like snapshots, and the
throughput is the number of training samples of the timed epochs (all but the first, which
warms up) over their wall time, measured on rank 0 between barriers. On CPU the cores are
shared out: each process gets ``cores // processes`` threads.

    glass-lightning bench-ddp --processes 1 2                       # CPU, gloo
    glass-lightning bench-ddp --accelerator gpu --processes 1 2 4 8 # GPUs of one node, nccl

``measure_ddp_throughput(...)`` returns the figures for other code (the bench package).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glass_lightning.command_parser import command_parser
from glass_lightning.progress import add_progress_flag, hidden_progress, progress_bar

RESULT_PREFIX = "DDP_THROUGHPUT "


def write_dataset(directory: Path, snapshots: int, particles: int) -> None:
    from glass_lightning.data.formats.native import write_snapshot
    from glass_lightning.data.synthetic import synthetic_snapshot

    for seed in range(snapshots):
        write_snapshot(directory / f"config_{seed:04d}.npz", synthetic_snapshot(particles, num_times=4, seed=seed))


def measure_ddp_throughput(
    processes: list[int],
    accelerator: str = "cpu",
    snapshots: int = 16,
    particles: int = 256,
    epochs: int = 3,
    batch_size: int = 2,
    threads: int | None = None,
) -> list[dict]:
    """One result per process count: processes, samples_per_second, samples, seconds. ``threads``
    per process defaults to ``cores // processes`` on CPU."""
    cores = os.cpu_count() or 1
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        write_dataset(Path(scratch), snapshots, particles)
        for count in progress_bar(processes, desc="process counts"):
            threads_per_process = threads or (max(1, cores // count) if accelerator == "cpu" else 1)
            command = [
                sys.executable,
                "-m",
                __name__,
                "--worker",
                "--data",
                scratch,
                "--accelerator",
                accelerator,
                "--processes",
                str(count),
                "--epochs",
                str(epochs),
                "--batch-size",
                str(batch_size),
            ]
            finished = subprocess.run(
                command, env=dict(os.environ, OMP_NUM_THREADS=str(threads_per_process)), capture_output=True, text=True
            )
            lines = [line for line in finished.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
            if finished.returncode != 0 or not lines:
                raise RuntimeError(f"bench-ddp with {count} processes failed:\n{finished.stderr[-4000:]}")
            results.append(json.loads(lines[-1][len(RESULT_PREFIX) :]) | {"threads_per_process": threads_per_process})
    return results


def _worker(data: str, accelerator: str, processes: int, epochs: int, batch_size: int) -> None:
    """Train and print the throughput line (rank 0); run by ``measure_ddp_throughput``."""
    import torch
    from lightning.pytorch import Callback, Trainer, seed_everything
    from lightning.pytorch.strategies import DDPStrategy

    from glass_lightning.data.datamodule import GlassDataModule
    from glass_lightning.models import SE3Net
    from glass_lightning.training.module import GlassModule

    class EpochTimer(Callback):
        def __init__(self) -> None:
            self.seconds: list[float] = []

        def on_train_epoch_start(self, trainer, pl_module) -> None:
            trainer.strategy.barrier()
            self._start = time.perf_counter()

        def on_train_epoch_end(self, trainer, pl_module) -> None:
            trainer.strategy.barrier()
            self.seconds.append(time.perf_counter() - self._start)

    seed_everything(0)
    datamodule = GlassDataModule(data, cutoff=2.0, batch_size=batch_size, val_fraction=0.0, test_fraction=0.0)
    network = SE3Net(num_outputs=datamodule.num_timescales, cutoff=2.0, channels=16, num_layers=3)
    module = GlassModule(network, num_outputs=datamodule.num_timescales)
    timer = EpochTimer()
    strategy = (
        "auto" if processes == 1 else DDPStrategy(process_group_backend="gloo" if accelerator == "cpu" else "nccl")
    )
    trainer = Trainer(
        accelerator=accelerator,
        devices=processes,
        strategy=strategy,
        max_epochs=epochs,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_val_batches=0,
        callbacks=[timer],
    )
    trainer.fit(module, datamodule=datamodule)
    if trainer.is_global_zero:
        samples = len(trainer.train_dataloader.dataset) * (epochs - 1)
        seconds = sum(timer.seconds[1:])
        result = {
            "processes": processes,
            "accelerator": accelerator,
            "samples": samples,
            "seconds": seconds,
            "samples_per_second": samples / seconds,
            "torch_threads": torch.get_num_threads(),
        }
        print(RESULT_PREFIX + json.dumps(result), flush=True)


def parser() -> argparse.ArgumentParser:
    result = command_parser("bench-ddp", __doc__.split("\n\n")[1])
    result.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="process counts to measure")
    result.add_argument("--accelerator", default="cpu", choices=["cpu", "gpu"])
    result.add_argument("--snapshots", type=int, default=16, help="synthetic training snapshots")
    result.add_argument("--particles", type=int, default=256, help="particles per snapshot")
    result.add_argument("--epochs", type=int, default=3, help="epochs per measurement (the first is warm-up)")
    result.add_argument("--batch-size", type=int, default=2, help="snapshots per batch and process")
    result.add_argument("--batch_size", type=int, dest="batch_size", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    result.add_argument("--threads", type=int, help="CPU threads per process (default: cores // processes)")
    add_progress_flag(result)
    result.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    result.add_argument("--data", help=argparse.SUPPRESS)
    return result


def main(argv: list[str]) -> None:
    command = parser()
    arguments = command.parse_args(argv)
    if arguments.epochs < 2 or min(arguments.processes) < 1:
        command.error("--epochs must be at least 2 (the first warms up) and --processes at least 1")
    if arguments.worker:
        _worker(arguments.data, arguments.accelerator, arguments.processes[0], arguments.epochs, arguments.batch_size)
        return
    with hidden_progress(arguments.no_progress):
        results = measure_ddp_throughput(
            arguments.processes,
            arguments.accelerator,
            arguments.snapshots,
            arguments.particles,
            arguments.epochs,
            arguments.batch_size,
            arguments.threads,
        )
    baseline = results[0]["samples_per_second"]
    print(f"{'processes':>9} {'threads/proc':>12} {'samples/s':>10} {'speed-up':>9}")
    for result in results:
        print(
            f"{result['processes']:>9} {result['threads_per_process']:>12} {result['samples_per_second']:>10.2f} "
            f"{result['samples_per_second'] / baseline:>9.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
