"""Character n-grams of the author's words: the analyser, the words-only switch,
the artifact, the fast path's caches and the evidence they give."""

import copy
import functools
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from training import artifacts, token_table
from training.artifacts import ArtifactError
from training.corpus import read_corpus
from training.fast_tfidf import FastTfidf
from training.features import AuthorCharGrams, VoiceTokenizer, vectorizers, word_char_grams
from training.fit import TrainConfig, _features, train
from training.model import Model


def test_grams_are_padded_words_and_skip_quoted_and_attribution_tokens():
    assert word_char_grams("isis", 3, 5) == [" is", "isi", "sis", "is ", " isi", "isis", "sis ", " isis", "isis "]
    assert word_char_grams("a", 3, 5) == [" a "]  # no gram longer than the padded word
    assert word_char_grams("q_caliphate", 3, 5) == [] and word_char_grams("c_said", 3, 5) == []
    analyse = AuthorCharGrams(3, 4)
    assert analyse("we q_will c_said go") == word_char_grams("we", 3, 4) + word_char_grams("go", 3, 4)
    assert analyse == AuthorCharGrams(3, 4) != AuthorCharGrams(3, 5)


def test_function_words_give_no_grams_unless_asked():
    for word in ("the", "all", "should", "ab", "les", "في"):
        assert word_char_grams(word, 3, 5, skip_function_words=True) == []
        assert word_char_grams(word, 3, 5) != []
    for word in ("crusaders", "they", "will", "your", "nous"):  # words of voice keep their grams
        assert word_char_grams(word, 3, 5, True) == word_char_grams(word, 3, 5)
    assert AuthorCharGrams(3, 5, skip_function_words=True)("the rise") == word_char_grams("rise", 3, 5)
    assert AuthorCharGrams(3, 5, True) != AuthorCharGrams(3, 5)
    old = AuthorCharGrams(3, 5)
    del old.skip_function_words  # as unpickled from a model saved before the option
    assert old.skip is False and old("the") == word_char_grams("the", 3, 5)


def test_function_words_have_no_weight_of_their_own(chars_model, tiny_data, tmp_path):
    vocab = vectorizers(chars_model.features)[0][1].vocabulary_
    single = [vocab[w] for w in ("the", "a", "of", "all", "is", "and") if w in vocab]
    pairs = [i for t, i in vocab.items() if " " in t and t.split()[0] in ("the", "of", "all")]
    voice = [vocab[w] for w in ("they", "we", "our", "will") if w in vocab]
    assert len(single) >= 3 and pairs and voice
    coef = chars_model.classifier.coef_
    assert not coef[:, single].any()  # exactly zero
    assert coef[:, pairs].any()  # pairs such as "all of" still count
    assert coef[:, voice].all()  # and so do the words of voice
    every_word = artifacts.load(_trained(tiny_data, tmp_path, char_ngrams=(3, 5), function_words=True))
    assert every_word.classifier.coef_[:, single].any()
    assert every_word.metadata["features"]["blocks"][1]["function_word_grams"] is True
    assert chars_model.metadata["features"]["blocks"][1]["function_word_grams"] is False


def test_words_only_config_is_the_pipeline_of_before():
    before = Pipeline(
        [
            ("voice", VoiceTokenizer(quote_namespace=True)),
            (
                "tfidf",
                TfidfVectorizer(
                    token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), min_df=2,
                    max_features=200_000, sublinear_tf=True, dtype=np.float32,
                ),
            ),
        ]
    )
    now = _features(TrainConfig(char_ngrams=None))
    assert [name for name, _ in now.steps] == ["voice", "tfidf"]
    assert type(now[-1]) is TfidfVectorizer
    assert now.get_params(deep=True).keys() == before.get_params(deep=True).keys()
    assert repr(now) == repr(before)


def _trained(data, folder, **config):
    return artifacts.save(train(read_corpus([data]), TrainConfig(folds=3, **config)), folder)


@pytest.fixture(scope="module")
def words_only_dir(tiny_data, tmp_path_factory):
    return _trained(tiny_data, tmp_path_factory.mktemp("words-only"), char_ngrams=None)


@pytest.fixture(scope="module")
def chars_dir(tiny_data, tmp_path_factory):
    return _trained(tiny_data, tmp_path_factory.mktemp("chars"), char_ngrams=(3, 5))


@pytest.fixture(scope="module")
def chars_model(chars_dir):
    return artifacts.load(chars_dir)


