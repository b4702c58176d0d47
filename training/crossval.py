"""How many cross-validation folds a training run fits, and on how many threads.

The folds exist to give every training document an out-of-fold logit, for the
temperature and the thresholds. Their cost is folds x (1 - 1/folds) x the
corpus: on a large corpus that is most of the training time, while each fold's
model, trained on tens of thousands of documents, is already close to the
final one. So a large corpus gets fewer, larger folds.
"""

from __future__ import annotations

import os

import numpy as np

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


def warm_final(n_docs: int) -> bool:
    """Whether the final classifier starts from the folds' solution instead of from zero.

    On a large corpus the folds' models are close to the final one, and L-BFGS
    from their mean takes about half the time of a cold start (80,000
    documents, two folds: ~13 s instead of ~27 s of CPU). The final fit then
    waits for the folds, which only pays
    when they are cheap next to it; small corpora keep the cold start, and
    with it the model they always had.
    """
    return n_docs > FULL_FOLDS_UP_TO


def fit_from(clf, folds: list, X, y):
    """`clf` fitted on X, y from the mean of the fitted fold classifiers' coefficients (cold if they disagree in shape)."""
    shapes = {(f.coef_.shape, tuple(f.classes_)) for f in folds}
    if len(shapes) != 1:
        return clf.fit(X, y)
    clf.set_params(warm_start=True)
    clf.coef_ = np.mean([f.coef_ for f in folds], axis=0)
    clf.intercept_ = np.mean([f.intercept_ for f in folds], axis=0)
    clf.fit(X, y)
    # The saved classifier must not carry the warm start into a later fit.
    return clf.set_params(warm_start=False)
