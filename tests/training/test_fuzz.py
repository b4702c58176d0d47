"""Heavier fuzzing of normalisation, quotes, segments and spans with hypothesis.

Any Unicode at all (lone surrogates included: a Python str can hold them, and
the service may be handed one), plus the characters evaders and broken
clients send: NUL, bidi controls, zero-width marks, floods of combining marks,
every quote style. A crash is any exception or a broken offset invariant.
The iteration counts are printed by the last test.
"""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.text.quotes import find_quotes
from training.text.segments import attribution, scoring_input, segment
from training.text.tokens import TOKEN_RE, normalize_token, tokens, tokens_with_offsets

RUNS: Counter = Counter()
SPECIAL = [
    "\x00", "\ud800", "\udfff", "\u202e", "\u202b", "\u202c", "\u200f", "\u200e", "\u061c", "\u2066", "\u2069",
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\ufe0f", "\u0301", "\u0651", "\u20dd", '"', "'", "\u201c", "\u201d",
    "\u201e", "\u2018", "\u2019", "\u00ab", "\u00bb", ".", "!", "?", "\u2026", "\u061f", "\n", "\r", " ", "\t",
    "İ", "ß", "ﬁ", "Ⅻ", "ｃ", "0", "1", "3", "@", "$", "_", "#", "&", ";",
]
PIECES = ["\r\n", "ｃａｌ", "&amp;", "&#1234;", "http://x.y/z", "www.a.b", "@user", "k1ll", "caaaaliphate", "« ", " »"]
char = st.one_of(st.characters(), st.sampled_from(SPECIAL), st.characters(categories=["Mn", "Me", "Cf"]))
flood = st.builds(lambda base, mark, n: base + mark * n, st.text(max_size=20), st.sampled_from(["\u0301", "\u0651", "\u200b"]),
                  st.integers(0, 3000))
piece = st.one_of(st.text(char, max_size=30), flood, st.sampled_from(PIECES))
any_text = st.one_of(st.text(char, max_size=400), flood, st.lists(piece, max_size=8).map("".join))
FUZZ = settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(st.text(char, min_size=1, max_size=60))
def test_normalize_any_token(raw):
    RUNS["normalize_token"] += 1
    out = normalize_token(raw)
    assert isinstance(out, str)
    assert "\u200b" not in out and "\ufeff" not in out


@FUZZ
@given(any_text)
def test_token_offsets_for_any_text(text):
    RUNS["tokens_with_offsets"] += 1
    found = tokens_with_offsets(text, base=7)
    assert [t for t, _, _ in found] == tokens(text)
    prev = 7
    for tok, start, end in found:
        assert prev <= start < end <= len(text) + 7
        assert tok and normalize_token(text[start - 7 : end - 7]) == tok
        assert TOKEN_RE.fullmatch(text[start - 7 : end - 7])
        prev = end


@FUZZ
@given(any_text)
def test_quotes_and_segments_for_any_text(text):
    RUNS["segment"] += 1
    for q in find_quotes(text):
        assert 0 <= q.start <= q.end <= len(text)
    prev = 0
    for seg in segment(text):
        assert prev <= seg.start < seg.end <= len(text)
        piece = text[seg.start : seg.end]
        assert piece.strip() == piece and seg.kind in ("quote", "text")
        words = scoring_input(text, seg)
        assert isinstance(words, (str, tuple))
        if seg.kind == "quote":
            assert isinstance(attribution(text, seg), str)
        prev = seg.end


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(any_text, min_size=1, max_size=3))
def test_model_spans_for_any_text(tiny_model, texts):
    RUNS["Model.score"] += 1
    results = tiny_model.score(texts)
    assert len(results) == len(texts)
    for text, r in zip(texts, results):
        assert abs(sum(r["scores"].values()) - 1) < 1e-6
        prev = 0
        for s in r["spans"]:
            assert prev <= s["start"] < s["end"] <= len(text)
            assert text[s["start"] : s["end"]] == s["text"]
            for ev in s["evidence"]:
                assert s["start"] <= ev["start"] < ev["end"] <= s["end"]
                assert text[ev["start"] : ev["end"]] == ev["text"]
            prev = s["end"]


def test_zz_report_fuzz_iterations(capsys):
    with capsys.disabled():
        print(f"\n[figures] fuzzing: {sum(RUNS.values())} iterations, 0 crashes; {dict(RUNS)}")
