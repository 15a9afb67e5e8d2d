"""Section 1: every model at every temperature, trained there, tested there; the energy baseline."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.report.context import ReportContext
from glass_lightning.experiments.report.figures import finish_time_panels, time_panels
from glass_lightning.experiments.report.markdown import number, table
from glass_lightning.experiments.scores import PER_CONFIGURATION, Spread, at_tau, curve, exceeds, mean_over_times

FIGURE = "comparison.png"


def spreads(
    context: ReportContext, model: str, temperature: float, statistic=at_tau, convention: str = "pooled"
) -> Spread:
    """The statistic of ``model`` trained and tested at ``temperature``, over the seeds."""
    return Spread.of([statistic(record, temperature, convention) for record in context.runs(model, temperature)])


def _figure(context: ReportContext) -> None:
    figure, axes = time_panels(len(context.temperatures))
    for temperature, axis in zip(context.temperatures, axes):
        for model in context.spec.models:
            records = context.runs(model, temperature)
            times = records[0]["scores"][f"{temperature:g}"]["times"]
            values = np.array([curve(record, temperature) for record in records])
            axis.plot(times, values.mean(axis=0), marker="o", label=model)
            if len(records) > 1:
                axis.fill_between(times, values.min(axis=0), values.max(axis=0), alpha=0.2)
        if context.energy is not None:
            times = context.energy["scores"][f"{temperature:g}"]["times"]
            axis.plot(times, curve(context.energy, temperature), linestyle="--", color="gray", label="IS energy")
        tau = context.runs(context.studied, temperature)[0]["scores"][f"{temperature:g}"]["tau_alpha"]
        if tau:
            axis.axvline(tau, color="black", linewidth=0.7, linestyle=":")
        axis.set_title(f"T = {temperature:g}")
    finish_time_panels(figure, axes, context.figure_path(FIGURE), "t (LJ units); dotted: tau_alpha")


def _verdicts(context: ReportContext) -> list[str]:
    """Per temperature: the studied model against the best other model, at tau_alpha."""
    others = [model for model in context.spec.models if model != context.studied]
    if not others:
        return []
    sentences, outcomes = [], []
    for temperature in context.temperatures:
        studied = spreads(context, context.studied, temperature)
        best = max(others, key=lambda model: spreads(context, model, temperature).mean)
        rival = spreads(context, best, temperature)
        outcomes.append(exceeds(studied, rival))
        relation = {True: "above", False: "below", None: "within the seed-to-seed spread of"}[outcomes[-1]]
        sentences.append(
            f"At T = {temperature:g}, {context.studied} ({studied.mean:.3f}) is {relation} the best other model, "
            f"{best} ({rival.mean:.3f}), at tau_alpha."
        )
    if all(outcome is True for outcome in outcomes):
        summary = f"These data agree with the paper: {context.studied} leads at every temperature."
    elif any(outcome is False for outcome in outcomes):
        summary = (
            f"These data do not reproduce this claim: {context.studied} is behind another model at some temperature."
        )
    else:
        summary = "These data do not resolve this claim: the differences are within the seed-to-seed spread."
    return [summary, *sentences]


def section(context: ReportContext) -> tuple[str, list[str]]:
    """The section's markdown and its verdict sentences."""
    _figure(context)
    header = (
        ["model", "parameters"]
        + [f"T = {t:g}: pooled / per configuration" for t in context.temperatures]
        + ["mean over times, pooled"]
    )
    rows = []
    for model in context.spec.models:
        parameters = context.runs(model, context.temperatures[0])[0]["num_parameters"]
        cells = [
            f"{spreads(context, model, t).text()} / {spreads(context, model, t, convention=PER_CONFIGURATION).text()}"
            for t in context.temperatures
        ]
        means = np.mean([spreads(context, model, t, mean_over_times).mean for t in context.temperatures])
        rows.append([model, f"{parameters:,}".replace(",", " "), *cells, number(means)])
    if context.energy is not None:
        energy = context.energy
        cells = [
            f"{number(at_tau(energy, t))} / {number(at_tau(energy, t, PER_CONFIGURATION))}"
            for t in context.temperatures
        ]
        rows.append(
            [
                f"{energy['node_input']} (no learning)",
                "0",
                *cells,
                number(np.mean([mean_over_times(energy, t) for t in context.temperatures])),
            ]
        )
    seeds = ", ".join(str(seed) for seed in context.seeds)
    verdicts = _verdicts(context)
    return context.figure_section(
        "Model comparison",
        f"Each model trained at one temperature and tested there (the paper's protocol), type A, Pearson at the "
        f"time closest to tau_alpha. Seeds {seeds} ({len(context.seeds)} runs per cell): mean, and in parentheses "
        "the lowest and highest run. The last row is the Pearson correlation of each particle's energy with its "
        "propensity, with no learning.",
        table(header, rows),
        FIGURE,
        "Pearson against time per model",
        verdicts,
    )
