"""ExpertRidge: expert structural descriptors (models/descriptors.py) fed to ridge regression or a small MLP.

With ``hidden = 0`` the model is linear in the standardized descriptors, one linear map per
particle type (``per_type_heads``): ridge regression once trained with an L2 penalty. The
penalty is the optimizer's weight decay set in the GlassModule: use a coupled L2 penalty
(``torch.optim.Adam(weight_decay=lambda)`` or SGD) for the exact ridge objective; AdamW's
decoupled decay is only an approximation of it. ``hidden > 0`` adds one SiLU hidden layer.

The descriptors depend only on the structure, not on learned parameters, so they carry no
gradient; they are recomputed on every forward (a few scatters over the edges, small next to
any network) rather than cached, which keeps the model free of state tied to a dataset.
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.errors import GlassDataError
from glass_lightning.models.descriptors import expert_descriptors
from glass_lightning.models.hyperparameters import require_positive
from glass_lightning.models.inputs import model_edges, node_scalars
from glass_lightning.models.readout import TypeReadout
from glass_lightning.models.standardize import RunningStandardizer


def parse_l_values(l_values: str | Sequence[int]) -> list[int]:
    """ "2,4,6" or [2, 4, 6] -> [2, 4, 6]; every l must be a non-negative integer."""
    try:
        values = [int(item) for item in (l_values.split(",") if isinstance(l_values, str) else l_values)]
    except (TypeError, ValueError) as error:
        raise GlassDataError("<model>", "l_values", f"expected comma-separated integers, got {l_values!r}") from error
    if not values or min(values) < 0:
        raise GlassDataError("<model>", "l_values", f"expected non-negative integers, got {l_values!r}")
    return values


class ExpertRidge(nn.Module):
    """Expert descriptors under a linear map or a small MLP (module docstring); ``forward(data) -> (N, num_outputs)``.

    Args:
        num_outputs: the timescales predicted (linked from the data by the CLI).
        cutoff: the radius of the edges (linked from the data by the CLI).
        num_types: the particle species (linked from the data by the CLI).
        num_node_attr: extra scalars per particle (linked from the data by the CLI).
        l_values: the degrees l of the shell bond-order parameters q_l, "2,4,6,8" or a list of integers.
        shells: the Gaussian radial shells between ``shell_min`` and ``cutoff``.
        shell_min: the centre of the first shell.
        coarse_grain: append the descriptors averaged over the neighbourhood (models/coarse_graining.py).
        hidden: width of the SiLU hidden layer (0 = linear in the descriptors: ridge regression).
        per_type_heads: one linear map (or MLP) per particle type.
    """

    def __init__(
        self,
        num_outputs: int,
        cutoff: float,
        num_types: int = 2,
        num_node_attr: int = 0,
        l_values: str | list[int] = "2,4,6,8",
        shells: int = 8,
        shell_min: float = 0.7,
        coarse_grain: bool = True,
        hidden: int = 0,
        per_type_heads: bool = True,
    ):
        super().__init__()
        require_positive(num_outputs=num_outputs, cutoff=cutoff, num_types=num_types, shells=shells)
        if not 0 <= shell_min < cutoff:
            raise GlassDataError(
                "<model>", "shell_min", f"expected 0 <= shell_min < cutoff ({cutoff}), got {shell_min}"
            )
        self.cutoff, self.num_types, self.num_node_attr = float(cutoff), num_types, num_node_attr
        self.l_values = parse_l_values(l_values)
        self.coarse_grain = coarse_grain
        self.shell_width = (cutoff - shell_min) / shells
        self.register_buffer("shell_centres", torch.linspace(shell_min, cutoff, shells + 1)[:-1])
        num_descriptors = shells * (num_types + len(self.l_values)) * (2 if coarse_grain else 1)
        self.standardizer = RunningStandardizer(num_descriptors)
        self.readout = TypeReadout(
            num_descriptors + num_types + num_node_attr, hidden, num_outputs, num_types, per_type_heads
        )

    def descriptors(self, data: Data) -> torch.Tensor:
        """(N, F) raw (unstandardized) expert descriptors of every particle."""
        edge_index, edge_vec, _ = model_edges(data, self.cutoff)
        return expert_descriptors(
            edge_index,
            edge_vec,
            data.node_type,
            self.num_types,
            self.shell_centres,
            self.shell_width,
            self.cutoff,
            self.l_values,
            self.coarse_grain,
        )

    def forward(self, data: Data) -> torch.Tensor:
        scalars = node_scalars(data, self.num_types, self.num_node_attr)
        features = self.standardizer(self.descriptors(data))
        return self.readout(torch.cat([features, scalars], dim=1), data.node_type)
