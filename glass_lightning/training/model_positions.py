"""The positions a model reads, for configurations that lack them.

A network trained on inherent structures (``positions: inherent`` in its graph recipe) predicts a
configuration from its inherent structure only. A configuration without one is quenched on request
(``predict --quench``, ``Predictor.predict(..., quench=True)``: ``simulate/quench.py``, about ten
seconds for N = 4096), else refused in one line that says how to quench it. Cage-averaged
positions cannot be made here: a configuration without them is refused.
"""

from __future__ import annotations

from pathlib import Path

from glass_lightning.data.snapshot import Snapshot
from glass_lightning.errors import GlassDataError
from glass_lightning.progress import progress_bar

PROGRESS_BAR_FROM = 2  # configurations; a single one is quenched without a progress bar


def quench_hint(source: str, format: str) -> str:
    """How to give the configuration of ``source`` its inherent structure: the command for a file, the
    Python argument for one in memory."""
    python = "Predictor.predict(..., quench=True)"
    if not Path(source).exists() and "*" not in source:  # in memory; a BOTAN source is a file pattern
        return f"quench it with {python}"
    command = f"glass-lightning quench {source} --format {format} --output DIR"
    return f"quench it first ({command}, then predict DIR), or predict with --quench (Python: {python})"


def with_model_positions(
    snapshots: list[Snapshot], positions: str, quench: bool = False, format: str = "native"
) -> list[Snapshot]:
    """``snapshots``, each with the ``positions`` the model reads (``thermal``, ``inherent``, ``cage``):
    inherent structures quenched where missing if ``quench``; else the first configuration without them
    is refused (a GlassDataError naming it and how to quench it, read as ``format``)."""
    if positions == "thermal":
        return snapshots
    field = f"{positions}_positions"
    missing = [snapshot for snapshot in snapshots if getattr(snapshot, field) is None]
    if not missing:
        return snapshots
    if positions == "inherent" and quench:
        from glass_lightning.simulate.quench import quench as quenched  # OpenMM: only when asked

        made = {
            id(snapshot): quenched(snapshot)
            for snapshot in progress_bar(
                missing, show=len(missing) >= PROGRESS_BAR_FROM, desc="quenching", unit="config"
            )
        }
        return [made.get(id(snapshot), snapshot) for snapshot in snapshots]
    first = missing[0]
    count = f" ({len(missing)} of {len(snapshots)} configurations lack them)" if len(snapshots) > 1 else ""
    if positions == "inherent":
        problem = f"the model reads inherent structures and this configuration has none{count}: "
        raise GlassDataError(first.source, field, problem + quench_hint(first.source, format))
    raise GlassDataError(
        first.source, field, f"the model reads {positions} positions and this configuration has none{count}"
    )
