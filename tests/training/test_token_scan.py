"""The batch token scan gives each document's `raw_token_spans`, whatever the batch holds."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.training.test_fast_paths import SAMPLES, documents, texts
from training.text.quotes import find_quotes
from training.text.tokens import raw_token_spans
from training.token_scan import BatchTokens

_MORE = [
    "AmaqAgency reports #WilayatAlAnbar aB cD",  # camelCase words, split
    "caf\u00e9 \u0645\u064e\u0646\u0652 \u200bword\u200b x\u0301y \u0301\u0301 ok",  # marks, no URL: the numpy runs
    "\U0001d400\U0001d401 bold \U0001f600 emoji",  # code points above the BMP
    "lone \ud800 surrogate",
    "",
    "@amaq said &amp; https://x.org/a wrote",  # links, kept out of the runs
    "xhttps://a.org awww.x@y \u0301https://x.org @ab\u0301www.z",  # no URL inside a word
    "a@b.com &amp;x &#39; &nope; @@user_1 RT @user: https://t.co/x\"q\" www.a.b",
    "https://x.org",  # a URL that ends its document
]


def _assert_same(batch_texts):
    batch = BatchTokens(batch_texts)
    for i, text in enumerate(batch_texts):
        raws, starts, _, ms, me = raw_token_spans(text)
        lo, hi = batch.first[i], batch.first[i + 1]
        m0, m1 = batch.first_match[i], batch.first_match[i + 1]
        base = int(batch.base[i])
        assert batch.raws[lo:hi] == raws, text
        assert [s - base for s in batch.starts_list[lo:hi]] == starts, text
        assert [s - base for s in batch.ms_list[m0:m1]] == ms, text
        assert [e - base for e in batch.me_list[m0:m1]] == me, text
        # Where a quote can open: every place find_quotes may open one is listed.
        marks = {int(m) - base for m in batch.opening_marks if base <= m < base + len(text)}
        for q in find_quotes(text):
            assert any(m < q.start for m in marks), text


def test_samples_and_their_mixtures():
    plain = [t for t in SAMPLES if isinstance(t, str)] + _MORE
    _assert_same(plain)
    _assert_same(plain[::-1])
    for t in plain:
        _assert_same([t])
    _assert_same([])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.one_of(documents, texts), min_size=1, max_size=5))
def test_any_batch(batch_texts):
    _assert_same(batch_texts)
