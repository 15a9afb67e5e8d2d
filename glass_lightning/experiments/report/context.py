"""What every section of the report reads: the experiment file, the plan, the fit records and
the analyses without training; and where the figures go."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from glass_lightning.experiments.plan import Fit, Plan
from glass_lightning.experiments.scores import POOLED, Spread, at_tau
from glass_lightning.experiments.spec import ExperimentSpec
from glass_lightning.markdown import section_text


@dataclass
class ReportContext:
    spec: ExperimentSpec
    plan: Plan
    records: dict[str, dict]  # fit key -> record
    energy: dict | None = None  # the potential-energy baseline's record
    transfer: dict = field(default_factory=dict)  # (source, target) -> Fit
    interpretability: dict[float, dict] = field(default_factory=dict)  # temperature -> correlations

    def __post_init__(self) -> None:
        self.temperatures, self.studied, self.seeds = self.plan.temperatures, self.spec.studied_model, self.spec.seeds

    def record(self, fit: Fit) -> dict:
        return self.records[fit.key]

    def runs(self, model: str, temperature: float) -> list[dict]:
        """The records of ``model`` trained at ``temperature`` alone, one per seed that was run."""
        fits = [fit for key, fit in self.plan.comparison.items() if key[:2] == (model, temperature)]
        return [self.records[fit.key] for fit in fits if fit.key in self.records]

    def spread(self, model: str, temperature: float, statistic=at_tau, convention: str = POOLED) -> Spread:
        """The statistic of ``model`` trained and tested at ``temperature``, over the seeds."""
        return Spread.of([statistic(record, temperature, convention) for record in self.runs(model, temperature)])

    def figure_path(self, name: str) -> Path:
        self.spec.figures_dir.mkdir(parents=True, exist_ok=True)
        return self.spec.figures_dir / name

    def figure_section(
        self, title: str, introduction: str, table: str, figure: str, caption: str, verdicts: list[str]
    ) -> tuple[str, list[str]]:
        """A section (its introduction, table, figure and verdicts) and its verdicts, for the claims."""
        relative = Path(os.path.relpath(self.spec.figures_dir / figure, self.spec.results.parent)).as_posix()
        return section_text(title, introduction, table, f"![{caption}]({relative})", " ".join(verdicts)), verdicts
