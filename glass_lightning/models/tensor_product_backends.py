"""Backends of SE3Net's tensor product, chosen by name (``SE3Net(tensor_product=...)``).

Every backend computes the product of models/tensor_product.py (same paths, same normalization,
same per-edge weights in the same order) and the sum of the messages into each node, so one
set of weights gives the same outputs on every backend, and a checkpoint written with one loads
with any other (no backend keeps anything of its own in a checkpoint):

``native``: :class:`HarmonicTensorProduct`, our own product; the fastest on the CPU.
``e3nn``: e3nn's ``o3.TensorProduct`` with one ``uvu`` instruction per path (NequIP style).
``cuequivariance``: NVIDIA's cuEquivariance, a segmented polynomial with our 3j coefficients,
    gathering the neighbours and scattering the messages inside the kernel. Its CUDA kernel
    (``uniform_1d``) is taken when ``cuequivariance-ops-torch-cu12`` imports and a CUDA device is
    visible at construction (inputs must then be on CUDA); otherwise the library's pure-torch
    path runs (slow; it is what the CPU tests check).
``openequivariance``: OpenEquivariance's fused convolution (``TensorProductConv``), CUDA only,
    float32 only.
``auto``: native on the CPU; on CUDA devices, cuequivariance when its CUDA kernels import, else
    openequivariance when it imports, else native (each forward pass takes the one for its
    tensors' device). The GPU ranking follows the libraries' own published benchmarks: it is not
    measured on the project's CPU machines.

A backend that cannot run here (package missing, no CUDA) is replaced by native with a warning
that names the pip package: the outputs are the same, only the speed differs, and a checkpoint
trained on a GPU must still load on a laptop. The cuequivariance and openequivariance paths
are untested on GPUs (none on the project's machines).
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from typing import Literal, get_args

import torch
from e3nn import o3
from lightning.pytorch.utilities import rank_zero_info
from torch import nn

from glass_lightning.errors import GlassDataError
from glass_lightning.models.inputs import scatter_sum
from glass_lightning.models.tensor_product import (
    HarmonicPaths,
    HarmonicTensorProduct,
    channels_to_irreps_layout,
    irreps_to_channels_layout,
)

TensorProductBackend = Literal["auto", "native", "e3nn", "cuequivariance", "openequivariance"]
BACKENDS = get_args(TensorProductBackend)
PIP_PACKAGES = {"cuequivariance": "cuequivariance-torch", "openequivariance": "openequivariance"}
CUEQUIVARIANCE_KERNELS = "cuequivariance_ops_torch"  # pip install cuequivariance-ops-torch-cu12 (or -cu13)
UVU_OPTIONS = dict(shared_weights=False, internal_weights=False, irrep_normalization="none", path_normalization="none")


def _constants_only(module: nn.Module) -> nn.Module:
    """Mark every buffer of a library's module non-persistent: checkpoints then hold only what all backends share."""
    for owner in module.modules():
        for name, buffer in list(owner.named_buffers(recurse=False)):
            owner.register_buffer(name, buffer, persistent=False)
    return module


def _output_blocks(paths: HarmonicPaths) -> list[int]:
    """The block of ``irreps_out`` that each path adds into."""
    index = {ir: i for i, (_, ir) in enumerate(paths.irreps_out)}
    return [index[ir_out] for _, _, ir_out, _ in paths.paths]


def _uvu_instructions(paths: HarmonicPaths) -> list[tuple]:
    """e3nn's instructions for our paths; e3nn multiplies a path by the square root of its ``path_weight``."""
    return [
        (i_in, l2, i_out, "uvu", True, scale**2)
        for (i_in, l2, _, scale), i_out in zip(paths.paths, _output_blocks(paths))
    ]


