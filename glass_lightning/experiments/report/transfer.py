"""Section 3: a decoder retrained at T_j on the frozen backbone trained at T_i, against full training
at T_j and against a decoder on the same architecture with random weights (the control)."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import plt, save
from glass_lightning.experiments.scores import at_tau
from glass_lightning.markdown import number, signed, table

FIGURE = "transfer.png"


def _figure(context: ReportContext, full: dict[float, float], frozen: dict[tuple, float], random: dict) -> None:
    temperatures = context.temperatures
    sources = [*temperatures, None]
    width = 0.8 / (len(sources) + 1)
    figure, axis = plt.subplots(figsize=(1.8 + 1.6 * len(temperatures), 3.6))
    positions = np.arange(len(temperatures))
    axis.bar(positions, [full[t] for t in temperatures], width, label="full training at T")
    for offset, source in enumerate(temperatures, start=1):
        values = [frozen.get((source, t), np.nan) for t in temperatures]
        axis.bar(positions + offset * width, values, width, label=f"frozen backbone from T = {source:g}")
    random_values = [random[t] for t in temperatures]
    axis.bar(positions + len(sources) * width, random_values, width, color="gray", label="random backbone")
    axis.set_xticks(positions + 0.4, [f"T = {t:g}" for t in temperatures])
    axis.set_ylabel("Pearson A at tau_alpha")
    axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axis.grid(axis="y", alpha=0.3)
    save(figure, context.figure_path(FIGURE))


def section(context: ReportContext) -> Section:
    temperatures = context.temperatures
    full = {t: context.spread(context.studied, t).mean for t in temperatures}
    frozen = {(s, t): at_tau(context.record(fit), t) for (s, t), fit in context.transfer.items() if s is not None}
    random = {t: at_tau(context.record(context.transfer[(None, t)]), t) for t in temperatures}
    _figure(context, full, frozen, random)
    seeds = len(context.runs(context.studied, temperatures[0]))
    header = [
        "decoder trained at",
        f"full training ({seeds} seeds)",
        *[f"backbone from T = {s:g}" for s in temperatures],
    ]
    cells = {t: [number(frozen.get((s, t), float("nan"))) for s in temperatures] for t in temperatures}
    rows = [[f"T = {t:g}", number(full[t]), *cells[t], number(random[t])] for t in temperatures]
    gap_full = np.mean([value - full[t] for (s, t), value in frozen.items()])
    gap_random = np.mean([value - random[t] for (s, t), value in frozen.items()])
    spread = float(np.mean([context.spread(context.studied, t).width for t in temperatures]))
    verdict = (
        f"A decoder on a backbone frozen at another temperature reaches on average {signed(gap_full)} against full training "
        f"at the target temperature and {signed(gap_random)} against a decoder on random features of the same architecture "
        f"(seed-to-seed spread of full training: {spread:.3f})."
    )
    if gap_random <= spread:
        verdict += " Unlike the paper, the frozen representation is no better than random features here."
    elif abs(gap_full) <= spread:
        verdict += (
            " As the paper claims, the frozen representation serves other temperatures as well as training there,"
        )
        verdict += " and far better than random features."
    else:
        verdict += (
            " The frozen representation beats random features but falls short of training at the target temperature."
        )
    return context.figure_section(
        "Transfer learning",
        f"{context.studied} trained at T_i (seed {context.seeds[0]}), its layers frozen; only a new decoder is trained at "
        "T_j (`glass_lightning.models.FrozenBackbone`, same epochs and optimizer). Control: the same architecture with "
        "random, untrained weights under a trained decoder. Pearson of type A at tau_alpha of T_j, one run each.",
        table([*header, "random backbone"], rows),
        FIGURE,
        "Transfer learning",
        [verdict],
        f"a decoder per ordered pair of temperatures and a random-backbone control, seed {context.seeds[0]}, one run each",
    )
