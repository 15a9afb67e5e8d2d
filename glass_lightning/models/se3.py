"""SE3Net: the SE(3)-equivariant network of Pezzicoli, Charpiat & Landes (SciPost Phys. 16, 136, 2024).

Node input: one-hot particle type (+ ``num_node_attr`` extra scalars, of which the last
``linear_node_inputs`` only join the output, linearly). Edges within ``cutoff``
carry spherical harmonics Y_l(r_hat), l <= l_max, and an enveloped radial basis, both computed
once per forward pass. ``num_layers`` interaction blocks (convolution, gate, residual, RMS
norm) act on hidden irreps ``channels x l`` for l = 0..l_max; a decoder predicts all timescales
jointly from invariant features, with one head per particle type if ``per_type_heads``.

Read-outs (``readout``):
    ``scalars``: the 0e channels of the last layer.
    ``invariants``: every invariant the network builds, as in the paper's read-out on the norms
        of the l > 0 features as well as the scalars: the first layer's per-species invariants
        (:meth:`SE3Net.first_layer_invariants`), and after every block its 0e channels and the
        norm of each l > 0 channel. They are standardized (batch statistics, running averages
        in evaluation) and mapped by an MLP to ``readout_width`` features.
    Either is then coarse-grained over the neighbourhood in ``coarse_graining`` learned passes
    (models/coarse_graining.py) before the decoder. On real Kob-Andersen data at 1.5 tau_alpha
    the invariants and two passes are what let the network learn (docs/training-on-real-data.md).

Hidden irreps (``parity``):
    ``natural`` (default): l with parity (-1)^l, i.e. 0e + 1o + 2e + 3o: the irreps that the
        edge harmonics themselves carry. Outputs are invariant under all of O(3) (rotations
        and reflections), as the propensity of an isotropic liquid is.
    ``both``: both parities for every l (0e, 0o, 1o, 1e, ...), twice the features; pseudo-scalars
        and pseudo-vectors can then carry chirality information, which the decoder (on 0e only)
        still reads in an O(3)-invariant way.
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
from e3nn import o3
from torch import nn
from torch_geometric.data import Data

from glass_lightning.errors import GlassDataError
from glass_lightning.models.coarse_graining import CoarseGraining
from glass_lightning.models.convolution import EdgeGeometry, EquivariantConvolution, ScalarInputConvolution
from glass_lightning.models.gate import gated_nonlinearity
from glass_lightning.models.hyperparameters import require_positive
from glass_lightning.models.inputs import model_edges, node_scalars
from glass_lightning.models.interaction import InteractionBlock, Normalization
from glass_lightning.models.linear_node_inputs import LinearNodeInputs
from glass_lightning.models.power_spectrum import PowerSpectrum
from glass_lightning.models.radial import RadialBasis, RadialBasisName
from glass_lightning.models.readout import TypeReadout
from glass_lightning.models.tensor_product import block_dims, irreps_to_channels_layout
from glass_lightning.models.tensor_product_backends import TensorProductBackend, build_tensor_product

Parity = Literal["natural", "both"]
Readout = Literal["scalars", "invariants"]
PARITIES, READOUTS = get_args(Parity), get_args(Readout)
NORM_EPS = 1e-8  # keeps the gradient of a channel's norm finite where the channel vanishes


def block_invariants(features: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """(N, channels * len(dims)) for hidden features of blocks of 2l + 1 = ``dims``: each scalar channel as it is,
    the norm of every l > 0 channel."""
    blocks = torch.split(irreps_to_channels_layout(features, dims), dims, dim=2)
    norms = [block[..., 0] if block.shape[2] == 1 else block.pow(2).sum(-1).add(NORM_EPS).sqrt() for block in blocks]
    return torch.cat(norms, dim=1)


def hidden_irreps(l_max: int, channels: int, parity: str) -> o3.Irreps:
    """``channels`` copies of every irrep up to ``l_max`` (see the module docstring), scalars first."""
    if parity not in PARITIES:
        raise GlassDataError("<model>", "parity", f"expected one of {PARITIES}, got {parity!r}")
    irreps = []
    for l in range(l_max + 1):
        natural = (-1) ** l
        irreps.append((channels, (l, natural)))
        if parity == "both":
            irreps.append((channels, (l, -natural)))
    return o3.Irreps(irreps)


class SE3Net(nn.Module):
    """Equivariant propensity model; ``forward(data) -> (N, num_outputs)``.

    Args:
        num_outputs: the timescales predicted (linked from the data by the CLI).
        cutoff: the radius of the edges (linked from the data by the CLI).
        num_types: the particle species (linked from the data by the CLI).
        num_node_attr: extra scalars per particle (linked from the data by the CLI).
        l_max: highest degree of the edge harmonics and hidden irreps.
        channels: multiplicity of every hidden irrep (and width of the radial channels).
        num_layers: interaction blocks, the first one on the node scalars.
        n_basis: size of the radial basis.
        radial: the radial basis, "bessel" or "gaussian" (models/radial.py).
        radial_hidden: hidden width of each layer's radial MLP (edge length -> TP weights).
        per_type_heads: one decoder head per particle type.
        decoder_hidden: hidden width of the decoder on the 0e channels (0 = linear decoder).
        normalization: "rms" (per-irrep RMS norm after every block, models/norm.py) or "none".
        parity: "natural" (l with parity (-1)^l) or "both" (both parities for every l; see the module docstring).
        readout: "scalars" (the last layer's 0e channels) or "invariants" (every invariant the network
            builds, see the module docstring).
        readout_width: the width of the invariants' MLP.
        power_spectrum: with the invariants read-out, the number of learned mixtures of the first
            layer's (species, channel) sums whose products per degree are read out too
            (models/power_spectrum.py); 0: the norms alone.
        coarse_graining: learned coarse-graining passes over the neighbours within ``cutoff``.
        linear_node_inputs: how many of the node inputs, the last ones, reach the prediction only through
            a linear term per particle type and output, added to the decoder's (zero at the start), instead
            of entering the network. For an input whose effect is additive and that a network over-fits:
            the recipe's |r - r_IS| (docs/training-on-real-data.md, "Beyond 0.75").
        tensor_product: the backend of the tensor product, one of "auto", "native", "e3nn",
            "cuequivariance", "openequivariance" (models/tensor_product_backends.py): the same
            function of the same weights on every backend; ``tensor_product_backend`` says which
            one runs on the network's device.
    """

    def __init__(
        self,
        num_outputs: int,
        cutoff: float,
        num_types: int = 2,
        num_node_attr: int = 0,
        l_max: int = 2,
        channels: int = 16,
        num_layers: int = 4,
        n_basis: int = 8,
        radial: RadialBasisName = "bessel",
        radial_hidden: int = 32,
        per_type_heads: bool = True,
        decoder_hidden: int = 64,
        normalization: Normalization = "rms",
        parity: Parity = "natural",
        readout: Readout = "scalars",
        readout_width: int = 64,
        power_spectrum: int = 0,
        coarse_graining: int = 0,
        linear_node_inputs: int = 0,
        tensor_product: TensorProductBackend = "auto",
    ):
        super().__init__()
        require_positive(
            num_outputs=num_outputs, cutoff=cutoff, num_types=num_types, channels=channels, num_layers=num_layers
        )
        if l_max < 0:
            raise GlassDataError("<model>", "l_max", f"expected a non-negative integer, got {l_max}")
        if readout not in READOUTS:
            raise GlassDataError("<model>", "readout", f"expected one of {READOUTS}, got {readout!r}")
        if power_spectrum < 0 or (power_spectrum and readout != "invariants"):
            raise GlassDataError(
                "<model>",
                "power_spectrum",
                f"expected 0, or a positive number with readout 'invariants', got {power_spectrum}",
            )
        if not 0 <= linear_node_inputs <= num_node_attr:
            raise GlassDataError(
                "<model>",
                "linear_node_inputs",
                f"expected between 0 and the {num_node_attr} node inputs of the data, got {linear_node_inputs}",
            )
        self.cutoff, self.num_types, self.num_node_attr, self.channels = (
            float(cutoff),
            num_types,
            num_node_attr,
            channels,
        )
        self.irreps_hidden = hidden_irreps(l_max, channels, parity)
        self.dims_hidden = block_dims(self.irreps_hidden)
        self.irreps_sh = o3.Irreps.spherical_harmonics(l_max)
        self.harmonics = o3.SphericalHarmonics(self.irreps_sh, normalize=True, normalization="component")
        self.radial_basis = RadialBasis(radial, n_basis, cutoff)
        self.num_network_scalars = num_types + num_node_attr - linear_node_inputs
        gate_inputs = gated_nonlinearity(self.irreps_hidden).irreps_in
        self.tensor_product = build_tensor_product(tensor_product, self.irreps_hidden, l_max, gate_inputs)
        first = InteractionBlock(
            lambda irreps_out: ScalarInputConvolution(
                self.num_network_scalars, num_types, channels, l_max, irreps_out, n_basis, radial_hidden
            ),
            self.irreps_hidden,
            residual=False,
            normalization=normalization,
        )
        later = [
            InteractionBlock(
                lambda irreps_out: EquivariantConvolution(self.tensor_product, irreps_out, n_basis, radial_hidden),
                self.irreps_hidden,
                residual=True,
                normalization=normalization,
            )
            for _ in range(num_layers - 1)
        ]
        self.layers = nn.ModuleList([first, *later])
        self.readout = readout
        self.power_spectrum = PowerSpectrum(num_types, channels, l_max, power_spectrum) if power_spectrum else None
        if readout == "invariants":
            num_invariants = num_types * (l_max + 1) * channels + num_layers * self.irreps_hidden.num_irreps
            num_invariants += self.power_spectrum.num_features if self.power_spectrum else 0
            self.invariant_standardization = nn.BatchNorm1d(num_invariants, affine=False)
            self.invariant_encoder = nn.Sequential(
                nn.Linear(num_invariants, readout_width), nn.SiLU(), nn.Linear(readout_width, readout_width)
            )
        self.num_invariant_features = readout_width if readout == "invariants" else channels
        self.coarse_graining = CoarseGraining(self.num_invariant_features, coarse_graining, cutoff)
        self.decoder = TypeReadout(self.num_invariant_features, decoder_hidden, num_outputs, num_types, per_type_heads)
        self.linear_inputs = None
        if linear_node_inputs:
            self.linear_inputs = LinearNodeInputs(linear_node_inputs, num_types, num_node_attr, num_outputs)

    @property
    def tensor_product_backend(self) -> str:
        """The tensor-product backend that runs on the device of the network's parameters."""
        return self.tensor_product.for_device(next(self.parameters()).device).backend

    def edge_geometry(self, data: Data, first_layer_only: bool = False) -> EdgeGeometry:
        """Harmonics, their 3j coupling (for layers 2..) and radial basis of the edges within the cutoff."""
        edge_index, edge_vec, distance = model_edges(data, self.cutoff)
        harmonics = self.harmonics(edge_vec)
        coupled = [] if first_layer_only else self.tensor_product.couple_harmonics(harmonics)
        return EdgeGeometry(
            edge_index[0], edge_index[1], harmonics, coupled, self.radial_basis(distance), data.num_nodes
        )

    def invariant_features(self, data: Data) -> torch.Tensor:
        """(N, num_invariant_features) rotation-invariant features, what the decoder reads: the
        learned structural representation (transfer learning reuses it, models/frozen.py)."""
        edges = self.edge_geometry(data, first_layer_only=len(self.layers) == 1)
        features, invariants = self._first_layer(data, edges)
        for layer in self.layers[1:]:
            features = layer(features, edges)
            if self.readout == "invariants":
                invariants.append(block_invariants(features, self.dims_hidden))
        if self.readout == "invariants":
            features = self.invariant_encoder(self.invariant_standardization(torch.cat(invariants, dim=1)))
        else:
            features = features[:, : self.channels]
        return self.coarse_graining(features, data)

    @torch.compiler.disable  # data-dependent layout, already batched products: eager between compiled graphs
    def _first_layer(self, data: Data, edges: EdgeGeometry) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The first block's output and, with the invariants read-out, its per-species and block invariants,
        from one computation of its scalar sums."""
        scalars = node_scalars(data, self.num_types, self.num_node_attr)[:, : self.num_network_scalars]
        first = self.layers[0]
        sums = first.convolution.scalar_sums(scalars, edges)
        features = first.after_convolution(scalars, first.convolution.from_sums(scalars, sums))
        if self.readout != "invariants":
            return features, []
        invariants = [self._species_invariants(sums), block_invariants(features, self.dims_hidden)]
        if self.power_spectrum is not None:
            invariants.append(self.power_spectrum(sums))
        return features, invariants

    def forward(self, data: Data) -> torch.Tensor:
        """(N, num_outputs) predictions for every particle of the graph (or batch of graphs)."""
        prediction = self.decoder(self.invariant_features(data), data.node_type)
        return prediction if self.linear_inputs is None else prediction + self.linear_inputs(data)

    def first_layer_invariants(self, data: Data) -> torch.Tensor:
        """(N, num_types * (l_max+1) * channels) rotation invariants of the first layer.

        For centre i, neighbour species s, degree l and radial channel u (the first layer's
        learned radial functions R_ul, enveloped at the cutoff):
            A_{s,u,lm}(i) = sum_{j of type s} R_ul(r_ij) Y_lm(r_ij_hat)
            invariant[i, s, l, u] = sqrt(sum_m A_{s,u,lm}(i)^2 / (2l+1))
        with Y in e3nn's ``component`` normalization (sum_m Y_lm^2 = 2l+1 for a unit vector).
        On one-hot inputs the first layer's l-channel u is sum_s W_us A_{s,u,l}: these are the
        invariants of its per-species building blocks. Relation to Steinhardt's q_l
        (models/bond_order.py): with R_ul = 1/n_i it would be q_l(i) itself (single species);
        when all n_i neighbours sit at one distance r0 it is |R_ul(r0)| n_i q_l(i) (tested on a
        simple cubic crystal). In general R_ul weighs the neighbours by distance.
        Order of the flattened features: species-major, then l, then channel.
        """
        one_hot = node_scalars(data, self.num_types, 0)
        convolution = self.layers[0].convolution
        return self._species_invariants(convolution.scalar_sums(one_hot, self.edge_geometry(data, True)))

    def _species_invariants(self, sums: list[torch.Tensor]) -> torch.Tensor:
        """(N, num_types * (l_max+1) * channels) from the first layer's scalar sums (see first_layer_invariants)."""
        blocks = [block[:, :, : self.num_types].norm(dim=-1) / (2 * l + 1) ** 0.5 for l, block in enumerate(sums)]
        return torch.stack(blocks, dim=1).permute(0, 3, 1, 2).flatten(1)  # (N, species, l, channels)
