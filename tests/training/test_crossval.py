import numpy as np
from sklearn.linear_model import LogisticRegression

from training.crossval import FULL_FOLDS_UP_TO, THREE_FOLDS_UP_TO, fit_from, fold_count, warm_final


def test_small_corpora_keep_the_configured_folds():
    assert fold_count(10_600, 5, 5_000) == 5  # the seed corpus
    assert fold_count(FULL_FOLDS_UP_TO, 5, 10_000) == 5


def test_large_corpora_get_fewer_folds():
    assert fold_count(FULL_FOLDS_UP_TO + 1, 5, 20_000) == 3
    assert fold_count(THREE_FOLDS_UP_TO, 5, 20_000) == 3
    assert fold_count(THREE_FOLDS_UP_TO + 1, 5, 50_000) == 2
    assert fold_count(80_000, 5, 80_000) == 2


def test_never_more_folds_than_configured_or_than_groups():
    assert fold_count(80_000, 1, 80_000) == 1
    assert fold_count(30_000, 2, 30_000) == 2
    assert fold_count(100, 5, 3) == 3


def _data(seed: int, n: int = 300):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 20))
    y = np.argmax(X[:, :3] + 0.3 * rng.normal(size=(n, 3)), axis=1)
    return X, y


def test_the_final_fit_from_the_folds_reaches_the_cold_solution():
    X, y = _data(0)
    folds = [LogisticRegression(C=8.0).fit(X[part], y[part]) for part in (slice(0, 150), slice(150, 300))]
    cold = LogisticRegression(C=8.0, tol=1e-8, max_iter=5000).fit(X, y)
    warm = fit_from(LogisticRegression(C=8.0, tol=1e-8, max_iter=5000), folds, X, y)
    assert warm.warm_start is False  # not carried into a later fit
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-4)
    assert (warm.predict(X) == cold.predict(X)).all()


def test_folds_that_disagree_on_classes_give_a_cold_fit():
    X, y = _data(1)
    two = LogisticRegression().fit(X[y < 2], y[y < 2])
    three = LogisticRegression().fit(X, y)
    got = fit_from(LogisticRegression(C=8.0), [two, three], X, y)
    np.testing.assert_allclose(got.coef_, LogisticRegression(C=8.0).fit(X, y).coef_)


def test_only_large_corpora_start_warm():
    assert not warm_final(10_600)
    assert warm_final(FULL_FOLDS_UP_TO + 1)
