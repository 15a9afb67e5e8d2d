"""Section 6 (beyond the paper): one model for every temperature, the temperature as an input;
tested at each temperature, and at temperatures it never saw."""

from __future__ import annotations

from glass_lightning.data.snapshot import same_temperature
from glass_lightning.experiments.plan import temperature_list
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import finish_time_panels, plot_curves, time_panels
from glass_lightning.experiments.scores import Spread, at_tau, relation
from glass_lightning.markdown import number, table

FIGURE = "all_temperatures.png"


def _figure(context: ReportContext, records: dict[str, dict]) -> None:
    figure, axes = time_panels(len(context.temperatures))
    for temperature, axis in zip(context.temperatures, axes):
        per_temperature = context.runs(context.studied, temperature)[0]
        lines = {f"trained at T = {temperature:g} only": per_temperature}
        lines |= {f"one model, {name}": record for name, record in records.items()}
        for name, record in lines.items():
            plot_curves(axis, [record], temperature, marker="o", label=name)
        held_out = temperature in context.spec.held_out_temperatures
        axis.set_title(f"T = {temperature:g}" + (" (held out)" if held_out else ""))
    finish_time_panels(figure, axes, context.figure_path(FIGURE))


def section(context: ReportContext) -> Section:
    records = {name: context.record(fit) for name, fit in context.plan.all_temperatures().items()}
    _figure(context, records)
    held, temperatures, studied = context.spec.held_out_temperatures, context.temperatures, context.studied
    seeds = len(context.runs(studied, temperatures[0]))
    header = ["tested at", f"trained at that T only ({seeds} seeds)", "one model, all T"]
    header += [f"one model, without T = {temperature_list(held)}"] if "held out" in records else []
    rows, verdicts = [], []
    for temperature in temperatures:
        mark = " (held out)" if any(same_temperature(temperature, value) for value in held) else ""
        cells = [number(at_tau(record, temperature)) for record in records.values()]
        alone = context.spread(studied, temperature)
        rows.append([f"T = {temperature:g}{mark}", alone.text(), *cells])
        joint = Spread.of([at_tau(records["all"], temperature)])
        verdicts.append(
            f"At T = {temperature:g} the one model ({joint.mean:.3f}) is {relation(joint, alone)} "
            f"the model trained there alone ({alone.mean:.3f})."
        )
    alone_count = context.runs(studied, temperatures[0])[0]["train_configurations"]
    verdicts.append(
        f"The one model trained on {records['all']['train_configurations']} configurations, a model at one "
        f"temperature on {alone_count}: part of any lead is the larger training set, not the temperature input."
    )
    for temperature in held:
        verdicts.append(
            f"Never shown T = {temperature:g}, the model trained on the other temperatures reaches "
            f"{at_tau(records['held out'], temperature):.3f} there, against "
            f"{context.spread(studied, temperature).mean:.3f} for a model trained at T = {temperature:g}."
        )
    return context.figure_section(
        "One model for all temperatures (beyond the paper)",
        f"{studied} with the temperature as an extra node input (standardized with the training split), "
        f"trained on every temperature at once, and on every temperature but {temperature_list(held) or 'none'}; "
        f"seed {context.seeds[0]}, one run each. Output k is the k-th time of each temperature's grid. "
        "Pearson of type A at tau_alpha.",
        table(header, rows),
        FIGURE,
        "One model for all temperatures",
        verdicts,
        f"one fit on every temperature and one without {temperature_list(held) or 'none'}, seed {context.seeds[0]}",
    )
