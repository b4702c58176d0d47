"""The optimised code paths give what the plain ones give.

Each fast path is checked against a straightforward reference: the fitted
scikit-learn pipeline, a regex written the obvious way, a scanner that visits
every character. Correctness only; speed is measured in benchmarks/speed.py.
"""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import softmax

from training.document_codes import codes_by_batch_scan, codes_one_by_one, document_codes, item_codes
from training.fast_tfidf import FastTfidf, _csr
from training.features import vectorizers
from training.fit import TrainConfig, _features
from training.text import quotes
from training.text import segments as segments_module
from training.text.segments import _has_two_words, scoring_input, segment
from training.text.tokens import _LETTER, _MARK, TOKEN_RE, raw_token_spans, raw_tokens

# Characters that exercise every branch: quote marks of all kinds, apostrophes,
# URL and mention triggers, combining marks, zero-width joiners, and ligatures
# that normalise to several words (U+FDFA) or to a space (U+FC5E).
_SPECIAL = list('"\'“”‘’«»„.!?\n @&:/w#_') + ["http://x.org/a", "www.", "\u0301", "\u200b", "\ufdfa", "\ufc5e", "ﬁ", "İ"]
texts = st.lists(
    st.one_of(st.characters(codec="utf-8", exclude_categories=["Cs"]), st.sampled_from(_SPECIAL)),
    max_size=300,
).map("".join)
words = st.lists(
    st.sampled_from(["they", "will", "crush", "the", "police", "said", "victory", "rain", "match", "x"] + _SPECIAL),
    max_size=60,
).map(" ".join)

SAMPLES = [
    "",
    "Police said the group claimed the attack in a statement.",
    'Leaflets read "Rise and fight the traitors, brothers" near the mosque, residents said.',
    "RT @someone: read https://example.org/x?y=1 &amp; www.example.com now",
    "يا أمة محمد \ufdfa انهضوا. \u00ab\ufdfa\u00bb said the \ufc5e poster",
    "K1LL the саliphаte\u200b, brothers! The IS' fighters don't stop.",
    ("Rise and fight the traitors", "the leaflet read \n  police said"),
]


@pytest.fixture(
    scope="module",
    params=[((3, 5), False), ((3, 5), True), (None, False)],
    ids=["words+chars", "words+chars-of-every-word", "words"],
)
def rich_features(request):
    """A pipeline whose vocabulary holds the odd cases: quoted and attributed
    words, and the words a ligature expands to, in every namespace."""
    corpus = [t for t in SAMPLES if isinstance(t, str)] * 2 + [
        'he said "\ufdfa \u0635\u0644\u0649 they will" and \u0627\u0644\u0644\u0647 \u0639\u0644\u064a\u0647',
        '"\u0635\u0644\u0649 \u0627\u0644\u0644\u0647" said the \u0635\u0644\u0649 poster \ufdfa',
    ] * 2
    chars, function_words = request.param
    config = TrainConfig(min_df=1, char_min_df=1, char_ngrams=chars, function_words=function_words)
    return _features(config).fit(corpus)


def _assert_same_rows(features, items):
    fast = FastTfidf.from_pipeline(features)
    A, B = features.transform(items), fast.transform(items)
    assert A.shape == B.shape
    # Each block on its own (words, then character grams) and the stacked rows.
    for lo, hi in ((0, fast.n_words), (fast.n_words, fast.n_features), (0, fast.n_features)):
        a, b = A[:, lo:hi], B[:, lo:hi]
        assert abs(a - b).max() <= 1e-6 if a.nnz or b.nnz else True
        assert ((a != 0) != (b != 0)).nnz == 0


def test_fast_tfidf_equals_the_pipeline_on_samples_and_segments(tiny_model, rich_features):
    items = list(SAMPLES)
    for t in SAMPLES[1:6]:
        items += [scoring_input(t, s) for s in segment(t)]
    _assert_same_rows(tiny_model.features, items)
    _assert_same_rows(rich_features, items)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(texts, words, st.tuples(words, words)), min_size=1, max_size=5))
def test_fast_tfidf_equals_the_pipeline_for_any_text(tiny_model, rich_features, items):
    _assert_same_rows(tiny_model.features, items)
    _assert_same_rows(rich_features, items)


@pytest.mark.parametrize(
    "chars, params",
    [
        (None, {"tfidf__ngram_range": (1, 3)}),
        ((3, 5), {"tfidf__words__ngram_range": (1, 3)}),
        ((3, 5), {"tfidf__chars__binary": True}),
        ((3, 5), {"tfidf__transformer_weights": {"chars": 2}}),
    ],
)
def test_fast_tfidf_declines_configurations_it_does_not_cover(chars, params):
    features = _features(TrainConfig(char_ngrams=chars)).set_params(**params)
    assert FastTfidf.from_pipeline(features) is None


