"""How many cross-validation folds a training run fits, and on how many threads.

The folds exist to give every training document an out-of-fold logit, for the
temperature and the thresholds. Their cost is folds x (1 - 1/folds) x the
corpus: on a large corpus that is most of the training time, while each fold's
model, trained on tens of thousands of documents, is already close to the
final one. So a large corpus gets fewer, larger folds.
"""

from __future__ import annotations

import os

# Training documents up to which the configured number of folds is kept (the
# seed corpus has about 10,600), and up to which three folds are fitted; above
# it, two.
FULL_FOLDS_UP_TO = 20_000
THREE_FOLDS_UP_TO = 50_000


def fold_count(n_docs: int, folds: int, n_groups: int) -> int:
    """The folds to fit for `n_docs` training documents: `folds` at most, fewer for a large corpus."""
    if n_docs > THREE_FOLDS_UP_TO:
        folds = min(folds, 2)
    elif n_docs > FULL_FOLDS_UP_TO:
        folds = min(folds, 3)
    return min(folds, n_groups)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
