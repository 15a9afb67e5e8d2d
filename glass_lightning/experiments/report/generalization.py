"""Section 2: trained at T_i, tested at every T_j, at each temperature's own tau_alpha."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.report.figures import plt, save
from glass_lightning.experiments.scores import at_tau
from glass_lightning.markdown import number, table

FIGURE = "generalization.png"


def matrix(context: ReportContext, model: str) -> np.ndarray:
    """[i, j]: trained at temperature i, tested at j; mean over seeds."""
    temperatures = context.temperatures
    return np.array(
        [
            [np.mean([at_tau(run, target) for run in context.runs(model, source)]) for target in temperatures]
            for source in temperatures
        ]
    )


def retention(values: np.ndarray) -> float:
    """Mean over i != j of M[i, j] / M[j, j]: the share of the in-temperature correlation kept elsewhere."""
    size = len(values)
    ratios = [values[i, j] / values[j, j] for i in range(size) for j in range(size) if i != j and values[j, j] > 0]
    return float(np.mean(ratios)) if ratios else float("nan")


def _figure(context: ReportContext, matrices: dict[str, np.ndarray]) -> None:
    labels = [f"{t:g}" for t in context.temperatures]
    figure, axes = plt.subplots(1, len(matrices), figsize=(3.6 * len(matrices), 3.4), squeeze=False)
    low = min(float(np.nanmin(values)) for values in matrices.values())
    high = max(float(np.nanmax(values)) for values in matrices.values())
    for (model, values), axis in zip(matrices.items(), axes[0]):
        image = axis.imshow(values, vmin=low, vmax=high, cmap="viridis")
        for (i, j), value in np.ndenumerate(values):
            axis.text(j, i, f"{value:.2f}", ha="center", va="center", color="white", fontsize=8)
        axis.set(xticks=range(len(labels)), xticklabels=labels, yticks=range(len(labels)), yticklabels=labels)
        axis.set(xlabel="tested at T", ylabel="trained at T", title=model)
    figure.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="Pearson A at tau_alpha")
    save(figure, context.figure_path(FIGURE), layout=False)


def section(context: ReportContext) -> Section:
    matrices = {model: matrix(context, model) for model in context.spec.models}
    _figure(context, matrices)
    header = ["model", "trained at", *[f"tested at T = {t:g}" for t in context.temperatures]]
    rows = []
    for model, values in matrices.items():
        for i, source in enumerate(context.temperatures):
            cells = [f"**{number(value)}**" if i == j else number(value) for j, value in enumerate(values[i])]
            rows.append([model if i == 0 else "", f"T = {source:g}", *cells])
    kept = {model: retention(values) for model, values in matrices.items()}
    shares = ", ".join(f"{model} {100 * share:.0f} %" for model, share in kept.items())
    verdict = f"Tested away from its training temperature, a model keeps on average {shares} of the correlation "
    verdict += "reached by the model trained at the test temperature."
    if min(kept.values()) >= 0.9:
        verdict += " Every model keeps at least 90 % over this temperature range, so these data cannot separate "
        verdict += "the models on this claim."
    elif kept[context.studied] >= max(kept.values()):
        verdict += f" {context.studied} keeps the most, as the paper finds."
    else:
        verdict += f" {context.studied} does not keep the most here, unlike the paper's finding."
    return context.figure_section(
        "Generalization across temperatures",
        "The fits of the model comparison, each tested at every temperature of the dataset: Pearson of type A at the test "
        "temperature's tau_alpha, mean over the seeds. A model's output for its own time closest in t / tau_alpha "
        "is compared with the target; the diagonal (bold) is the model comparison.",
        table(header, rows),
        FIGURE,
        "Generalization matrices",
        [verdict],
        f"the comparison fits ({len(context.seeds)} seeds), each tested on the {context.scored_on} split of every temperature",
    )
