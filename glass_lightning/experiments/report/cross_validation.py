"""Section 1 with ``folds``: the model comparison as a K-fold cross-validation over the configuration
files of each temperature. Every model is scored on the files of a fold only by the fit that never
trained on them; the energies, which learn nothing, on the same files."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.dataset import file_labels, files_text
from glass_lightning.experiments.energy import ENERGY_LABELS
from glass_lightning.experiments.plan import temperature_list
from glass_lightning.experiments.report.comparison import verdicts
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import plt, save
from glass_lightning.experiments.scores import Spread, at_tau, scores_at, tau_index
from glass_lightning.markdown import count, number, table

FIGURE = "comparison.png"


def _value(context: ReportContext, record: dict, temperature: float) -> float:
    return at_tau(record, temperature, context.convention)


def _rows(context: ReportContext, temperature: float) -> dict[str, tuple[str, list[float], Spread]]:
    """Row label -> (parameters, the value of each fold over its seeds, the spread over every run)."""
    folds = [fold.number for fold in context.plan.folds_at(temperature)]
    rows = {}
    for model in context.spec.models:
        per_fold = [
            [_value(context, run, temperature) for run in context.runs(model, temperature, fold)] for fold in folds
        ]
        parameters = count(context.runs(model, temperature)[0]["num_parameters"])
        rows[model] = (parameters, [float(np.mean(values)) for values in per_fold], Spread.of(sum(per_fold, [])))
    for name in context.energy_names():
        per_fold = [_value(context, context.energy_runs(name, fold)[0], temperature) for fold in folds]
        rows[f"{name} (no learning)"] = ("0", per_fold, Spread.of(per_fold))
    return rows


def _figure(context: ReportContext) -> None:
    temperatures = context.temperatures
    figure, axes = plt.subplots(1, len(temperatures), figsize=(5.5 * len(temperatures), 3.8), squeeze=False)
    for temperature, axis in zip(temperatures, axes[0]):
        folds = [fold.number for fold in context.plan.folds_at(temperature)]
        models = list(context.spec.models)
        for offset, model in enumerate(models):
            shift = 0.25 * (offset - (len(models) - 1) / 2)
            per_fold = [
                [_value(context, run, temperature) for run in context.runs(model, temperature, n)] for n in folds
            ]
            for fold, values in zip(folds, per_fold):
                axis.scatter([fold + shift] * len(values), values, s=14, color=f"C{offset}", alpha=0.7)
            means = [np.mean(values) for values in per_fold]
            axis.plot(np.array(folds) + shift, means, color=f"C{offset}", marker="_", markersize=14, label=model)
        for name, style in zip(context.energy_names(), ("--", ":")):
            values = [_value(context, context.energy_runs(name, fold)[0], temperature) for fold in folds]
            axis.plot(folds, values, color="gray", linestyle=style, marker=".", label=ENERGY_LABELS.get(name, name))
        labels = [", ".join(file_labels(fold.val)[1]) for fold in context.plan.folds_at(temperature)]
        axis.set_xticks(folds, [f"fold {fold}\n{label}" for fold, label in zip(folds, labels)])
        axis.set_ylabel(f"Pearson A ({context.convention.replace('_', ' ')}), held-out files")
        axis.set_title(f"T = {temperature:g}")
        axis.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    save(figure, context.figure_path(FIGURE))


def _energy_verdict(context: ReportContext, rows: dict, temperature: float) -> list[str]:
    energies = {name: rows[f"{name} (no learning)"][2] for name in context.energy_names()}
    if not energies:
        return []
    best = max(energies, key=lambda name: energies[name].mean)
    studied = rows[context.studied][2]
    return [
        f"At T = {temperature:g} the best energy alone, {best}, reaches {energies[best].mean:.3f}; "
        f"{context.studied} is {studied.mean - energies[best].mean:+.3f} from it."
    ]


def _block(context: ReportContext, temperature: float) -> tuple[str, list[str]]:
    """The temperature's paragraph and table, and its verdicts about the energies."""
    folds = context.plan.folds_at(temperature)
    rows = _rows(context, temperature)
    header = ["model", "parameters", *[f"fold {fold.number}: {', '.join(file_labels(fold.val)[1])}" for fold in folds]]
    header.append("all folds and seeds: mean ± std (range)")
    cells = [
        [name, parameters, *map(number, per_fold), spread.with_deviation()]
        for name, (parameters, per_fold, spread) in rows.items()
    ]
    studied = context.runs(context.studied, temperature)[0]
    time = scores_at(studied, temperature)["times"][tau_index(studied, temperature)]
    every = [file for fold in folds for file in fold.val]
    paragraph = f"T = {temperature:g}, t = {time:g}: {len(every)} files, {files_text(every)}."
    return paragraph + "\n\n" + table(header, cells), _energy_verdict(context, rows, temperature)


def section(context: ReportContext) -> Section:
    _figure(context)
    blocks, energy_verdicts = zip(*[_block(context, temperature) for temperature in context.temperatures])
    seeds = ", ".join(str(seed) for seed in context.seeds)
    folds = context.spec.folds
    said = [*verdicts(context), *sum(energy_verdicts, [])]
    return context.figure_section(
        "Model comparison: cross-validation over the configurations",
        f"{folds}-fold cross-validation over the configuration files of each temperature, in natural order: fold k is "
        "scored on its files (the column header) by fits that never trained on them, and each file is scored in "
        "exactly one fold. Those files are also the fit's validation split, on which its best epoch is chosen, as in "
        f"the recipe; the energies learn nothing. Type A, Pearson {context.convention.replace('_', ' ')} (a mean over "
        f"the fold's configurations) at the time closest to tau_alpha. Seeds {seeds}: a fold's cell is the mean over "
        f"them; the last column is over all {folds * len(context.seeds)} (fold, seed) runs. An energy row is the "
        "Pearson correlation of each particle's energy with its propensity, signed (positive: the particles of "
        "higher energy move more).",
        "\n\n".join(blocks),
        FIGURE,
        "Pearson on held-out files per fold and model",
        said,
        f"{folds}-fold cross-validation over the files of T = {temperature_list(context.temperatures)}, "
        f"{', '.join(context.spec.models)} x seeds {seeds}, each scored on files it never trained on; "
        f"energies: {', '.join(context.energy_names()) or 'none'}",
    )
