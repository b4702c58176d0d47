"""Temperature scaling (Guo et al., 2017) fitted on out-of-fold scores.

One parameter, so it cannot overfit a small held-out set, and it never changes
which class wins: it only makes the probabilities honest.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log loss of softmax(logits / T)."""

    def nll(log_t: float) -> float:
        lp = log_softmax(logits / np.exp(log_t), axis=1)
        return -float(lp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(res.x))


def calibrated(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(logits / temperature, axis=1)
