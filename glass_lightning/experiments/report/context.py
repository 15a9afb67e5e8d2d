"""What every section of the report reads: the experiment file, the plan, the fit records and
the analyses without training; where the figures go; and what a section hands back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from glass_lightning.experiments.plan import Fit, Plan
from glass_lightning.experiments.scores import POOLED, Spread, at_tau
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.markdown import section_text


@dataclass
class Section:
    """A section's markdown, its verdicts (for the claims table) and what data they rest on, in a few words."""

    text: str
    verdicts: list[str]
    data: str


@dataclass
class ReportContext:
    spec: ExperimentSpec
    plan: Plan
    records: dict[str, dict]  # fit key -> record
    energy: list[dict] = field(default_factory=list)  # the potential-energy baselines' records, per energy and fold
    transfer: dict = field(default_factory=dict)  # (source, target) -> Fit
    interpretability: dict[float, dict] = field(default_factory=dict)  # temperature -> correlations
    wall_seconds: float | None = None  # of this run of ``reproduce``, start to end
    trained: int = 0  # fits trained by this run (the others were read back)

    def __post_init__(self) -> None:
        self.temperatures, self.studied, self.seeds = self.plan.temperatures, self.spec.studied_model, self.spec.seeds
        self.convention = self.spec.pearson_convention

    @property
    def scored_on(self) -> str:
        """The configurations every fit is scored on, in words."""
        return "test" if self.spec.evaluation_split == "test" else "held-out validation"

    def record(self, fit: Fit) -> dict:
        return self.records[fit.key]

    def runs(self, model: str, temperature: float, fold: int | None = None) -> list[dict]:
        """The records of ``model`` trained at ``temperature`` alone, one per seed (and fold) that was run;
        ``fold``: that fold's only."""
        fits = [
            fit
            for (name, at, _, number), fit in self.plan.comparison.items()
            if (name, at) == (model, temperature) and fold in (None, number)
        ]
        return [self.records[fit.key] for fit in fits if fit.key in self.records]

    def spread(self, model: str, temperature: float, statistic=at_tau, convention: str = POOLED) -> Spread:
        """The statistic of ``model`` trained and tested at ``temperature``, over the seeds (and folds)."""
        return Spread.of([statistic(record, temperature, convention) for record in self.runs(model, temperature)])

    def energy_names(self) -> list[str]:
        return list(dict.fromkeys(record["node_input"] for record in self.energy))

    def energy_runs(self, name: str, fold: int | None = None) -> list[dict]:
        """The records of the energy ``name``, one per fold (``fold``: that one's only)."""
        return [record for record in self.energy if record["node_input"] == name and fold in (None, record.get("fold"))]

    def figure_path(self, name: str) -> Path:
        self.spec.figures_dir.mkdir(parents=True, exist_ok=True)
        return self.spec.figures_dir / f"{self.spec.figure_prefix}{name}"

    def figure_section(
        self, title: str, introduction: str, table: str, figure: str, caption: str, verdicts: list[str], data: str
    ) -> Section:
        """A section: its introduction, table, figure and verdicts."""
        relative = Path(os.path.relpath(self.figure_path(figure), self.spec.results.parent)).as_posix()
        text = section_text(title, introduction, table, f"![{caption}]({relative})", " ".join(verdicts))
        return Section(text, verdicts, data)