def test_probabilities_equal_sklearn_decision_function(tiny_model):
    texts = [t for t in SAMPLES if isinstance(t, str)]
    clf = tiny_model.classifier
    logits = clf.decision_function(tiny_model.features.transform(texts))
    order = [list(clf.classes_).index(i) for i in range(3)]
    expected = softmax(logits[:, order] / tiny_model.temperature, axis=1)
    assert np.allclose(tiny_model.predict_proba(texts), expected, atol=1e-6)


def test_scoring_with_spans_in_one_transform_equals_the_separate_calls(tiny_model):
    texts = [t for t in SAMPLES if isinstance(t, str)]
    results = tiny_model.score(texts)
    proba = tiny_model.predict_proba(texts)
    spans = tiny_model.spans(texts)
    for r, p, s in zip(results, proba, spans):
        assert r["propaganda_score"] == pytest.approx(float(p[0]), abs=1e-6)
        assert r["spans"] == [x.as_dict() for x in s]


# The word regex as first written: one alternation per character.
_PLAIN_TOKEN_RE = re.compile(rf"(?:https?://|www\.)\S+|@\w+|&#?\w+;|(?:{_LETTER}|{_MARK})+")


@given(texts)
def test_token_regex_equals_the_plain_one(text):
    assert TOKEN_RE.findall(text) == _PLAIN_TOKEN_RE.findall(text)
    expected = []
    for raw in _PLAIN_TOKEN_RE.findall(text):
        is_word = raw[0] not in "@&" and not raw.startswith(("http://", "https://", "www."))
        expected += re.split(r"(?<=[a-z])(?=[A-Z])", raw) if is_word else [raw]
    assert raw_tokens(text) == expected


def _reference_quotes(text):
    """The scanner as first written: every character of every line."""
    out = []
    if not any(c in text for c in quotes._PAIRS):
        return out
    for m in re.finditer(r"[^\n]+", text):
        line, base = m.group(), m.start()
        open_at, closers, opener = -1, "", ""
        for i, ch in enumerate(line):
            if open_at < 0:
                if ch in quotes._PAIRS and quotes._opens(line, i, ch):
                    open_at, closers, opener = i, quotes._PAIRS[ch], ch
            elif ch in closers and quotes._closes(line, i, ch):
                _reference_emit(line, base, open_at + 1, i, out)
                open_at = -1
        if open_at >= 0 and opener in quotes._DOUBLE:
            _reference_emit(line, base, open_at + 1, len(line), out)
    return out


def _reference_emit(line, base, start, end, out):
    while start < end and line[start] in quotes._TRIM_START:
        start += 1
    while end > start and line[end - 1] in quotes._TRIM_END:
        end -= 1
    if end > start and any(c.isalnum() for c in line[start:end]):
        out.append(quotes.Quote(base + start, base + end))


@settings(max_examples=300)
@given(texts)
def test_quote_scanner_equals_the_per_character_one(text):
    assert quotes.find_quotes(text) == _reference_quotes(text)


@given(texts, st.integers(0, 300), st.integers(0, 300))
def test_two_word_check_equals_counting_words(text, a, b):
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    expected = sum(any(c.isalnum() for c in w) for w in text[start:end].split()) >= 2
    assert _has_two_words(text, start, end) == expected


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(),
        TrainConfig(char_ngrams=None),
        TrainConfig(max_features=40, char_max_features=300),
        TrainConfig(ngram_max=1, char_ngrams=(2, 4)),
        TrainConfig(min_df=1, max_features=None, char_min_df=1, char_max_features=None),
        TrainConfig(function_words=True),
    ],
    ids=["default", "words-only", "max-features-cut", "unigrams-2to4-grams", "no-limits", "function-word-grams"],
)
def test_fitting_by_numpy_counting_equals_fit_transform(tiny_data, config):
    from training.corpus import read_corpus
    from training.vocabulary import fit_transform

    records = read_corpus([tiny_data]).records
    items = [r.text for r in records] + [scoring_input(t, s) for t in SAMPLES[1:6] for s in segment(t)]
    reference, fast = _features(config), _features(config)
    X_ref, X_fast = reference.fit_transform(items), fit_transform(fast, items)
    for (_, a, _), (_, b, _) in zip(vectorizers(fast), vectorizers(reference), strict=True):
        assert a.vocabulary_ == b.vocabulary_
        assert np.array_equal(a.idf_, b.idf_)
    # The same arrays in the same order, so the classifier's sums are bit-identical.
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(X_fast, part), getattr(X_ref, part)), part
    assert abs(reference.transform(items) - fast.transform(items)).max() == 0


