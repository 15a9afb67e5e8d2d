"""Periodic neighbour graphs: directed edges within a cutoff, minimum-image edge vectors.

Edge convention (the one every model relies on), following torch_geometric:
``edge_index[0]`` is the neighbour j (message source), ``edge_index[1]`` the centre i
(message target, where messages are summed), and ``edge_vec = r_j - r_i`` under the
minimum-image convention. There are no self-edges; every pair appears in both directions.

A graph is built once at the largest cutoff in use and filtered for smaller ones with
:func:`edges_within`, so a sweep over the cutoff never rebuilds neighbour lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from glass_lightning.errors import GlassDataError

if TYPE_CHECKING:
    import torch


def check_box_fits_cutoff(box: np.ndarray, cutoff: float, source: object = "<memory>") -> None:
    """Minimum-image edges are unique only if every box length exceeds twice the cutoff."""
    if cutoff <= 0:
        raise GlassDataError(source, "cutoff", f"expected a positive cutoff, got {cutoff}")
    shortest = float(np.min(box))
    if shortest <= 2 * cutoff:
        raise GlassDataError(
            source,
            "box",
            f"box length {shortest:.4g} must exceed twice the cutoff (2 x {cutoff:.4g}); "
            "use a smaller cutoff or a larger system",
        )


def periodic_edges(
    positions: np.ndarray, box: np.ndarray, cutoff: float, source: object = "<memory>"
) -> tuple[np.ndarray, np.ndarray]:
    """Directed edges within ``cutoff`` in an orthorhombic periodic box.

    Returns ``edge_index`` (2, E) int64 as (neighbour j, centre i) and ``edge_vec`` (E, 3)
    float64 with ``edge_vec = r_j - r_i`` (minimum image).
    """
    box = np.asarray(box, dtype=np.float64)
    check_box_fits_cutoff(box, cutoff, source)
    from vesin import NeighborList  # imports torch: not before a graph is built

    calculator = NeighborList(cutoff=float(cutoff), full_list=True, sorted=True)
    centre, neighbour, vectors = calculator.compute(
        points=np.ascontiguousarray(positions, dtype=np.float64), box=np.diag(box), periodic=True, quantities="ijD"
    )
    edge_index = np.stack([neighbour, centre]).astype(np.int64)
    return edge_index, np.asarray(vectors, dtype=np.float64)


def edges_within(edge_index: torch.Tensor, edge_vec: torch.Tensor, cutoff: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Keep the edges shorter than ``cutoff`` from a graph built at a larger one."""
    keep = edge_vec.norm(dim=-1) < cutoff
    return edge_index[:, keep], edge_vec[keep]
