"""Optuna's history, parameter-importance and contour plots (matplotlib) as PNG files."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optuna  # noqa: E402
from optuna.visualization import matplotlib as optuna_plots  # noqa: E402

from glass_lightning.data.atomic_npz import save_figure_atomically  # noqa: E402

CONTOUR_PARAMETERS = 2  # the contour of the most important parameters


def _save(axes, path: Path) -> Path:
    figure = np.asarray(axes).flat[0].figure
    figure.set_size_inches(8, 6)
    figure.tight_layout()
    save_figure_atomically(figure, path, dpi=100)
    plt.close(figure)
    return path


def study_plots(study: optuna.Study, directory: Path) -> tuple[list[Path], list[str]]:
    """Write the plots the study allows; return their paths and why the others were skipped."""
    directory.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    try:
        written.append(_save(optuna_plots.plot_optimization_history(study), directory / "history.png"))
    except (ValueError, RuntimeError) as error:
        skipped.append(f"history: {error}")
    if len(complete) < 2:
        skipped.append(f"importance and contour: need 2 complete trials, the study has {len(complete)}")
        return written, skipped
    try:
        importances = optuna.importance.get_param_importances(study)
        written.append(_save(optuna_plots.plot_param_importances(study), directory / "param_importance.png"))
        top = list(importances)[:CONTOUR_PARAMETERS]
        if len(top) == CONTOUR_PARAMETERS:
            written.append(_save(optuna_plots.plot_contour(study, params=top), directory / "contour.png"))
        else:
            skipped.append("contour: needs two parameters that vary")
    except (ValueError, RuntimeError) as error:
        skipped.append(f"importance / contour: {error}")
    return written, skipped
