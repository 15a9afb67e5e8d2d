"""BENCHMARKS.md: the machine, the exact command, and the measured tables.

Sections whose title begins with ``On a GPU`` hold figures from the device check on a GPU machine
(glass_lightning/device_check.py), which ``bench`` cannot measure here: rewriting the report keeps them."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import e3nn
import torch

from glass_lightning.bench.floor import MachineRates, floor
from glass_lightning.bench.step_count import StepCount
from glass_lightning.bench.workload import IMPLEMENTATIONS, LABELS, Workload
from glass_lightning.data.atomic_npz import write_text_atomically
from glass_lightning.markdown import table


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
                platform.processor(),
            )
    except OSError:
        return platform.processor() or "unknown CPU"


def machine_description(device: str) -> list[str]:
    lines = [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores visible, torch threads: {torch.get_num_threads()}",
        f"- torch {torch.__version__}, e3nn {e3nn.__version__}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- device: {device}" + (f" ({torch.cuda.get_device_name(0)})" if device == "cuda" else ""),
    ]
    if hasattr(os, "getloadavg"):
        lines.append(
            f"- load average when the run ended (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
    return lines


def _figure(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


MODEL_HEADER = [
    "implementation",
    "training step (s)",
    "snapshots/s",
    "particles/s",
    "peak memory (MiB)",
    "inference (s)",
    "particles/s",
    "peak memory (MiB)",
    "our speed-up, training",
    "our speed-up, inference",
]


def _model_row(workload: Workload, label: str, result: dict, ours: dict) -> list[str]:
    """One implementation's timings, and its times over ours ("—" where ours is missing)."""
    if "error" in result:
        return [label, result["error"], *[""] * 8]
    train, infer = result["train_s"], result["inference_s"]
    speedup_train = train / ours["train_s"] if "train_s" in ours else None
    speedup_infer = infer / ours["inference_s"] if "inference_s" in ours else None
    return [
        label,
        f"{train:.2f}",
        f"{1 / train:.3g}",
        f"{workload.num_particles / train:.0f}",
        f"{result['train_peak_mb']:.0f}",
        f"{infer:.2f}",
        f"{workload.num_particles / infer:.0f}",
        f"{result['inference_peak_mb']:.0f}",
        f"{_figure(speedup_train)}x",
        f"{_figure(speedup_infer)}x",
    ]


def model_table(workload: Workload, results: dict[str, dict]) -> str:
    """The implementations measured (of ``IMPLEMENTATIONS``, in its order) on ``workload``: a markdown table."""
    ours = results.get("ours", {})
    rows = [
        _model_row(workload, LABELS[name], results[name], ours)
        for name in IMPLEMENTATIONS
        if results.get(name) is not None
    ]
    return table(MODEL_HEADER, rows)


def _ratio(result: dict, first: dict, key: str) -> str:
    return f"{_figure(result[key] / first[key])}x" if key in first else "—"


def recipe_table(cases: list[tuple[str, str, dict]]) -> str:
    """Rows of (case, malloc, :func:`~glass_lightning.bench.model_timing.measure` result); the times also as
    ratios to the first row's."""
    first = cases[0][2]
    rows = []
    for label, malloc, result in cases:
        if "error" in result:
            rows.append([label, malloc, result["error"], *["—"] * 6])
            continue
        rows.append(
            [
                label,
                malloc,
                f"{result['train_s']:.2f}",
                f"{result['train_peak_mb']:.0f}",
                f"{result['inference_s']:.2f}",
                f"{result['inference_peak_mb']:.0f}",
                f"{result['kernel_share']:.0%}",
                _ratio(result, first, "train_s"),
                _ratio(result, first, "inference_s"),
            ]
        )
    header = [
        "case",
        "malloc",
        "training step (s)",
        "peak memory (MiB)",
        "inference (s)",
        "peak memory (MiB)",
        "kernel share of CPU time",
        "training time / row 1",
        "inference time / row 1",
    ]
    return table(header, rows)


