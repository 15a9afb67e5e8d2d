"""What ``glass-lightning predict`` (predict_command.py) runs, and the Python API's Predictor too: a checkpoint
loaded with its graph recipe, refused if its weights are not finite, and predictions that are checked as they
are made."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.errors import GlassDataError
from glass_lightning.training.module import GlassModule
from glass_lightning.training.prediction_writer import prediction_arrays


def available_devices() -> list[str]:
    """The torch devices of this machine: the CPU and each CUDA device."""
    cuda = [f"cuda:{index}" for index in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
    return ["cpu", *cuda]


def default_device() -> str:
    """``cuda`` where this machine has a GPU, else ``cpu``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def torch_device(name: str) -> torch.device:
    """The device ``name``, refused in one line when torch does not know it or this machine lacks it."""
    try:
        device = torch.device(name)
        torch.empty(0, device=device)
    except (RuntimeError, AssertionError, NotImplementedError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        problem = f"expected a device of this machine ({', '.join(available_devices())}), got {name!r} ({reason})"
        raise GlassDataError("<arguments>", "device", problem) from None
    return device


def check_finite(values: torch.Tensor, source: str | Path, field: str, meaning: str) -> None:
    """Refuse ``values`` that hold NaN or infinities, saying how many and what that means."""
    bad = int((~torch.isfinite(values)).sum())
    if bad:
        raise GlassDataError(source, field, f"{bad} of its {values.numel()} values are NaN or infinite: {meaning}")


def check_finite_weights(module: torch.nn.Module, checkpoint: str | Path) -> None:
    """Refuse a module whose parameters or floating-point buffers are not all finite (the first is named)."""
    for name, values in [*module.named_parameters(), *module.named_buffers()]:
        if values.is_floating_point():
            check_finite(
                values.detach(), checkpoint, name, "the checkpoint's weights are broken (a diverged training?)"
            )


def load_predictor(checkpoint: str | Path, device: str = "cpu") -> tuple[GlassModule, GraphRecipe]:
    """The trained module (eval mode, on ``device``) and the graph recipe stored with it."""
    # compile=False: a network trained under torch.compile is not compiled again (minutes on a CPU) to predict
    module = GlassModule.load_from_checkpoint(checkpoint, map_location=torch_device(device), compile=False)
    recipe = GraphRecipe.from_dict(module.saved_graph_recipe, str(checkpoint))
    return module.eval(), recipe


def predict_arrays(module: GlassModule, recipe: GraphRecipe, snapshots: list, features: bool = False):
    """(snapshot, arrays of its prediction file) for each snapshot, in order, predicted as they are
    iterated; a prediction that is not finite is refused (a GlassDataError naming the snapshot's
    file) before it is yielded. The graphs are built at once, so that their warnings come first."""
    if features and not hasattr(module.model, "invariant_features"):
        raise GlassDataError("--features", "model", f"{type(module.model).__name__} exposes no invariant_features")
    return _predictions(module, recipe, snapshots, recipe.dataset(snapshots), features)


@torch.no_grad()
def _predictions(module: GlassModule, recipe: GraphRecipe, snapshots: list, graphs, features: bool):
    for snapshot, graph in zip(snapshots, graphs):
        graph = graph.to(module.device)
        graph.batch = torch.zeros(graph.num_nodes, dtype=torch.int64, device=module.device)
        prediction = module(graph)
        check_finite(prediction, snapshot.source, "prediction", "the model cannot predict this configuration")
        arrays = prediction_arrays(
            prediction,
            graph.node_type,
            graph.y_mean[0],
            graph.y_std[0],
            snapshot.temperature,
            snapshot.source,
            getattr(graph, "y", None),
            recipe.times_at(snapshot.temperature),
        )
        if features:
            arrays["features"] = module.model.invariant_features(graph).cpu().float().numpy()
        yield snapshot, arrays


def check_one_recipe(recipes: list[GraphRecipe], checkpoints: list[str]) -> None:
    """An ensemble averages networks of one graph recipe (fits of one config): refuse checkpoints whose recipes
    differ, naming the first field that does."""
    first = recipes[0].as_dict()
    for recipe, checkpoint in zip(recipes[1:], checkpoints[1:]):
        differing = [name for name, value in recipe.as_dict().items() if value != first[name]]
        if differing:
            raise GlassDataError(
                checkpoint,
                differing[0],
                f"its graph recipe differs from that of {checkpoints[0]}: an ensemble averages fits of one recipe",
            )


def ensemble_arrays(modules: list[GlassModule], recipe: GraphRecipe, snapshots: list):
    """(snapshot, arrays) per snapshot as :func:`predict_arrays` gives them, with the mean prediction of several
    networks of ``recipe`` (an ensemble; the other arrays are the first network's). The graphs are built once."""
    graphs = recipe.dataset(snapshots)
    streams = [_predictions(module, recipe, snapshots, graphs, False) for module in modules]
    for members in zip(*streams):
        snapshot, arrays = members[0]
        yield snapshot, {**arrays, "prediction": np.mean([member["prediction"] for _, member in members], axis=0)}
