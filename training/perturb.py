"""Evasion perturbations, to measure how far they move the score.

Each perturbation is what evaders do to slip past keyword filters: swap Latin
letters for Cyrillic or Greek look-alikes, hide zero-width characters inside
words, write leetspeak, stretch letters. The normaliser in `text.tokens` is
meant to undo all of them; `robustness` measures how well it does.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np

_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")


def _words(text: str, rng: random.Random, share: float, change: Callable[[str, random.Random], str]) -> str:
    out = []
    for w in text.split(" "):
        out.append(change(w, rng) if len(w) > 3 and rng.random() < share else w)
    return " ".join(out)


def homoglyphs(text: str, rng: random.Random, share: float = 0.5) -> str:
    return _words(text, rng, share, lambda w, r: "".join(_HOMOGLYPHS.get(c, c) if r.random() < 0.5 else c for c in w))


def zero_width(text: str, rng: random.Random, share: float = 0.5) -> str:
    def hide(w: str, r: random.Random) -> str:
        k = r.randrange(1, len(w))
        return w[:k] + r.choice(_ZERO_WIDTH) + w[k:]

    return _words(text, rng, share, hide)


def leetspeak(text: str, rng: random.Random, share: float = 0.5) -> str:
    return _words(text, rng, share, lambda w, r: "".join(_LEET.get(c, c) if r.random() < 0.5 else c for c in w))


def stretched(text: str, rng: random.Random, share: float = 0.3) -> str:
    def stretch(w: str, r: random.Random) -> str:
        k = r.randrange(len(w))
        return w[:k] + w[k] * r.randint(3, 6) + w[k + 1 :]

    return _words(text, rng, share, stretch)


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "homoglyphs": homoglyphs,
    "zero_width": zero_width,
    "leetspeak": leetspeak,
    "stretched": stretched,
}


def robustness(model, texts: Sequence[str], seed: int = 0, limit: int = 1000) -> dict:
    """Mean and 95th-percentile |score change| of each perturbation, plus flips.

    `model` needs `predict_proba` and `threshold`. A flip is a text whose
    label as propaganda changes under the perturbation.
    """
    texts = list(texts)[:limit]
    if not texts:
        return {}
    clean = model.predict_proba(texts)[:, 0]
    out = {"n": len(texts)}
    for name, perturb in PERTURBATIONS.items():
        rng = random.Random(seed)
        moved = model.predict_proba([perturb(t, rng) for t in texts])[:, 0]
        delta = np.abs(moved - clean)
        flips = (moved >= model.threshold) != (clean >= model.threshold)
        out[name] = {
            "mean_abs_change": float(delta.mean()),
            "p95_abs_change": float(np.quantile(delta, 0.95)),
            "flipped": float(flips.mean()),
        }
    return out
