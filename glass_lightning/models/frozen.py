"""FrozenBackbone: a trained network's layers, frozen, under a new decoder (transfer learning).

Pezzicoli et al. read the invariant features of a network trained at one temperature as a
learned structural order parameter: if it is one, a decoder retrained on those frozen features
at another temperature predicts the propensity there almost as well as a network trained there.
The control is the same architecture with random, untrained weights (``random_weights``): what
a decoder gets from the architecture alone.

The backbone comes from a GlassModule checkpoint written by LightningCLI (its hyperparameters
hold the network's ``class_path`` / ``init_args``); it must expose ``invariant_features(data)``
and ``num_invariant_features`` (their width; SE3Net has both) and keeps its own cutoff, which the data's must not be below.
Node inputs that joined the backbone's prediction only linearly (SE3Net's ``linear_node_inputs``, the recipe's
|r - r_IS|) are not in its invariant features: the new decoder gets a fresh linear term on them, trained with it.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from torch_geometric.data import Data

from glass_lightning.checkpoint_file import read_checkpoint
from glass_lightning.class_paths import instantiate
from glass_lightning.errors import GlassDataError
from glass_lightning.models.linear_node_inputs import LinearNodeInputs
from glass_lightning.models.readout import TypeReadout
from glass_lightning.pretrained.registry import resolve_checkpoint

NETWORK_PREFIX = "model."  # GlassModule keeps its network as the attribute ``model``


def network_from_checkpoint(checkpoint: str | Path, trained: bool = True) -> nn.Module:
    """The network of a GlassModule checkpoint (a path or a pretrained network's name), with its trained
    weights (or freshly initialized)."""
    source = str(checkpoint)
    saved = read_checkpoint(resolve_checkpoint(checkpoint))
    config = saved.get("hyper_parameters", {}).get("model")
    if not isinstance(config, dict) or "class_path" not in config:
        raise GlassDataError(
            source,
            "hyper_parameters.model",
            "expected the network's class_path and init_args (a checkpoint of lightning fit)",
        )
    network = instantiate(config, nn.Module, source, "hyper_parameters.model.class_path")
    if trained:
        weights = {
            key[len(NETWORK_PREFIX) :]: value
            for key, value in saved.get("state_dict", {}).items()
            if key.startswith(NETWORK_PREFIX)
        }
        try:
            network.load_state_dict(weights)
        except RuntimeError as error:
            raise GlassDataError(
                source, "state_dict", f"the weights do not fit {config['class_path']}: {error}"
            ) from None
    return network


class FrozenBackbone(nn.Module):
    """A new decoder on the frozen invariant features of a network; ``forward(data) -> (N, num_outputs)``.

    The network is the one in ``checkpoint`` (trained weights, or random ones with ``random_weights``).

    Args:
        num_outputs: the timescales predicted (linked from the data by the CLI).
        cutoff: the radius of the edges (linked from the data by the CLI).
        num_types: the particle species (linked from the data by the CLI).
        num_node_attr: extra scalars per particle (linked from the data by the CLI).
        checkpoint: a GlassModule checkpoint whose network has ``invariant_features``, or the name of a
            pretrained network (``ka3d-T0.44``: transfer from the shipped order parameter).
        random_weights: keep the architecture, draw fresh weights (the control).
        decoder_hidden: hidden width of the new decoder (0 = linear decoder).
        per_type_heads: one head of the new decoder per particle type.
    """

    def __init__(
        self,
        num_outputs: int,
        cutoff: float,
        checkpoint: str,
        num_types: int = 2,
        num_node_attr: int = 0,
        random_weights: bool = False,
        decoder_hidden: int = 64,
        per_type_heads: bool = True,
    ):
        super().__init__()
        backbone = network_from_checkpoint(checkpoint, trained=not random_weights)
        if not hasattr(backbone, "invariant_features"):
            raise GlassDataError(
                checkpoint, "model.class_path", f"{type(backbone).__name__} has no invariant_features to transfer"
            )
        for name, wanted in (("num_types", num_types), ("num_node_attr", num_node_attr)):
            if getattr(backbone, name) != wanted:
                raise GlassDataError(
                    checkpoint, name, f"the backbone was trained with {getattr(backbone, name)}, the data has {wanted}"
                )
        if cutoff < backbone.cutoff:
            raise GlassDataError(
                checkpoint,
                "cutoff",
                f"the backbone needs edges up to {backbone.cutoff:g}, the data's graphs stop at {cutoff:g}",
            )
        self.cutoff, self.num_types, self.num_node_attr = float(cutoff), num_types, num_node_attr
        self.backbone = backbone.requires_grad_(False).eval()
        self.decoder = TypeReadout(
            backbone.num_invariant_features, decoder_hidden, num_outputs, num_types, per_type_heads
        )
        linear = getattr(backbone, "linear_inputs", None)
        self.linear_inputs = (
            None if linear is None else LinearNodeInputs(linear.in_features, num_types, num_node_attr, num_outputs)
        )

    def train(self, mode: bool = True) -> "FrozenBackbone":
        """Only the decoder ever trains; the backbone stays in evaluation mode."""
        super().train(mode)
        self.backbone.eval()
        return self

    def forward(self, data: Data) -> torch.Tensor:
        with torch.no_grad():
            features = self.backbone.invariant_features(data)
        prediction = self.decoder(features, data.node_type)
        return prediction if self.linear_inputs is None else prediction + self.linear_inputs(data)
