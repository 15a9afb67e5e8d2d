"""``PredictionWriter``: one ``.npz`` of per-particle predicted propensities per input snapshot.

Each file mirrors its input's path relative to the inputs' common directory (so
``data/T0.64/c003.npz`` becomes ``{output_dir}/T0.64/c003.npz``) and holds:
    prediction   (N, T) float32, predicted propensity at the selected timescales (in the
                 target's units: the data's standardization is undone)
    node_type    (N,) int64
    target       (N, T) float32, the true propensity (only when the input has it)
    times        (T,) float64, the selected times (when the datamodule knows them)
    temperature  () float64
    source       str, the input file
Files are written atomically (temporary name, then rename).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from lightning.pytorch.callbacks import BasePredictionWriter
from torch import Tensor

from glass_lightning.data.atomic_npz import write_npz_atomically
from glass_lightning.data.formats import output_paths
from glass_lightning.training.callbacks import selected_times


class PredictionWriter(BasePredictionWriter):
    """Write the predictions of ``predict`` next to the inputs' ids (see module doc)."""

    def __init__(self, output_dir: str = "predictions"):
        super().__init__(write_interval="batch")
        self.output_dir = Path(output_dir)
        self._paths: list[Path] | None = None
        self._sources: list[str] = []

    def on_predict_start(self, trainer, pl_module) -> None:
        sources = getattr(trainer.datamodule, "sources", None)
        self._sources = [str(source) for source in sources("predict")] if sources else []
        self._paths = output_paths(self._sources, self.output_dir) if self._sources else None

    def _destination(self, snapshot_index: int) -> tuple[Path, str]:
        if self._paths is None:
            return self.output_dir / f"snapshot_{snapshot_index:06d}.npz", f"<snapshot {snapshot_index}>"
        return self._paths[snapshot_index], self._sources[snapshot_index]

    def write_on_batch_end(
        self, trainer, pl_module, prediction, batch_indices, batch, batch_idx: int, dataloader_idx: int
    ) -> None:
        for graph in range(batch.num_graphs):
            chosen = batch.batch == graph
            snapshot_index = int(batch.snapshot_index.reshape(-1)[graph])
            temperature = float(batch.temperature.reshape(-1)[graph])
            path, source = self._destination(snapshot_index)
            target = batch.y[chosen] if getattr(batch, "y", None) is not None else None
            arrays = prediction_arrays(
                prediction[chosen],
                batch.node_type[chosen],
                batch.y_mean[graph],
                batch.y_std[graph],
                temperature,
                source,
                target,
                selected_times(trainer.datamodule, temperature),
            )
            write_npz_atomically(path, arrays)


def prediction_arrays(
    prediction: Tensor,
    node_type: Tensor,
    y_mean: Tensor,
    y_std: Tensor,
    temperature: float,
    source: str,
    target: Tensor | None = None,
    times: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of one snapshot's prediction file (see module doc), standardization undone."""
    arrays = {
        "prediction": (prediction.detach() * y_std + y_mean).cpu().float().numpy(),
        "node_type": node_type.cpu().numpy(),
        "temperature": np.array(temperature),
        "source": np.array(source),
    }
    if target is not None:
        arrays["target"] = (target * y_std + y_mean).cpu().float().numpy()
    if times is not None:
        arrays["times"] = times
    return arrays
