"""Section 4: the studied model with one thing changed at a time (depth, l_max, input positions,
extra inputs, ...), at one temperature, on the configured split; judged against the seed-to-seed
spread of the configured model under the same budget."""

from __future__ import annotations

from glass_lightning.experiments.dataset import files_text
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import plt, save
from glass_lightning.experiments.scores import Spread, at_tau, evaluated_files, mean_over_times
from glass_lightning.markdown import count, number, signed, table

FIGURE = "ablations.png"


def _figure(context: ReportContext, values: dict[str, float], temperature: float) -> None:
    names = list(values)
    figure, axis = plt.subplots(figsize=(5.5, 0.45 * len(names) + 1.2))
    colours = ["black" if name == "as configured" else "tab:blue" for name in names]
    axis.barh(range(len(names)), [values[name] for name in names], color=colours)
    axis.set_yticks(range(len(names)), names)
    axis.invert_yaxis()
    axis.set_xlabel(f"Pearson A ({context.convention.replace('_', ' ')}) at tau_alpha, T = {temperature:g}")
    axis.grid(axis="x", alpha=0.3)
    save(figure, context.figure_path(FIGURE))


def _split_text(record: dict, temperature: float) -> str:
    """Where the configured fit trained and was scored, when its record says (records before it did not)."""
    if "train_files" not in record:
        return "on the configured split"
    return (
        f"trained on {files_text(record['train_files'])}, scored on {files_text(evaluated_files(record, temperature))}"
    )


def section(context: ReportContext) -> Section:
    temperature, convention = context.plan.ablation_temperature, context.convention
    records = {name: context.record(fit) for name, fit in context.plan.ablations().items()}
    values = {name: at_tau(record, temperature, convention) for name, record in records.items()}
    _figure(context, values, temperature)
    reference = values["as configured"]
    rows = [
        [name, count(record["num_parameters"]), number(values[name]), signed(values[name] - reference)]
        + [number(mean_over_times(record, temperature, convention))]
        for name, record in records.items()
    ]
    references = [context.record(fit) for fit in context.plan.ablation_references()]
    seeds = Spread.of([at_tau(record, temperature, convention) for record in references])
    beyond = [name for name in values if name != "as configured" and abs(values[name] - reference) > seeds.width]
    differing = f"only {', '.join(beyond)} differ{'s' if len(beyond) == 1 else ''}" if beyond else "no ablation differs"
    verdict = (
        f"The seed-to-seed spread of the configured model at T = {temperature:g} is {seeds.width:.3f} "
        f"({seeds.runs} seeds); {differing} from it by more than that."
    )
    if seeds.runs < 2:
        verdict = "With one seed there is no seed-to-seed spread to compare these differences with."
    budget = context.spec.ablation_overrides
    budget_text = ", ".join(f"`{key}` {value}" for key, value in budget.items())
    epochs = records["as configured"]["epochs"]
    return context.figure_section(
        "Ablations",
        f"{context.studied} at T = {temperature:g}, seed {context.seeds[0]}, one run each; each row changes one setting "
        f"of the configured model (the `ablations` of the experiment file). Pearson of type A, {convention.replace('_', ' ')}."
        + f" Each run {_split_text(records['as configured'], temperature)}."
        + (f" Every row, the configured one too, at the ablations' budget ({budget_text})." if budget else ""),
        table(["variant", "parameters", "at tau_alpha", "change", "mean over times"], rows),
        FIGURE,
        "Ablations",
        [verdict],
        f"{context.studied}, seed {context.seeds[0]}, {epochs} epoch{'s' * (epochs != 1)}, "
        + _split_text(records["as configured"], temperature),
    )
