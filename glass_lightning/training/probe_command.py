"""``glass-lightning probe``: is it the representation or the training? A linear (ridge) probe on a
network's frozen invariant features.

For a network (untrained, or the weights of ``--ckpt``) and a dataset, both given as to
``lightning fit`` (config files plus dotted overrides), a ridge regression per particle type is
fitted on the training split to the per-configuration standardized target, from
    first layer   SE3Net.first_layer_invariants (the per-species building blocks)
    last layer    invariant_features (what the decoder reads)
each alone and with one coarse-graining pass of itself appended (models/coarse_graining.py), and
scored on the validation split (Pearson per configuration, then averaged, per type and timescale).
Where the files give each particle's potential energy, its own correlation with the target is
printed too (no learning: the baseline every structural model must beat).
If a probe on the network's own features beats the trained network, training loses what the
representation holds; if not, the representation is what limits it.
"""

from __future__ import annotations

import argparse
import json

from glass_lightning.command_parser import command_parser
from glass_lightning.errors import GlassDataError
from glass_lightning.pretrained.registry import resolve_checkpoint


def parser() -> argparse.ArgumentParser:
    result = command_parser("probe", "Other arguments are as for 'lightning fit' (e.g. --config configs/default.yaml).")
    result.add_argument(
        "--ckpt",
        help="GlassModule checkpoint (or pretrained network's name) whose weights to probe "
        "(default: the untrained network, seeded)",
    )
    result.add_argument(
        "--penalty", type=float, default=1e-3, help="ridge penalty per particle on standardized features (default 1e-3)"
    )
    result.add_argument("--json", action="store_true", help="print a JSON object for scripts")
    return result


def main(argv: list[str] | None = None) -> int:
    arguments, fit_arguments = parser().parse_known_args(argv)
    # torch and Lightning, once the command runs
    from glass_lightning.checkpoint_file import read_checkpoint
    from glass_lightning.training.cli import lightning_cli
    from glass_lightning.training.probe import energy_baseline, probe, render

    checkpoint = resolve_checkpoint(arguments.ckpt) if arguments.ckpt else None  # a bad name fails before the data
    cli = lightning_cli([*fit_arguments, "--trainer.logger", "false"], run=False)
    if checkpoint is not None:
        weights = read_checkpoint(checkpoint).get("state_dict", {})
        try:
            cli.model.load_state_dict(weights)
        except RuntimeError as error:
            raise GlassDataError(
                arguments.ckpt, "state_dict", f"the weights do not fit the configured network: {error}"
            ) from None
    datamodule = cli.datamodule
    datamodule.setup("fit")
    graphs = {split: datamodule.dataset(split).graphs for split in ("train", "val")}
    if not graphs["val"]:
        raise GlassDataError("<split>", "val_files", "the probe scores on the validation split, which is empty")
    results = probe(cli.model.model, graphs["train"], graphs["val"], datamodule.num_types, arguments.penalty)
    for field, name in (
        ("potential_energy", "potential energy alone"),
        ("inherent_potential_energy", "inherent energy alone"),
    ):
        energy = energy_baseline(datamodule.split_snapshots("val"), graphs["val"], datamodule.num_types, field)
        if energy is not None:
            results[name] = energy
    print(
        json.dumps({name: scores.tolist() for name, scores in results.items()}, indent=2)
        if arguments.json
        else render(results)
    )
    return 0
