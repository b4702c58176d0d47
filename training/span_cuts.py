"""The span cuts: one for quoted segments and one for the author's own text, chosen on out-of-fold scores."""

from __future__ import annotations

import numpy as np


def _best_cut(pairs, kind: str, fixed: dict[str, float]) -> float:
    """The cut on `kind` segments that maximises pooled character F1, the other kind held at its cut.

    Segments and gold spans are each non-overlapping, so a segment's true
    positives are its overlap with gold, and F1 at every cut is a cumulative sum.
    """
    n_gold = sum(e - s for gold, _ in pairs for s, e in gold)
    base_pred = base_tp = 0
    rows = []
    for gold, segs in pairs:
        for s, e, p, k in segs:
            tp = sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold)
            if k == kind:
                rows.append((p, e - s, tp))
            elif p >= fixed[k]:
                base_pred += e - s
                base_tp += tp
    if not n_gold:
        return 0.5
    # Flagging no segment of this kind is a candidate too.
    best_t, best_f1 = 1.0, 2 * base_tp / (base_pred + n_gold)
    if rows:
        rows.sort(key=lambda r: -r[0])
        p = np.array([r[0] for r in rows])
        f1 = 2 * (base_tp + np.cumsum([r[2] for r in rows])) / (base_pred + np.cumsum([r[1] for r in rows]) + n_gold)
        last = np.r_[p[1:] != p[:-1], True]
        k = np.flatnonzero(last)[np.argmax(f1[last])]
        if f1[k] > best_f1:
            best_t = float(p[k])
    # A floor, so that a corpus with few gold spans cannot push the cut down
    # to where nearly every sentence is flagged.
    return max(best_t, 0.2)


def span_thresholds(pairs) -> dict[str, float]:
    """One cut for quoted segments and one for the author's own text.

    In a document that embeds propaganda, it is nearly always quoted; the
    author's own sentences are reporting voice, so the model must be surer
    before it highlights one. Both cuts are fitted together, by coordinate
    ascent on pooled character F1.
    """
    cuts = {"quote": 0.5, "text": 0.5}
    for _ in range(3):
        for kind in ("quote", "text"):
            cuts[kind] = _best_cut(pairs, kind, cuts)
    return cuts
