"""Section: how the prediction grows with the number of training configurations, each model trained
on the first n configured training files and scored on the configured validation (or test) files."""

from __future__ import annotations

from glass_lightning.experiments.dataset import files_text
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import plt, save
from glass_lightning.experiments.scores import Spread, at_tau, evaluated_files, relation
from glass_lightning.markdown import table

FIGURE = "data-efficiency.png"


def spreads(context: ReportContext) -> dict[str, dict[int, Spread]]:
    """Model -> training configurations -> the score over the seeds."""
    temperature, values = context.plan.ablation_temperature, {}
    for (model, size, _), fit in context.plan.data_efficiency().items():
        values.setdefault(model, {}).setdefault(size, []).append(
            at_tau(context.record(fit), temperature, context.convention)
        )
    return {model: {size: Spread.of(scores) for size, scores in by_size.items()} for model, by_size in values.items()}


def _figure(context: ReportContext, values: dict[str, dict[int, Spread]]) -> None:
    figure, axis = plt.subplots(figsize=(5.0, 3.6))
    for offset, (model, by_size) in enumerate(values.items()):
        sizes = sorted(by_size)
        means = [by_size[size].mean for size in sizes]
        axis.plot(sizes, means, marker="o", color=f"C{offset}", label=model)
        lows, highs = [by_size[n].low for n in sizes], [by_size[n].high for n in sizes]
        axis.fill_between(sizes, lows, highs, color=f"C{offset}", alpha=0.2)
    sizes = sorted(context.spec.training_sizes)
    axis.set_xscale("log", base=2)
    axis.set_xticks(sizes, [str(size) for size in sizes])
    axis.set_xlabel("training configurations")
    axis.set_ylabel(f"Pearson A ({context.convention.replace('_', ' ')}), T = {context.plan.ablation_temperature:g}")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7)
    save(figure, context.figure_path(FIGURE))


def _verdicts(context: ReportContext, values: dict[str, dict[int, Spread]]) -> list[str]:
    fewest, most = min(context.spec.training_sizes), max(context.spec.training_sizes)
    sentences = []
    for model, by_size in values.items():
        low, high = by_size[fewest].mean, by_size[most].mean
        share = f" ({100 * low / high:.0f} % of it)" if low > 0 and high > 0 else ""
        sentences.append(
            f"{model} goes from {low:.3f} with {fewest} training configuration{'s' * (fewest > 1)} "
            f"to {high:.3f} with {most}{share}."
        )
    studied, others = values.get(context.studied), [model for model in values if model != context.studied]
    if studied and others:
        for size in (fewest, most):
            best = max(others, key=lambda model: values[model][size].mean)
            sentences.append(
                f"With {size}, {context.studied} ({studied[size].mean:.3f}) is {relation(studied[size], values[best][size])} "
                f"{best} ({values[best][size].mean:.3f})."
            )
    return sentences


def section(context: ReportContext) -> Section:
    values = spreads(context)
    _figure(context, values)
    sizes = sorted(context.spec.training_sizes)
    rows = [[str(size), *[values[model][size].text() for model in values]] for size in sizes]
    seeds = ", ".join(str(seed) for seed in context.seeds)
    fit = next(iter(context.plan.data_efficiency().values()))
    scored = files_text(evaluated_files(context.record(fit), context.plan.ablation_temperature))
    largest = max(context.plan.data_efficiency().items(), key=lambda item: item[0][1])[1]
    training = files_text(context.record(largest).get("train_files", []))
    epochs = {context.record(fit)["epochs"] for fit in context.plan.data_efficiency().values()}
    return context.figure_section(
        "Data efficiency",
        f"Each model trained on the first n of the configured training files ({training}, in that order) and "
        f"scored on {scored}, at T = {context.plan.ablation_temperature:g}, each for "
        f"{' or '.join(map(str, sorted(epochs)))} epoch{'s' * (max(epochs) > 1)}: fewer configurations are fewer "
        "training steps. Pearson of "
        f"type A, {context.convention.replace('_', ' ')}, at the time closest to tau_alpha. Seeds {seeds}: mean, "
        "and in parentheses the lowest and highest run.",
        table(["training configurations", *values], rows),
        FIGURE,
        "Pearson against the number of training configurations",
        _verdicts(context, values),
        f"{', '.join(values)}, n = {', '.join(map(str, sizes))} training configurations x seeds {seeds}, "
        f"scored on {scored}",
    )