class E3nnTensorProduct(HarmonicPaths):
    """``e3nn``: a plain ``o3.TensorProduct`` on the gathered neighbour features, then the sum into the nodes."""

    backend = "e3nn"

    def __init__(self, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps):
        super().__init__(irreps_in, l_max_sh, targets)
        irreps_sh = o3.Irreps.spherical_harmonics(l_max_sh)
        product = o3.TensorProduct(self.irreps_in, irreps_sh, self.irreps_out, _uvu_instructions(self), **UVU_OPTIONS)
        self.product = _constants_only(product)

    def forward(self, features: torch.Tensor, edges, weights: torch.Tensor) -> torch.Tensor:
        messages = self.product(features.index_select(0, edges.source), edges.harmonics, self.path_major(weights))
        return scatter_sum(messages, edges.target, edges.num_nodes)


class CuEquivarianceTensorProduct(HarmonicPaths):
    """``cuequivariance``: one segmented polynomial ``weights[uv] lhs[iu] harmonics[jv] -> out[kuv]`` with v = 1
    (the layout of cuEquivariance's channel-wise product), one output segment per output irrep, into which
    all of its paths add with coefficients scale x 3j. Features enter and leave in its [irrep][m][u] layout."""

    backend = "cuequivariance"

    def __init__(self, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps):
        super().__init__(irreps_in, l_max_sh, targets)
        import cuequivariance as cue
        import cuequivariance_torch as cuet

        descriptor = cue.SegmentedTensorProduct.from_subscripts("uv,iu,jv,kuv+ijk")
        for dim in self.dims_in:
            descriptor.add_segment(1, (dim, self.channels))
        for l2 in range(l_max_sh + 1):
            descriptor.add_segment(2, (2 * l2 + 1, 1))
        for dim in self.dims_out:
            descriptor.add_segment(3, (dim, self.channels, 1))
        for (i_in, l2, ir_out, scale), i_out in zip(self.paths, _output_blocks(self)):
            coefficients = scale * o3.wigner_3j(self.irreps_in[i_in].ir.l, l2, ir_out.l, dtype=torch.float64).numpy()
            descriptor.add_path(None, i_in, l2, i_out, c=coefficients, dims={"u": self.channels, "v": 1})
        kernels = torch.cuda.is_available() and importlib.util.find_spec(CUEQUIVARIANCE_KERNELS) is not None
        polynomial = cue.SegmentedPolynomial.eval_last_operand(descriptor)
        self.product = _constants_only(
            cuet.SegmentedPolynomial(polynomial, method="uniform_1d" if kernels else "naive")
        )

    def forward(self, features: torch.Tensor, edges, weights: torch.Tensor) -> torch.Tensor:
        per_component = irreps_to_channels_layout(features, self.dims_in).transpose(1, 2).reshape(len(features), -1)
        [summed] = self.product(
            [self.path_major(weights), per_component, edges.harmonics],
            input_indices={1: edges.source},
            output_indices={0: edges.target},
            output_shapes={0: features.new_empty(edges.num_nodes, 1)},
        )
        per_channel = summed.view(edges.num_nodes, -1, self.channels).transpose(1, 2)
        return channels_to_irreps_layout(per_channel, self.dims_out)


class OpenEquivarianceTensorProduct(HarmonicPaths):
    """``openequivariance``: its fused gather, ``uvu`` product and scatter (``TensorProductConv``, e3nn's weight
    layout for a second input of multiplicity 1); built for float32 on the current CUDA device."""

    backend = "openequivariance"

    def __init__(self, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps):
        super().__init__(irreps_in, l_max_sh, targets)
        import openequivariance as oeq

        irreps_sh = o3.Irreps.spherical_harmonics(l_max_sh)
        problem = oeq.TPProblem(self.irreps_in, irreps_sh, self.irreps_out, _uvu_instructions(self), **UVU_OPTIONS)
        self.product = _constants_only(oeq.TensorProductConv(problem, torch_op=True, deterministic=False))

    def forward(self, features: torch.Tensor, edges, weights: torch.Tensor) -> torch.Tensor:
        return self.product(features, edges.harmonics, self.path_major(weights), edges.target, edges.source)