def test_words_only_model_trains_saves_and_scores_on_the_fast_path(words_only_dir, chars_model):
    model = artifacts.load(words_only_dir)
    blocks = model.metadata["features"]["blocks"]
    assert [b["name"] for b in blocks] == ["words"] and model.metadata["config"]["char_ngrams"] is None
    assert FastTfidf.from_pipeline(model.features) is not None
    with zipfile.ZipFile(words_only_dir / artifacts.WEIGHTS) as z:
        assert not any("char_terms" in n for n in z.namelist())
    r = model.score(["Brothers, rise and join the front! We will crush the invaders."])[0]
    assert r["label"] == "propaganda"
    chars = chars_model.metadata["features"]["blocks"][1]
    assert chars["name"] == "chars" and chars["ngram_range"] == [3, 5] and chars["first_column"] > 0
    assert chars_model.metadata["vocabulary_size"] == sum(b["size"] for b in chars_model.metadata["features"]["blocks"])


def test_char_vocabulary_is_one_array_in_the_artifact(chars_dir, chars_model):
    weights = chars_dir / artifacts.WEIGHTS
    with zipfile.ZipFile(weights) as z:
        schema = json.loads(z.read("schema.json"))
        names = z.namelist()
    # Vocabularies go as .npy arrays, not as JSON objects of every term.
    assert len(json.dumps(schema)) < 200_000
    assert len(names) < 40
    chars = vectorizers(chars_model.features)[1][1]
    assert len(chars.vocabulary_) > 1000


def test_untrusted_analyser_is_refused(chars_model, tmp_path):
    features = copy.deepcopy(chars_model.features)
    vectorizers(features)[1][1].analyzer = functools.partial(print)
    model = Model(features, chars_model.classifier, dict(chars_model.metadata))
    folder = artifacts.save(model, tmp_path, make_current=False)
    with pytest.raises(ArtifactError, match="untrusted types"):
        artifacts.load(folder)


def test_fast_path_caches_stay_bounded_and_equal_the_pipeline_under_threads(chars_model, monkeypatch):
    monkeypatch.setattr(token_table, "_MAX_TYPES", 50)
    monkeypatch.setattr(token_table, "_CACHE", 40)
    fast = FastTfidf.from_pipeline(chars_model.features)
    batches = [
        [f"Brothers {i} rise, join the frontz{i} and crush the invaderz{j}!" for j in range(30)]
        + [("Rise and fight", f"read leaflet {i}")]
        for i in range(12)
    ]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(fast.transform, batches))
    for batch, X in zip(batches, got):
        expected = chars_model.features.transform(batch)
        assert abs(expected - X).max() <= 1e-6
    lookup = fast._lookup
    assert len(lookup.namespaces[""]) <= 40
    fast.transform(batches[0])
    assert fast._lookup.n_types <= 50 + 200  # replaced when over the bound, then refilled by one batch


@pytest.fixture(scope="module")
def eager(chars_model):
    """Every segment a span, so that evidence is computed for each."""
    return _eager(chars_model)


def _eager(model):
    meta = dict(model.metadata, thresholds=dict(model.metadata["thresholds"], span=0.0, span_text=0.0))
    return Model(model.features, model.classifier, meta)


def test_a_word_unknown_to_the_vocabulary_is_evidence_through_its_grams(eager, words_only_dir):
    text = 'Leaflets were found on Sunday. "Rise, brothers, our martyrz will crush the apostatez" read one.'
    assert "martyrz" not in eager._index and "apostatez" not in eager._index
    spans = eager.score([text])[0]["spans"]
    quote = next(s for s in spans if s["kind"] == "quote")
    by_feature = {e["feature"]: e for e in quote["evidence"]}
    unknown = [f for f in ("martyrz", "apostatez") if f in by_feature]
    assert unknown, quote["evidence"]
    for f in unknown:
        ev = by_feature[f]
        assert text[ev["start"] : ev["end"]] == ev["text"] == f and ev["weight"] > 0
    # A words-only model cannot point at them.
    plain = _eager(artifacts.load(words_only_dir)).score([text])[0]["spans"]
    assert not any(e["feature"] in ("martyrz", "apostatez") for s in plain for e in s["evidence"])


def test_evidence_merges_a_words_occurrences_and_locates_pairs(eager):
    text = "We will crush the invaders, crush them in the valley, brothers."
    spans = eager.score([text])[0]["spans"]
    for s in spans:
        names = [e["feature"] for e in s["evidence"]]
        assert len(names) == len(set(names))  # one entry per word, at its first occurrence
        assert [e["weight"] for e in s["evidence"]] == sorted((e["weight"] for e in s["evidence"]), reverse=True)
        for e in s["evidence"]:
            assert text[e["start"] : e["end"]] == e["text"]
            if " " in e["feature"]:
                assert e["text"].lower().split()[0] == e["feature"].split()[0]
    crush = [e for s in spans for e in s["evidence"] if e["feature"] == "crush"]
    assert all(e["start"] == text.index("crush") for e in crush)
