"""Section 5: the first layer's rotation invariants against independently computed bond orders."""

from __future__ import annotations

import numpy as np

from glass_lightning.experiments.report.context import ReportContext
from glass_lightning.markdown import number, section_text, table


def section(context: ReportContext) -> tuple[str, list[str]]:
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
            best.append(float(np.max(correlation[1:])))
    cutoff = context.spec.bond_order_cutoff
    verdict = (
        f"The strongest link between a learned invariant with l >= 1 and a bond order q_l is |r| = {max(best):.2f}."
        if best
        else "The studied model has l_max = 0: it has no angular invariants to compare."
    )
    text = section_text(
        "Interpretability",
        f"For the {context.studied} models trained at each temperature (seed {context.seeds[0]}), the rotation invariants of the first "
        "layer, |sum_j R_ul(r_ij) Y_lm(r_ij)| per neighbour species s, degree l and radial channel u, against "
        f"Steinhardt's q_l of the species-s neighbours within r < {cutoff:g} (l = 0: their number n_s), over the "
        "type-A particles of the test configurations: the largest |Pearson| over the radial channels. Also logged "
        "in each fit's MLflow run as `interpretability/...`.",
        *blocks,
        verdict,
    )
    return text, [verdict]
