"""Section 6 (beyond the paper): one model for every temperature, the temperature as an input;
tested at each temperature, and at temperatures it never saw."""

from __future__ import annotations

from glass_lightning.data.snapshot import same_temperature
from glass_lightning.experiments.report.comparison import spreads
from glass_lightning.experiments.report.context import ReportContext
from glass_lightning.experiments.report.figures import finish_time_panels, time_panels
from glass_lightning.experiments.report.markdown import number, table
from glass_lightning.experiments.scores import Spread, at_tau, curve, exceeds

FIGURE = "all_temperatures.png"


def _figure(context: ReportContext, records: dict[str, dict]) -> None:
    figure, axes = time_panels(len(context.temperatures))
    for temperature, axis in zip(context.temperatures, axes):
        per_temperature = context.runs(context.studied, temperature)[0]
        lines = {
            f"trained at T = {temperature:g} only": per_temperature,
            **{f"one model, {name}": record for name, record in records.items()},
        }
        for name, record in lines.items():
            axis.plot(record["scores"][f"{temperature:g}"]["times"], curve(record, temperature), marker="o", label=name)
        axis.set_title(
            f"T = {temperature:g}" + (" (held out)" if temperature in context.spec.held_out_temperatures else "")
        )
    finish_time_panels(figure, axes, context.figure_path(FIGURE))


def section(context: ReportContext) -> tuple[str, list[str]]:
    fits = context.plan.all_temperatures()
    records = {name: context.record(fit) for name, fit in fits.items()}
    _figure(context, records)
    held = context.spec.held_out_temperatures
    header = [
        "tested at",
        f"trained at that T only ({len(context.runs(context.studied, context.temperatures[0]))} seeds)",
        "one model, all T",
    ]
    header += [f"one model, without T = {', '.join(f'{t:g}' for t in held)}"] if "held out" in records else []
    rows = []
    for temperature in context.temperatures:
        mark = " (held out)" if any(same_temperature(temperature, value) for value in held) else ""
        cells = [spreads(context, context.studied, temperature).text()] + [
            number(at_tau(record, temperature)) for record in records.values()
        ]
        rows.append([f"T = {temperature:g}{mark}", *cells])
    verdicts = []
    for temperature in context.temperatures:
        alone = spreads(context, context.studied, temperature)
        joint = Spread.of([at_tau(records["all"], temperature)])
        relation = {True: "above", False: "below", None: "within the seed-to-seed spread of"}[exceeds(joint, alone)]
        verdicts.append(
            f"At T = {temperature:g} the one model ({joint.mean:.3f}) is {relation} the model trained there alone ({alone.mean:.3f})."
        )
    trained = {name: record["train_configurations"] for name, record in records.items()}
    alone_count = context.runs(context.studied, context.temperatures[0])[0]["train_configurations"]
    verdicts.append(
        f"The one model trained on {trained['all']} configurations, a model at one temperature on {alone_count}: "
        "part of any lead is the larger training set, not the temperature input."
    )
    for temperature in held:
        unseen = at_tau(records["held out"], temperature)
        verdicts.append(
            f"Never shown T = {temperature:g}, the model trained on the other temperatures reaches {unseen:.3f} there, "
            f"against {spreads(context, context.studied, temperature).mean:.3f} for a model trained at T = {temperature:g}."
        )
    return context.figure_section(
        "One model for all temperatures (beyond the paper)",
        f"{context.studied} with the temperature as an extra node input (standardized with the training split), "
        f"trained on every temperature at once, and on every temperature but {', '.join(f'{t:g}' for t in held) or 'none'}; "
        f"seed {context.seeds[0]}, one run each. Output k is the k-th time of each temperature's grid. Pearson of type A at tau_alpha.",
        table(header, rows),
        FIGURE,
        "One model for all temperatures",
        verdicts,
    )
