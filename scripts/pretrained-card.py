"""The figures of a pretrained network's card (glass_lightning/pretrained/ka3d-T0.44.md, "Measured"): the type-A
Pearson of its prediction with the propensity, per configuration then averaged, in its domain (validation files 9
and 10 of data/botan-T0.44), fed thermal positions in place of the inherent ones, and on ka3d-mini's inherent
structures at other temperatures against the propensity at their tau_alpha.

    python scripts/pretrained-card.py [CHECKPOINT]     # default: the shipped ka3d-T0.44
"""

import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from glass_lightning import Predictor
from glass_lightning.data.snapshot import Snapshot, tau_alpha

REPOSITORY = Path(__file__).resolve().parents[1]
VALIDATION = [REPOSITORY / f"data/botan-T0.44/isoconfig_N4096T0.44_{index}.npz" for index in (9, 10)]


def main(checkpoint: str) -> None:
    logging.disable(logging.WARNING)  # the temperature warning of every ka3d-mini file: expected here
    predictor = Predictor.load(checkpoint)
    domain = [float(predictor.predict(path).pearson("A")[0]) for path in VALIDATION]
    print(f"validation files 9, 10 (the domain): {np.mean(domain):.3f} ({domain[0]:.3f}, {domain[1]:.3f})")
    thermal = []
    for path in VALIDATION:
        snapshot = Snapshot.read(path)
        unquenched = replace(snapshot, inherent_positions=snapshot.positions, inherent_potential_energy=None)
        thermal.append(float(predictor.predict(unquenched).pearson("A")[0]))
    print(f"the same, thermal positions read as inherent ones: {np.mean(thermal):.3f}")
    for folder in sorted((REPOSITORY / "data/ka3d-mini").glob("T*")):
        snapshots = [Snapshot.read(path) for path in sorted(folder.glob("*.npz"))]
        tau = tau_alpha(snapshots)
        row = int(np.argmin(np.abs(snapshots[0].times - tau)))
        values = []
        for snapshot in snapshots:
            untargeted = replace(snapshot, times=None, propensity=None, mean_squared_displacement=None)
            prediction = predictor.predict(untargeted)  # at the model's t = 4120, scored against t = tau_alpha here
            values.append(float(replace(prediction, target=snapshot.propensity[row][:, None]).pearson("A")[0]))
        print(
            f"ka3d-mini T = {snapshots[0].temperature:.2f}, t = {snapshots[0].times[row]:.2f} (tau_alpha): "
            f"{np.mean(values):.3f} over {len(values)} configurations"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ka3d-T0.44")
