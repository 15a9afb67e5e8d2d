"""``glass-lightning predict --ckpt MODEL.ckpt INPUT... --output DIR``: the learned structural
order parameter on any configuration, from the checkpoint alone (predict.py does the work).

``--ckpt`` also takes the name of a network shipped with the package (``--ckpt ka3d-T0.44``,
``pretrained/registry.py``); the command then prints that network's domain of validity on stderr.
``--ckpt A.ckpt --ckpt B.ckpt ...``, fits of one config (e.g. other seeds): their mean prediction, an ensemble
(refused if their graph recipes differ; ``--features`` takes one network).

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
Where files hold the truth, a table on stdout gives per file, and overall per temperature, the Pearson
correlation per type and time next to the replica-noise ceiling where the file tells
(``prediction_report.py``); ``--json`` prints the same as one JSON document instead (and the line on
what was written goes to stderr); files without the truth are counted once.
``--format`` is told by the inputs' names when not given (``data/formats``' ``inferred_format``:
``.extxyz``/``.xyz``, ``.lammpstrj``/``.dump``, ``.gsd``; ``.npz`` is native). A model that reads
inherent structures refuses a file without them, saying how to quench it; ``--quench`` quenches such
files first (``simulate/quench.py``, about ten seconds for N = 4096; the inherent positions are kept
only as a column of the ``.extxyz`` written, ``glass-lightning quench`` keeps them as native files).
Refused in one line, before anything is written: an ``--output`` that is, contains or lies inside an
input (output_guard.py), a ``--device`` this machine does not have, a checkpoint whose weights are
not all finite (the first such parameter is named); and before its files are written, a
configuration whose prediction is not finite. The temporary files that a killed run left for the
files to be written are removed first.
(``lightning predict --config ... --ckpt_path ...`` still predicts a configured data split.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from glass_lightning.command_parser import command_parser
from glass_lightning.data.atomic_npz import remove_stale_partials, write_npz_atomically
from glass_lightning.data.formats import FORMATS, inferred_format, output_paths, read_snapshots
from glass_lightning.data.formats.extxyz import write_extxyz
from glass_lightning.errors import GlassDataError
from glass_lightning.output_guard import check_output_apart
from glass_lightning.pretrained.registry import PRETRAINED, pretrained_domain, resolve_checkpoint
from glass_lightning.progress import add_progress_flag, hidden_progress, progress_bar


def written_files(path: Path, plot: bool) -> list[Path]:
    """The files written for one configuration whose prediction file is ``path``."""
    return [path, path.with_suffix(".extxyz"), *([path.with_suffix(".png")] if plot else [])]


def viewer_columns(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The per-particle columns of the extended XYZ output: prediction, truth and features where present."""
    names = {"prediction": "prediction", "target": "true_propensity", "features": "features"}
    return {column: arrays[key] for key, column in names.items() if key in arrays}


def parser() -> argparse.ArgumentParser:
    result = command_parser(
        "predict",
        "It needs no targets; where files hold them, a table gives the Pearson correlation per type and time.",
    )
    result.add_argument("inputs", nargs="+", help="configuration files or folders")
    result.add_argument(
        "--ckpt",
        required=True,
        action="append",
        help=f"a checkpoint of lightning fit, or the name of a pretrained network ({', '.join(sorted(PRETRAINED))}); "
        "given again (--ckpt A --ckpt B ...) for fits of one config: their mean prediction, an ensemble",
    )
    result.add_argument(
        "--format",
        choices=sorted(FORMATS),
        help="the inputs' format (default: told by their names, .extxyz/.xyz, .lammpstrj/.dump, .gsd; else native)",
    )
    result.add_argument("--output", default="predictions", help="output folder (default ./predictions)")
    result.add_argument("--features", action="store_true", help="also write the network's invariant features")
    result.add_argument("--plot", action="store_true", help="also draw a slab of each box coloured by the prediction")
    result.add_argument("--device", help="torch device (default: cuda where this machine has a GPU, else cpu)")
    result.add_argument(
        "--quench", action="store_true", help="quench the files without the inherent structures the model reads"
    )
    result.add_argument("--json", action="store_true", help="print the report as one JSON document on stdout")
    add_progress_flag(result)
    return result


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    # torch, Lightning and the network's libraries, once the command runs
    from glass_lightning.training.model_positions import with_model_positions
    from glass_lightning.training.plots import plot_prediction_slab
    from glass_lightning.training.predict import (
        check_finite_weights,
        check_one_recipe,
        default_device,
        ensemble_arrays,
        load_predictor,
        predict_arrays,
    )
    from glass_lightning.training.prediction import Prediction
    from glass_lightning.training.prediction_report import report_document, report_table

    check_output_apart(arguments.output, arguments.inputs)
    if arguments.features and len(arguments.ckpt) > 1:
        raise GlassDataError(
            "--features", "ckpt", "the features are one network's: give one checkpoint with --features"
        )
    checkpoints = [resolve_checkpoint(name) for name in arguments.ckpt]
    for domain in dict.fromkeys(pretrained_domain(name) for name in arguments.ckpt):
        if domain is not None:
            print(domain, file=sys.stderr)
    members = [load_predictor(checkpoint, arguments.device or default_device()) for checkpoint in checkpoints]
    for (module, _), checkpoint in zip(members, checkpoints):
        check_finite_weights(module, checkpoint)
    recipe = members[0][1]
    check_one_recipe([member_recipe for _, member_recipe in members], [str(path) for path in checkpoints])
    file_format = arguments.format or inferred_format(arguments.inputs)
    with hidden_progress(arguments.no_progress):
        snapshots = read_snapshots(arguments.inputs, file_format)
        snapshots = with_model_positions(snapshots, recipe.positions, arguments.quench, file_format)
        paths = output_paths([snapshot.source for snapshot in snapshots], Path(arguments.output))
        remove_stale_partials(file for path in paths for file in written_files(path, arguments.plot))
        modules = [module for module, _ in members]
        predictions = (
            predict_arrays(modules[0], recipe, snapshots, arguments.features)
            if len(modules) == 1
            else ensemble_arrays(modules, recipe, snapshots)
        )
        # the frame holds the thermal positions; a model that reads others gets them as a column too
        model_positions = [] if recipe.positions == "thermal" else [f"{recipe.positions}_positions"]
        results = []
        for path, (snapshot, arrays) in progress_bar(
            zip(paths, predictions), total=len(paths), desc="predicting", unit="config"
        ):
            results.append(Prediction.of(snapshot, arrays, recipe))
            write_npz_atomically(path, arrays)
            write_extxyz(snapshot, path.with_suffix(".extxyz"), model_positions, viewer_columns(arrays))
            if arguments.plot:
                plot_prediction_slab(
                    snapshot.positions_of(recipe.positions), snapshot.box, arrays, path.with_suffix(".png")
                )
    written = f"wrote {len(paths)} prediction file(s) under {arguments.output}"
    if arguments.json:
        print(written, file=sys.stderr)
        checkpoint = arguments.ckpt[0] if len(arguments.ckpt) == 1 else arguments.ckpt
        document = {"checkpoint": checkpoint, **report_document(results), "output": arguments.output}
        print(json.dumps(document, indent=2))
    else:
        print(report_table(results))
        print(written)
    return 0
