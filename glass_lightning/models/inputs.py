"""What every model reads from a graph: node scalars (one-hot type + extra attributes) and the
edges within the model's own cutoff."""

from __future__ import annotations

import torch
from torch_geometric.data import Data

from glass_lightning.data.graph import edges_within
from glass_lightning.errors import GlassDataError


def graph_source(data: Data) -> str:
    """A name for error messages: the snapshot index(es) of the graph or batch."""
    index = getattr(data, "snapshot_index", None)
    return "<graph>" if index is None else f"<snapshot {index.tolist()}>"


def node_scalars(data: Data, num_types: int, num_node_attr: int) -> torch.Tensor:
    """(N, num_types + num_node_attr): one-hot particle type followed by ``data.node_attr``."""
    types = data.node_type
    if types.numel() and (int(types.min()) < 0 or int(types.max()) >= num_types):
        raise GlassDataError(
            graph_source(data),
            "node_type",
            f"expected labels in [0, {num_types}), got [{int(types.min())}, {int(types.max())}]",
        )
    one_hot = torch.nn.functional.one_hot(types, num_types).to(data.edge_vec.dtype)
    if num_node_attr == 0:
        return one_hot
    attributes = getattr(data, "node_attr", None)
    if attributes is None or attributes.dim() != 2 or attributes.shape[1] != num_node_attr:
        found = None if attributes is None else tuple(attributes.shape)
        raise GlassDataError(graph_source(data), "node_attr", f"expected shape (N, {num_node_attr}), got {found}")
    return torch.cat([one_hot, attributes.to(one_hot.dtype)], dim=1)


def model_edges(data: Data, cutoff: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Edges within ``cutoff``: ``edge_index`` (2, E), ``edge_vec`` (E, 3) and lengths (E,)."""
    edge_index, edge_vec = edges_within(data.edge_index, data.edge_vec, cutoff)
    return edge_index, edge_vec, edge_vec.norm(dim=-1)


def scatter_sum(values: torch.Tensor, index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """Sum the rows of ``values`` (E, ...) into ``num_nodes`` rows by ``index`` (E,)."""
    out = values.new_zeros((num_nodes, *values.shape[1:]))
    return out.index_add_(0, index, values)
