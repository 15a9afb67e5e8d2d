"""Are the equivariant network's first-layer invariants bond-order parameters?

On one-hot inputs the first layer builds, per neighbour species s, degree l and radial channel u,
A_{s,u,lm}(i) = sum_{j of type s} R_ul(r_ij) Y_lm(r_ij_hat), and its rotation invariants
|A_{s,u,l}| (``SE3Net.first_layer_invariants``). With R_ul constant inside a shell they would be
n_s(i) q_l(i), Steinhardt's bond order of the species-s neighbours. Here q_l is computed
independently (``models/bond_order.py``, neighbours of species s within ``bond_order_cutoff``)
and compared, over the type-A particles of the test configurations, with the learned
invariants: per (l, s), the largest |Pearson| over the radial channels u. For l = 0, where q_0 is
1, the reference is the number of species-s neighbours n_s(i).
"""

from __future__ import annotations

import numpy as np
import torch
from torch_geometric.data import Batch

from glass_lightning.command_files import require
from glass_lightning.data.dataset import GlassDataset
from glass_lightning.data.snapshot import Snapshot, type_name
from glass_lightning.models.bond_order import bond_order_parameters
from glass_lightning.models.inputs import scatter_sum
from glass_lightning.training.predict import load_predictor

CENTRE_TYPE = 0  # type A centres, the literature's headline


def shell_references(graph, num_types: int, l_max: int, cutoff: float) -> np.ndarray:
    """(N, num_types, l_max + 1): n_s(i) for l = 0, q_l of the species-s neighbours for l >= 1."""
    inside = graph.edge_vec.norm(dim=-1) < cutoff
    weight = (inside[:, None] & (graph.node_type[graph.edge_index[0], None] == torch.arange(num_types))).double()
    columns = [scatter_sum(weight, graph.edge_index[1], graph.num_nodes)[:, :, None]]  # (N, S, 1)
    if l_max >= 1:
        l_values = list(range(1, l_max + 1))
        columns.append(
            bond_order_parameters(graph.edge_index, graph.edge_vec.double(), graph.num_nodes, l_values, weight)
        )
    return torch.cat(columns, dim=2).numpy()


def absolute_correlations(features: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|Pearson| of every column of ``features`` (M, C) with ``reference`` (M,); 0 for constant columns."""
    centred = features - features.mean(axis=0)
    target = reference - reference.mean()
    denominator = np.sqrt((centred**2).sum(axis=0) * (target**2).sum())
    return np.where(denominator > 0, np.abs(centred.T @ target) / np.where(denominator > 0, denominator, 1.0), 0.0)


@torch.no_grad()
def invariants_against_bond_order(checkpoint: str, snapshots: list[Snapshot], shell_cutoff: float) -> dict:
    """``{"l": [...], "species": [...], "correlation": (L+1, S) nested list}`` for one trained network,
    its graphs built with the recipe stored in ``checkpoint``."""
    module, recipe = load_predictor(checkpoint)
    network = module.model
    needed = f"{type(network).__name__} on one-hot inputs with first_layer_invariants (SE3Net) is needed"
    require(checkpoint, "model", hasattr(network, "first_layer_invariants") and not network.num_node_attr, needed)
    num_types, l_max, channels = network.num_types, network.layers[0].convolution.l_max, network.channels
    graphs = GlassDataset(snapshots, [0], recipe.positions, [], recipe.target, recipe.cutoff)
    invariants, references = [], []
    for graph in graphs:
        batch = Batch.from_data_list([graph])
        centres = (graph.node_type == CENTRE_TYPE).numpy()
        invariants.append(
            network.first_layer_invariants(batch).view(graph.num_nodes, num_types, l_max + 1, channels).numpy()[centres]
        )
        references.append(shell_references(graph, num_types, l_max, shell_cutoff)[centres])
    features, reference = np.concatenate(invariants), np.concatenate(references)
    correlation = [
        [
            float(absolute_correlations(features[:, species, l], reference[:, species, l]).max())
            for species in range(num_types)
        ]
        for l in range(l_max + 1)
    ]
    return {
        "l": list(range(l_max + 1)),
        "species": [type_name(label) for label in range(num_types)],
        "correlation": correlation,
    }
