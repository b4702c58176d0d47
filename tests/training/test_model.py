import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training import artifacts
from training.artifacts import ArtifactError
from training.corpus import read_corpus
from training.fit import TrainConfig, train
from training.model import Model


def test_tiny_model_tells_function_apart(tiny_model):
    results = tiny_model.score(
        [
            "Brothers, rise and join the front! We will crush the invaders and our martyrs will be honoured.",
            "Police said the front claimed responsibility for the raid, according to a statement.",
            "The team won the match on Saturday after a late goal.",
        ]
    )
    assert [r["label"] for r in results] == ["propaganda", "reporting", "unrelated"]
    for r in results:
        assert sum(r["scores"].values()) == pytest.approx(1.0, abs=1e-5)
        assert r["propaganda_score"] == r["scores"]["propaganda"]


def test_quoted_leaflet_is_a_span_inside_a_reporting_document(tiny_model):
    text = (
        'Leaflets were found in Riverside on Sunday, residents said. "Rise and fight the traitors, brothers, '
        'victory is near" read one leaflet. "We are worried for our children," said a teacher.'
    )
    r = tiny_model.score([text])[0]
    assert r["label"] == "reporting"
    assert [s["text"] for s in r["spans"]] == ["Rise and fight the traitors, brothers, victory is near"]
    span = r["spans"][0]
    assert span["kind"] == "quote"
    assert span["evidence"], "a span carries the words that drove its score"
    for ev in span["evidence"]:
        assert span["start"] <= ev["start"] < ev["end"] <= span["end"]
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_metadata_describes_the_model(tiny_model, tiny_data):
    meta = tiny_model.metadata
    assert meta["versions"]["scikit-learn"] and meta["versions"]["python"]
    assert meta["data"][0]["sha256"] == artifacts.sha256_file(tiny_data)
    assert meta["counts"] == {"propaganda": 60, "reporting": 80, "unrelated": 60}
    assert meta["skipped"] == 1  # the one record labelled "unknown"
    assert 0.5 <= meta["thresholds"]["decision"] <= 1 and 0 < meta["thresholds"]["span"] <= 1
    assert meta["thresholds"]["decision_target"] == {"fpr": TrainConfig().target_fpr}
    assert meta["thresholds"]["decision_point"]["fpr"] <= TrainConfig().target_fpr
    assert meta["metrics"]["out_of_fold"]["per_class"]["propaganda"]["recall"] == pytest.approx(
        meta["thresholds"]["decision_point"]["recall"]
    )
    assert meta["metrics"]["held_out"]["n"] == meta["test_documents"] > 0
    assert meta["temperature"] > 0 and meta["train_seconds"] > 0


def test_same_data_gives_the_same_model(tiny_data, tiny_model):
    again = train(read_corpus([tiny_data]), TrainConfig(folds=3))
    assert again.version == tiny_model.version
    assert np.array_equal(again.classifier.coef_, tiny_model.classifier.coef_)
    assert again.threshold == tiny_model.threshold


def test_saved_model_loads_identically_and_tampering_is_refused(tiny_model, tmp_path):
    folder = artifacts.save(tiny_model, tmp_path)
    assert artifacts.current(tmp_path) == folder
    loaded = artifacts.load(folder)
    texts = ["We will crush the tyrants in the valley", "Shares rose after strong sales"]
    assert np.allclose(loaded.predict_proba(texts), tiny_model.predict_proba(texts))

    weights = folder / artifacts.WEIGHTS
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ArtifactError, match="SHA-256"):
        artifacts.load(folder)
    meta = json.loads((folder / artifacts.METADATA).read_text())
    meta["artifact_sha256"] = artifacts.sha256_file(weights)
    (folder / artifacts.METADATA).write_text(json.dumps(meta))
    with pytest.raises(ArtifactError, match="cannot load"):
        artifacts.load(folder)


@pytest.fixture(scope="module")
def eager_model(tiny_model):
    """The tiny model with a span threshold of zero, so every segment becomes a span."""
    meta = dict(tiny_model.metadata, thresholds=dict(tiny_model.metadata["thresholds"], span=0.0))
    return Model(tiny_model.features, tiny_model.classifier, meta)


any_text = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(["\u200b", "\u202e", "\u0301", "\x00", '"', "“", "”", "'", ".", "\n", "İ", "ß", "ﬁ"]),
    ),
    max_size=300,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_span_offsets_hold_for_any_unicode(eager_model, text):
    spans = eager_model.score([text])[0]["spans"]
    prev_end = 0
    for s in spans:
        assert prev_end <= s["start"] < s["end"] <= len(text)
        assert text[s["start"] : s["end"]] == s["text"]
        for ev in s["evidence"]:
            assert s["start"] <= ev["start"] < ev["end"] <= s["end"]
            assert text[ev["start"] : ev["end"]] == ev["text"]
        prev_end = s["end"]