def floor_table(counts: dict[str, StepCount], rates: MachineRates, measured: dict[str, float | None]) -> str:
    """Per step kind (``training``, ``inference``): its counts, its floor at ``rates`` and the measured time over it."""
    rows = []
    for kind, count in counts.items():
        lowest, seconds = floor(count, rates), measured.get(kind)
        rows.append(
            [
                kind,
                f"{count.flops / 1e9:.3g}",
                f"{count.bytes / 1e9:.3g}",
                f"{lowest.seconds:.3g}",
                lowest.bound,
                _figure(seconds),
                "—" if seconds is None else f"{_figure(seconds / lowest.seconds)}x",
            ]
        )
    header = ["step", "GFLOP", "GB moved", "floor (s)", "bound by", "measured (s)", "measured / floor"]
    return table(header, rows)


GPU_SECTION = "On a GPU"


def previous_sections(path: Path) -> list[tuple[str, list[str]]]:
    """The ``## `` sections of the report at ``path`` (none if it does not exist): title and lines, in order."""
    if not path.exists():
        return []
    sections: list[tuple[str, list[str]]] = []
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            sections.append((line[3:], []))
        elif sections:
            sections[-1][1].append(line)
    return [(title, _trimmed(body)) for title, body in sections]


def previous_header(path: Path) -> list[str]:
    """The lines between the title and the first section of the report at ``path``: how its figures were made."""
    if not path.exists():
        return []
    text = path.read_text().split("\n## ", 1)[0]
    return [line for line in text.splitlines()[1:] if line.strip()]


def _trimmed(lines: list[str]) -> list[str]:
    """``lines`` without the blank lines at either end."""
    text = "\n".join(lines).strip("\n")
    return text.split("\n") if text else []


def write_report(
    path: str | Path, command: str, device: str, sections: dict[str, list[str]], keep_previous: bool = False
) -> Path:
    """Write the markdown report atomically (temporary name, then rename), keeping its ``On a GPU`` sections;
    with ``keep_previous`` (a run of some sections) every section of the previous report that this run did
    not make is kept in its place, and the header names the sections re-run."""
    previous = previous_sections(Path(path))
    machine = machine_description(device)
    if keep_previous:
        ordered = [(title, sections.get(title, body)) for title, body in previous]
        for before, (title, body) in zip([None, *sections], sections.items()):
            if title not in dict(ordered):  # a new section goes after the one it follows in this run
                titles = [name for name, _ in ordered]
                ordered.insert(titles.index(before) + 1 if before in titles else len(ordered), (title, body))
        when = f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
        same_command = f"Sections re-run by `{command}` on "  # the same sections: this run supersedes its lines
        header = previous_header(Path(path))
        superseded = [
            line.removeprefix(same_command).split(" UTC")[0] for line in header if line.startswith(same_command)
        ]
        provenance = [
            *(line for line in header if not line.startswith(same_command)),
            f"{same_command}{when}: {', '.join(sections)}. The others are kept from "
            "earlier runs; compare ratios within a section.",
        ]
        rerun = f"- the sections re-run on {when}: " + "; ".join(line.removeprefix("- ") for line in machine)
        machine = [
            *(
                line
                for line in dict(previous).get("Machine", [])
                if not any(line.startswith(f"- the sections re-run on {old} UTC:") for old in superseded)
            ),
            rerun,
        ]
        ordered = [(title, body) for title, body in ordered if title != "Machine"]
    else:
        kept = [(title, body) for title, body in previous if title.startswith(GPU_SECTION)]
        ordered = list(sections.items()) + kept
        provenance = [
            f"Generated by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Figures are from one run on the machine below;",
            "timings on a shared machine vary by tens of percent from run to run: compare ratios within one run.",
        ]
    lines = ["# Benchmarks", "", *provenance, "", "## Machine", "", *machine, ""]
    for title, body in ordered:
        lines += [f"## {title}", "", *body, ""]
    return write_text_atomically(path, "\n".join(lines))