class DeviceDispatch(HarmonicPaths):
    """``auto`` on a machine with CUDA: ``on_cuda`` for tensors on a CUDA device, ``on_cpu`` for the others (a GPU
    machine may still train on its CPU)."""

    def __init__(
        self,
        on_cpu: HarmonicPaths,
        on_cuda: HarmonicPaths,
        irreps_in: str | o3.Irreps,
        l_max_sh: int,
        targets: str | o3.Irreps,
    ):
        super().__init__(irreps_in, l_max_sh, targets)
        self.on_cpu, self.on_cuda = on_cpu, on_cuda
        self.backend = f"{on_cuda.backend} on CUDA, {on_cpu.backend} on the CPU"

    def for_device(self, device: torch.device) -> HarmonicPaths:
        return self.on_cuda if device.type == "cuda" else self.on_cpu

    def couple_harmonics(self, harmonics: torch.Tensor) -> list[torch.Tensor]:
        return self.for_device(harmonics.device).couple_harmonics(harmonics)

    def forward(self, features: torch.Tensor, edges, weights: torch.Tensor) -> torch.Tensor:
        return self.for_device(features.device)(features, edges, weights)


CONSTRUCTORS = {
    "native": HarmonicTensorProduct,
    "e3nn": E3nnTensorProduct,
    "cuequivariance": CuEquivarianceTensorProduct,
    "openequivariance": OpenEquivarianceTensorProduct,
}


def unavailable(name: str) -> str | None:
    """Why backend ``name`` cannot run on this machine, or None if it can."""
    if name not in PIP_PACKAGES:
        return None
    if name == "openequivariance" and not torch.cuda.is_available():
        return "it runs on CUDA devices only and none is visible"
    try:
        importlib.import_module("cuequivariance_torch" if name == "cuequivariance" else "openequivariance")
    except Exception as error:  # a missing package, or one whose compiled extension fails to load
        return f"it does not import ({type(error).__name__}: {error}); pip install {PIP_PACKAGES[name]}"
    return None


def fastest_on_cuda() -> str:
    """``auto``'s pick for CUDA devices (module docstring)."""
    if importlib.util.find_spec(CUEQUIVARIANCE_KERNELS) is not None and unavailable("cuequivariance") is None:
        return "cuequivariance"
    return "openequivariance" if unavailable("openequivariance") is None else "native"


def resolve(requested: str) -> str:
    """The backend that runs for an explicit ``requested`` on this machine; ``auto`` stays ``auto``."""
    if requested not in BACKENDS:
        raise GlassDataError("<model>", "tensor_product", f"expected one of {BACKENDS}, got {requested!r}")
    reason = unavailable(requested)
    if reason is None:
        return requested
    warnings.warn(
        f"tensor_product={requested!r} cannot run here: {reason}. Using the native tensor product "
        "(same outputs from the same weights).",
        stacklevel=3,
    )
    return "native"


def build_tensor_product(
    requested: str, irreps_in: str | o3.Irreps, l_max_sh: int, targets: str | o3.Irreps
) -> HarmonicPaths:
    """The tensor-product layer for ``requested`` (module docstring); its ``backend`` names what runs."""
    name = resolve(requested)
    if name != "auto":
        layer = CONSTRUCTORS[name](irreps_in, l_max_sh, targets)
    else:
        layer = HarmonicTensorProduct(irreps_in, l_max_sh, targets)
        on_cuda = fastest_on_cuda() if torch.cuda.is_available() else "native"
        if on_cuda != "native":
            layer = DeviceDispatch(
                layer, CONSTRUCTORS[on_cuda](irreps_in, l_max_sh, targets), irreps_in, l_max_sh, targets
            )
    rank_zero_info(f"SE3Net tensor product: {layer.backend} (tensor_product={requested})")
    return layer
