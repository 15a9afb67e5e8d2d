"""``glass-lightning predict --ckpt MODEL.ckpt INPUT... --output DIR``: the learned structural
order parameter on any configuration, from the checkpoint alone.

``--ckpt`` also takes the name of a network shipped with the package (``--ckpt ka3d-T0.44``,
``pretrained/registry.py``); the command then prints that network's domain of validity on stderr.

The checkpoint of ``lightning fit`` carries the graph recipe of its data (``data/graph_recipe.py``):
cutoff, kind of positions, node-input and target standardization, time grid, species count. The
inputs (files or folders, in any readable ``--format``) need no targets. Per configuration the
command writes, mirroring the inputs' paths under ``--output``:
    {name}.npz   prediction (N, T) in propensity units at the model's times, node_type, times,
                 temperature, source; target (N, T) when the file has it; with ``--features``
                 the network's invariant features (N, F), the representation itself
    {name}.extxyz the configuration with per-particle columns ``prediction`` (and ``true_propensity``,
                 ``features``, and ``inherent_positions`` when the model reads those), for OVITO or ASE
    {name}.png   with ``--plot``: a slab of the box coloured by the prediction (and the truth)
The target columns are the file's values at the model's times, matched by value wherever they sit in
the file's time grid; a file whose times do not include every one of the model's is predicted anyway,
without target columns, and a warning on stderr names the file, its times and the model's (the
prediction needs no target; a mislabelled truth would be worse than none).
Refused in one line, before anything is written: an ``--output`` that is, contains or lies inside an
input (output_guard.py), a ``--device`` this machine does not have, a checkpoint whose weights are
not all finite (the first such parameter is named); and before its files are written, a
configuration whose prediction is not finite. The temporary files that a killed run left for the
files to be written are removed first.
(``lightning predict --config ... --ckpt_path ...`` still predicts a configured data split.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from glass_lightning.data.atomic_npz import remove_stale_partials, write_npz_atomically
from glass_lightning.data.formats import FORMATS, output_paths, read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.errors import GlassDataError
from glass_lightning.output_guard import check_output_apart
from glass_lightning.pretrained.registry import PRETRAINED, pretrained_domain, resolve_checkpoint
from glass_lightning.training.module import GlassModule
from glass_lightning.training.plots import plot_prediction_slab
from glass_lightning.training.prediction_writer import prediction_arrays


def available_devices() -> list[str]:
    """The torch devices of this machine: the CPU and each CUDA device."""
    cuda = [f"cuda:{index}" for index in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
    return ["cpu", *cuda]


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


def written_files(path: Path, plot: bool) -> list[Path]:
    """The files written for one configuration whose prediction file is ``path``."""
    return [path, path.with_suffix(".extxyz"), *([path.with_suffix(".png")] if plot else [])]


def viewer_columns(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The per-particle columns of the extended XYZ output: prediction, truth and features where present."""
    names = {"prediction": "prediction", "target": "true_propensity", "features": "features"}
    return {column: arrays[key] for key, column in names.items() if key in arrays}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glass-lightning predict", description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="configuration files or folders")
    parser.add_argument(
        "--ckpt",
        required=True,
        help=f"a checkpoint of lightning fit, or the name of a pretrained network ({', '.join(sorted(PRETRAINED))})",
    )
    parser.add_argument(
        "--format", default="native", choices=sorted(FORMATS), help="the inputs' format (default native)"
    )
    parser.add_argument("--output", default="predictions", help="output folder (default ./predictions)")
    parser.add_argument("--features", action="store_true", help="also write the network's invariant features")
    parser.add_argument("--plot", action="store_true", help="also draw a slab of each box coloured by the prediction")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="torch device")
    arguments = parser.parse_args(argv)
    try:
        check_output_apart(arguments.output, arguments.inputs)
        checkpoint = resolve_checkpoint(arguments.ckpt)
        domain = pretrained_domain(arguments.ckpt)
        if domain is not None:
            print(domain, file=sys.stderr)
        module, recipe = load_predictor(checkpoint, arguments.device)
        check_finite_weights(module, checkpoint)
        snapshots = read_snapshots(arguments.inputs, arguments.format)
        paths = output_paths([snapshot.source for snapshot in snapshots], Path(arguments.output))
        remove_stale_partials(file for path in paths for file in written_files(path, arguments.plot))
        predictions = predict_arrays(module, recipe, snapshots, arguments.features)
        # the frame holds the thermal positions; a model that reads others gets them as a column too
        model_positions = [] if recipe.positions == "thermal" else [f"{recipe.positions}_positions"]
        for path, (snapshot, arrays) in tqdm(
            zip(paths, predictions), total=len(paths), desc="predicting", unit="config"
        ):
            write_npz_atomically(path, arrays)
            write_extxyz(snapshot, path.with_suffix(".extxyz"), model_positions, viewer_columns(arrays))
            if arguments.plot:
                plot_prediction_slab(
                    snapshot.positions_of(recipe.positions), snapshot.box, arrays, path.with_suffix(".png")
                )
    except GlassDataError as error:
        print(f"glass-lightning predict: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} prediction file(s) under {arguments.output}")
    return 0
