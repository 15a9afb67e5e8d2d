"""A callback that kills its own process with SIGKILL at a given global step: a preempted job,
with no chance to clean up (for the kill-and-resume test, run in a subprocess)."""

import os
import signal

from lightning.pytorch import Callback


class KillAtStep(Callback):
    def __init__(self, global_step: int):
        self.global_step = global_step

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if trainer.global_step == self.global_step:
            os.kill(os.getpid(), signal.SIGKILL)
