"""Feature standardization with statistics accumulated over every batch seen in training."""

from __future__ import annotations

import torch
from torch import nn


class RunningStandardizer(nn.Module):
    """(x - mean) / std with the exact mean and variance of all rows seen so far.

    In training mode each batch is merged into the statistics (Chan et al.'s parallel update)
    before being standardized; in evaluation the statistics are frozen. For inputs that do not
    depend on learned parameters (expert descriptors) the statistics after one epoch are those
    of the whole training set, and later epochs leave them unchanged. A model that has seen no
    batch takes its statistics from the first one, in any mode. The statistics are buffers, so
    they are saved in checkpoints.
    """

    def __init__(self, num_features: int, eps: float = 1e-8):
        super().__init__()
        self.eps = eps
        self.register_buffer("count", torch.zeros((), dtype=torch.float64))
        self.register_buffer("mean", torch.zeros(num_features, dtype=torch.float64))
        self.register_buffer("sum_squares", torch.zeros(num_features, dtype=torch.float64))

    @torch.no_grad()
    def update(self, features: torch.Tensor) -> None:
        batch = features.detach().to(torch.float64)
        n = float(len(batch))
        batch_mean = batch.mean(0)
        batch_squares = (batch - batch_mean).pow(2).sum(0)
        total = self.count + n
        delta = batch_mean - self.mean
        self.sum_squares += batch_squares + delta.pow(2) * self.count * n / total
        self.mean += delta * n / total
        self.count.fill_(total)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.training or self.count == 0:
            self.update(features)
        std = (self.sum_squares / self.count.clamp_min(1)).sqrt().clamp_min(self.eps)
        return (features - self.mean.to(features.dtype)) / std.to(features.dtype)
