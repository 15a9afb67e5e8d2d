"""The pretrained networks by name, and what a ``--ckpt`` value names.

:func:`resolve_checkpoint` is what every command that takes a checkpoint calls first: a registered
name is the network's file inside the package, anything else is a path, as before; a value that is
neither is refused in one line that lists the names. A network's file is built by ``make pretrained``
(``export.py``); an installation without it says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from glass_lightning.errors import GlassDataError

PACKAGE_FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class PretrainedNetwork:
    """A shipped network: its checkpoint file and the domain where its predictions hold."""

    name: str
    path: Path
    domain: str  # one paragraph, printed when a command uses the network by its name


PRETRAINED: dict[str, PretrainedNetwork] = {
    network.name: network
    for network in [
        PretrainedNetwork(
            name="ka3d-T0.44",
            path=PACKAGE_FOLDER / "ka3d-T0.44.ckpt",
            domain=(
                "ka3d-T0.44 (SE3Net, model card glass_lightning/pretrained/ka3d-T0.44.md) predicts the propensity of "
                "the 3D Kob-Andersen 80:20 mixture at density 1.2 and T = 0.44, at t = 4120 (about 1.5 tau_alpha), "
                "from inherent structures and each particle's distance to its thermal position: quench the "
                "configurations first (glass-lightning quench keeps both). Outside that "
                "domain, for other temperatures, thermal (unquenched) positions, other densities or other models, "
                "its predictions are not calibrated. It was fitted to per-configuration standardized propensities: it "
                "ranks the particles of a configuration; its values are not absolute propensities."
            ),
        )
    ]
}


def resolve_checkpoint(value: str | os.PathLike) -> Path:
    """The checkpoint file that a ``--ckpt`` value names: a pretrained network's, or the value as a path."""
    network = PRETRAINED.get(str(value))
    if network is not None:
        if not network.path.is_file():
            raise GlassDataError(
                network.path,
                "checkpoint",
                f"the pretrained network {network.name} is not in this installation (build it with make pretrained)",
            )
        return network.path
    if not Path(value).is_file():
        raise GlassDataError(
            value,
            "checkpoint",
            f"no such checkpoint file, nor a pretrained network (their names: {sorted(PRETRAINED)})",
        )
    return Path(value)


def pretrained_domain(value: str | os.PathLike) -> str | None:
    """The domain of validity of the pretrained network that ``value`` names, or None for a path."""
    network = PRETRAINED.get(str(value))
    return None if network is None else network.domain
