"""Section 1: every model at every temperature, trained there, tested there; the energy baseline."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.energy import ENERGY_LABELS
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import finish_time_panels, plot_curves, time_panels
from glass_lightning.experiments.scores import PER_CONFIGURATION, at_tau, mean_over_times, relation, scores_at
from glass_lightning.markdown import count, number, table

FIGURE = "comparison.png"


def _figure(context: ReportContext) -> None:
    figure, axes = time_panels(len(context.temperatures))
    for temperature, axis in zip(context.temperatures, axes):
        for model in context.spec.models:
            plot_curves(axis, context.runs(model, temperature), temperature, marker="o", label=model)
        for name, style in zip(context.energy_names(), ("--", ":")):
            label = ENERGY_LABELS.get(name, name)
            plot_curves(axis, context.energy_runs(name), temperature, linestyle=style, color="gray", label=label)
        if tau := scores_at(context.runs(context.studied, temperature)[0], temperature)["tau_alpha"]:
            axis.axvline(tau, color="black", linewidth=0.7, linestyle=":")
        axis.set_title(f"T = {temperature:g}")
    finish_time_panels(figure, axes, context.figure_path(FIGURE), "t (LJ units); dotted: tau_alpha")


def verdicts(context: ReportContext) -> list[str]:
    """Per temperature: the studied model against the best other model, at tau_alpha, over its runs."""
    others = [model for model in context.spec.models if model != context.studied]
    if not others:
        return []
    sentences, outcomes = [], []
    for temperature in context.temperatures:
        studied = context.spread(context.studied, temperature, convention=context.convention)
        best = max(others, key=lambda model: context.spread(model, temperature, convention=context.convention).mean)
        rival = context.spread(best, temperature, convention=context.convention)
        outcomes.append(relation(studied, rival))
        sentences.append(
            f"At T = {temperature:g}, {context.studied} ({studied.mean:.3f}) is {outcomes[-1]} the best other model, "
            f"{best} ({rival.mean:.3f}), at tau_alpha."
        )
    if all(outcome == "above" for outcome in outcomes):
        summary = f"These data agree with the paper: {context.studied} leads at every temperature."
    elif "below" in outcomes:
        summary = (
            f"These data do not reproduce this claim: {context.studied} is behind another model at some temperature."
        )
    else:
        summary = "These data do not resolve this claim: the differences are within the seed-to-seed spread."
    return [summary, *sentences]


def section(context: ReportContext) -> Section:
    _figure(context)
    temperatures = context.temperatures
    header = ["model", "parameters", *[f"T = {t:g}: pooled / per configuration" for t in temperatures]]
    rows = []
    for model in context.spec.models:
        parameters = context.runs(model, temperatures[0])[0]["num_parameters"]
        spreads = [
            (context.spread(model, t), context.spread(model, t, convention=PER_CONFIGURATION)) for t in temperatures
        ]
        means = np.mean([context.spread(model, t, mean_over_times).mean for t in temperatures])
        rows.append([model, count(parameters), *[f"{a.text()} / {b.text()}" for a, b in spreads], number(means)])
    for energy in context.energy:
        cells = [f"{number(at_tau(energy, t))} / {number(at_tau(energy, t, PER_CONFIGURATION))}" for t in temperatures]
        means = np.mean([mean_over_times(energy, t) for t in temperatures])
        rows.append([f"{energy['node_input']} (no learning)", "0", *cells, number(means)])
    seeds = ", ".join(str(seed) for seed in context.seeds)
    data = (
        f"{len(context.spec.models)} models x {len(context.seeds)} seeds at each temperature, {context.scored_on} split"
    )
    return context.figure_section(
        "Model comparison",
        f"Each model trained at one temperature and tested there (the paper's protocol), type A, Pearson at the "
        f"time closest to tau_alpha. Seeds {seeds} ({len(context.seeds)} runs per cell): mean, and in parentheses "
        "the lowest and highest run. The last row is the Pearson correlation of each particle's energy with its "
        "propensity, with no learning.",
        table([*header, "mean over times, pooled"], rows),
        FIGURE,
        "Pearson against time per model",
        verdicts(context),
        data,
    )
