"""Write data/bapst-T0.44/bapst-T0.44.npz, the physics reference of the simulator, from Bapst et al.'s
published configuration (`python scripts/bundle_bapst_reference.py SOURCE.npz`).

SOURCE is ``glassy_dynamics/testdata/test_large.pickle`` of google-deepmind/deepmind-research
(Apache-2.0; Bapst et al., Nature Physics 16, 448, 2020) with its arrays saved to npz under new
names, no value changed: ``positions``, ``types`` (0 = A, 1 = B), ``box``, ``time_grid``,
``time_indices``, ``times`` = ``time_grid[time_indices]``, ``is_values``, ``targets`` (the propensity,
mean |r(t) - r(0)| over their 30 NVE replicas, one row per time), ``temperature``, ``pressure``.
Kept: the configuration, species, box, T, and the propensity at the four earliest target times
(0.132 and 0.435 for the regression test, 288.4 and 1364.3 for ``glass-lightning validate-physics``);
the later six times (up to 19327, out of this project's reach) are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from glass_lightning.data.formats.native import write_snapshot
from glass_lightning.data.noise_ceiling import REPLICAS_KEY
from glass_lightning.data.snapshot import Snapshot

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "bapst-T0.44" / "bapst-T0.44.npz"
KEPT_TIMES = 4
PUBLISHED_REPLICAS = 30
ORIGINAL_SHA256 = "b8c2fff3ec110cf5743edbcafb88488b612ac9401ed11981f9b72cecc9a26406"


def convert(source: Path) -> Snapshot:
    with np.load(source, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    order = np.argsort(arrays["times"])[:KEPT_TIMES]
    grid = arrays["time_grid"]
    return Snapshot(
        positions=arrays["positions"],
        types=arrays["types"],
        box=arrays["box"],
        temperature=float(arrays["temperature"]),
        times=arrays["times"][order],
        propensity=arrays["targets"][order],
        metadata={
            "source": "google-deepmind/deepmind-research, glassy_dynamics/testdata/test_large.pickle",
            "source_sha256": ORIGINAL_SHA256,
            "reference": "Bapst et al., Nature Physics 16, 448 (2020)",
            "license": "Apache-2.0",
            "simulator": "simulated with LAMMPS by the authors: NVE replicas with fresh Maxwell-Boltzmann velocities",
            "time_step": "0.003 (every time of their grid is a multiple of it; inferred, not stated in the file)",
            "propensity_definition": "mean over the replicas of |r_i(t) - r_i(0)|",
            REPLICAS_KEY: PUBLISHED_REPLICAS,
            "pressure": float(arrays["pressure"]),
            "is_values": arrays["is_values"][order].tolist(),
            "tau_alpha": float(grid[arrays["time_indices"][np.argmin(np.abs(arrays["is_values"] - np.exp(-1)))]]),
            "tau_alpha_definition": "their time where F_s of their trajectories reaches 1/e",
        },
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    print(write_snapshot(OUTPUT, convert(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
