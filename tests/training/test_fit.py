from training.span_cuts import span_thresholds


def test_span_cuts_differ_by_segment_kind():
    # Gold propaganda is quoted; the author's own sentences score up to 0.6
    # without ever being gold, so the text cut must sit above them.
    pairs = [
        ([(10, 30)], [(0, 9, 0.1, "text"), (10, 30, 0.7, "quote"), (31, 60, 0.55, "text"), (61, 80, 0.3, "quote")]),
        ([(40, 70)], [(0, 38, 0.6, "text"), (40, 70, 0.8, "quote"), (72, 90, 0.45, "quote")]),
        ([(0, 25)], [(0, 25, 0.9, "text"), (26, 50, 0.2, "text")]),
    ]
    cuts = span_thresholds(pairs)
    assert 0.45 < cuts["quote"] <= 0.7
    assert 0.6 < cuts["text"] <= 0.9


def test_fits_sharing_the_cores_give_the_model_of_one_thread(tiny_data):
    import numpy as np

    from training.corpus import read_corpus
    from training.fit import TrainConfig, train

    corpus = read_corpus([tiny_data])
    one, two = (train(corpus, TrainConfig(folds=3), jobs=j) for j in (1, 2))
    assert np.array_equal(one.classifier.coef_, two.classifier.coef_)
    for key in ("temperature", "thresholds"):
        assert one.metadata[key] == two.metadata[key]
    assert one.metadata["metrics"] == two.metadata["metrics"]


def test_plain_fit_is_the_final_fit_of_train_without_its_cuts(tiny_data):
    import numpy as np

    from training.corpus import read_corpus
    from training.fit import TrainConfig, examples, fit_plain, train, vectorise

    records = read_corpus([tiny_data]).records
    cfg = TrainConfig(test_size=0, folds=3)
    plain = fit_plain(records, cfg)
    # Same examples and columns as train's; only the classifier's fit may start elsewhere.
    texts, y, _ = examples(records, cfg)
    assert len(texts) > len(records)  # the span documents' segments are examples too
    _, X = vectorise(texts, cfg)
    assert X.shape[1] == train(read_corpus([tiny_data]), cfg).classifier.coef_.shape[1] == plain.classifier.coef_.shape[1]
    assert plain.threshold == 0.5 and plain.temperature == 1.0
    p = plain.predict_proba([r.text for r in records])
    labels = np.array([["propaganda", "reporting", "unrelated"].index(r.label) for r in records])
    assert (p.argmax(1) == labels).mean() > 0.9
