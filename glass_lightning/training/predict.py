"""``glass-lightning predict --ckpt MODEL.ckpt INPUT... --output DIR``: the learned structural
order parameter on any configuration, from the checkpoint alone.

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
(``lightning predict --config ... --ckpt_path ...`` still predicts a configured data split.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from glass_lightning.data.atomic_npz import write_npz_atomically
from glass_lightning.data.formats import FORMATS, output_paths, read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.data.graph_recipe import GraphRecipe
from glass_lightning.errors import GlassDataError
from glass_lightning.training.module import GlassModule
from glass_lightning.training.plots import plot_prediction_slab
from glass_lightning.training.prediction_writer import prediction_arrays


def load_predictor(checkpoint: str | Path, device: str = "cpu") -> tuple[GlassModule, GraphRecipe]:
    """The trained module (eval mode, on ``device``) and the graph recipe stored with it."""
    if not Path(checkpoint).is_file():
        raise GlassDataError(str(checkpoint), "checkpoint", "the checkpoint does not exist")
    # compile=False: a network trained under torch.compile is not compiled again (minutes on a CPU) to predict
    module = GlassModule.load_from_checkpoint(checkpoint, map_location=device, compile=False)
    recipe = GraphRecipe.from_dict(module.saved_graph_recipe, str(checkpoint))
    return module.eval(), recipe


@torch.no_grad()
def predict_arrays(module: GlassModule, recipe: GraphRecipe, snapshots: list, features: bool = False):
    """Yield (snapshot, arrays of its prediction file) for each snapshot, in order."""
    if features and not hasattr(module.model, "invariant_features"):
        raise GlassDataError("--features", "model", f"{type(module.model).__name__} exposes no invariant_features")
    graphs = recipe.dataset(snapshots)
    for snapshot, graph in zip(snapshots, graphs):
        graph = graph.to(module.device)
        graph.batch = torch.zeros(graph.num_nodes, dtype=torch.int64, device=module.device)
        arrays = prediction_arrays(
            module(graph),
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


def viewer_columns(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The per-particle columns of the extended XYZ output: prediction, truth and features where present."""
    names = {"prediction": "prediction", "target": "true_propensity", "features": "features"}
    return {column: arrays[key] for key, column in names.items() if key in arrays}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glass-lightning predict", description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="configuration files or folders")
    parser.add_argument("--ckpt", required=True, help="a checkpoint of lightning fit")
    parser.add_argument(
        "--format", default="native", choices=sorted(FORMATS), help="the inputs' format (default native)"
    )
    parser.add_argument("--output", default="predictions", help="output folder (default ./predictions)")
    parser.add_argument("--features", action="store_true", help="also write the network's invariant features")
    parser.add_argument("--plot", action="store_true", help="also draw a slab of each box coloured by the prediction")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="torch device")
    arguments = parser.parse_args(argv)
    try:
        module, recipe = load_predictor(arguments.ckpt, arguments.device)
        snapshots = read_snapshots(arguments.inputs, arguments.format)
        paths = output_paths([snapshot.source for snapshot in snapshots], Path(arguments.output))
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
