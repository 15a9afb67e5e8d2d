"""Section 5: the first layer's rotation invariants against independently computed bond orders."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.dataset import files_text
from glass_lightning.experiments.report.context import ReportContext, Section
from glass_lightning.experiments.scores import evaluated_files
from glass_lightning.markdown import number, section_text, table


def section(context: ReportContext) -> Section:
    blocks, best = [], []
    for temperature, result in sorted(context.interpretability.items()):
        correlation = np.asarray(result["correlation"])
        rows = [
            [
                f"l = {l}" + (" (reference n_s)" if l == 0 else " (reference q_l)"),
                *[number(value) for value in correlation[index]],
            ]
            for index, l in enumerate(result["l"])
        ]
        blocks.append(
            f"T = {temperature:g}\n\n"
            + table(["degree", *[f"neighbours of type {name}" for name in result["species"]]], rows)
        )
        if len(result["l"]) > 1:
            l, species = np.unravel_index(np.argmax(correlation[1:]), correlation[1:].shape)
            best.append((float(correlation[1 + l, species]), result["l"][1 + l], result["species"][species]))
    cutoff = context.spec.bond_order_cutoff
    verdict = "The studied model has l_max = 0: it has no angular invariants to compare."
    if best:
        value, l, species = max(best)
        verdict = (
            f"The strongest link between a learned invariant with l >= 1 and a bond order q_l is |r| = {value:.2f} "
            f"(l = {l}, neighbours of type {species})."
        )
    text = section_text(
        "Interpretability",
        f"For the {context.studied} models trained at each temperature (seed {context.seeds[0]}), the rotation invariants of the first "
        "layer, |sum_j R_ul(r_ij) Y_lm(r_ij)| per neighbour species s, degree l and radial channel u, against "
        f"Steinhardt's q_l of the species-s neighbours within r < {cutoff:g} (l = 0: their number n_s), over the "
        f"type-A particles of the {context.scored_on} configurations: the largest |Pearson| over the radial channels. Also logged "
        "in each fit's MLflow run as `interpretability/...`.",
        *blocks,
        verdict,
    )
    temperature = context.temperatures[0]
    studied = context.record(context.plan.studied(temperature))
    files = evaluated_files(studied, temperature) if len(context.temperatures) == 1 else []
    scored = files_text(files) if files else f"the {context.scored_on} configurations of each temperature"
    data = f"{context.studied} seed {context.seeds[0]}, {studied['data']['positions']} positions of {scored}"
    return Section(text, [verdict], data)
