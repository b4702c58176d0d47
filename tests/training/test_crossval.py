from training.crossval import FULL_FOLDS_UP_TO, THREE_FOLDS_UP_TO, fold_count


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