# Documents dense in what tokenising a document once could get wrong: quotes
# (their attribution cuts words 60 characters away), URLs and mentions running
# into quote marks, camelCase words cut by an edge, apostrophes, line breaks.
_PIECES = ["they", "will", "crush", "said", "police", "WilayatAlAnbar", "victoryAndGlory", "x" * 25, "don't", "IS'"]
_PIECES += ['"', "“", "”", "«", "»", "‘", "’", "'", ". ", "! ", "\n", ", ", "http://x.org/a", '@amaq"', "&amp;", "\u0301"]
documents = st.lists(st.one_of(st.sampled_from(_PIECES), texts), min_size=1, max_size=80).flatmap(
    lambda parts: st.sampled_from([" ", ""]).map(lambda sep: sep.join(parts))
)


def _documents_and_segments(texts):
    found = [quotes.find_quotes(t) for t in texts]
    segs = [segment(t, q) for t, q in zip(texts, found)]
    return found, segs, list(texts) + [scoring_input(t, s) for t, ss in zip(texts, segs) for s in ss]


def _assert_same_document_rows(features, texts):
    """Documents tokenised once give the codes, and so the rows, of every item tokenised on its own."""
    fast = FastTfidf.from_pipeline(features)
    found, segs, items = _documents_and_segments(texts)
    namespaces, qn = fast._lookup.namespaces, fast.quote_namespace
    want = item_codes(namespaces, qn, items)
    for path in (document_codes, codes_one_by_one, codes_by_batch_scan):  # whichever the batch's size picks, and both
        codes, lengths = path(namespaces, qn, texts, found, segs)
        assert (list(codes), list(lengths)) == want, path.__name__
    blocks = fast.document_blocks(texts, found, segs)
    expected = features.transform(items)
    for rows, first, scale in blocks:
        got = _csr(rows)
        if scale is not None:
            got = sp.diags(scale) @ got
        want = expected[:, first : first + rows.shape[1]]
        assert got.shape == want.shape
        assert abs(got - want).max() <= 1e-6 if got.nnz or want.nnz else True
        assert ((got != 0) != (want != 0)).nnz == 0


def test_documents_tokenised_once_give_the_pipelines_rows(tiny_model, rich_features):
    texts = [t for t in SAMPLES if isinstance(t, str)]
    texts.append('He said "' + "word " * 20 + '" and then the longword' + "x" * 70 + ' read: "rise up now"')
    # The attribution's 60 characters cut "0http" to "http", and "http://" makes a URL.
    texts.append("0http://x.org/a00 they don't  00 000 0000000http://x.org/a \u00ab they they")
    _assert_same_document_rows(tiny_model.features, texts)
    _assert_same_document_rows(rich_features, texts)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(documents, texts), min_size=1, max_size=4))
def test_documents_tokenised_once_give_the_pipelines_rows_for_any_text(tiny_model, rich_features, texts):
    _assert_same_document_rows(tiny_model.features, texts)
    _assert_same_document_rows(rich_features, texts)


def test_scores_equal_those_of_items_tokenised_one_by_one(tiny_model):
    texts = [t for t in SAMPLES if isinstance(t, str)] + ['The leaflet read "rise, brothers" said @amaq"x" police.']
    fast_path = tiny_model.score(texts)  # the batch scan
    singly = [tiny_model.score([t])[0] for t in texts]  # each text read on its own
    rows, tiny_model._document_rows = tiny_model._document_rows, None
    try:
        assert fast_path == tiny_model.score(texts)
        assert singly == fast_path
    finally:
        tiny_model._document_rows = rows


@given(documents)
def test_token_spans_are_the_raw_tokens_where_they_stand(text):
    raws, starts, ends, match_starts, match_ends = raw_token_spans(text)
    assert raws == raw_tokens(text)
    assert [text[a:b] for a, b in zip(starts, ends)] == raws
    assert [text[a:b] for a, b in zip(match_starts, match_ends)] == TOKEN_RE.findall(text)


@given(documents, st.integers(0, 400), st.integers(0, 400))
def test_quotes_in_a_slice_are_those_of_the_slice(text, a, b):
    start, end = min(a, b), max(a, b)
    assert quotes.quotes_in(text, start, end) == quotes.find_quotes(text[start:end])


_ONE_END_AT_A_TIME = re.compile(r"[.!?\u2026\u061f\u06d4]+(?=\s)|\n")  # every line break an end of its own


@settings(max_examples=300)
@given(st.one_of(texts, documents))
def test_sentence_ends_taking_their_white_space_give_the_same_segments(text):
    fast = segment(text)
    saved, segments_module._SENTENCE_END = segments_module._SENTENCE_END, _ONE_END_AT_A_TIME
    try:
        assert fast == segment(text)
    finally:
        segments_module._SENTENCE_END = saved
