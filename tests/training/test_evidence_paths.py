"""Evidence worked out batch-wide equals evidence worked out span by span (the plain reference)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import training.evidence as ev
import training.span_words as sw
from tests.training.test_fast_paths import SAMPLES, documents, texts
from training.features import voice_pieces
from training.text.segments import scoring_input, segment
from training.text.tokens import tokens_with_offsets


def _reference_voice_words(text, seg, quote_namespace):
    out = []
    pos = seg.start
    for prefix, piece in voice_pieces(text[seg.start : seg.end], quote_namespace):
        for tok, s, e in tokens_with_offsets(piece, base=pos):
            if prefix or " " in tok or not tok.isalnum():
                out += [(w, s, e) for w in (prefix + tok).split()]
            else:
                out.append((tok, s, e))
        pos += len(piece)
    return out


def _reference_span_words(spans, quote_namespace):
    occ = [_reference_voice_words(t, s, quote_namespace) for t, s in spans]
    flat = [o for words in occ for o in words]
    bounds = [0]
    for words in occ:
        bounds.append(bounds[-1] + len(words))
    return sw.SpanWords([w for w, _, _ in flat], [s for _, s, _ in flat], [e for _, _, e in flat], bounds)


def _assert_same_evidence(model, batch, monkeypatch, require=False):
    where = [(t, s) for t in batch for s in segment(t)]
    if not where:
        return
    blocks = model._rows([scoring_input(t, s) for t, s in where])
    args = (blocks, list(range(len(where))), where, model._vocab, model._prop_coef, model._qn)
    expected = [_reference_voice_words(t, s, model._qn) for t, s in where]
    for (t, s), words in zip(where, expected):
        assert sw.voice_words(t, s, model._qn) == words
    # Spans tokenised one by one and in one batch scan, whatever the call's size picks.
    for scan in (0, 10**9):
        with monkeypatch.context() as m:
            m.setattr(sw, "SCAN_SPANS", scan)
            found = sw.span_words(where, model._qn)
        assert [found.of(k) for k in range(len(where))] == expected
    fast = ev.evidence(*args)
    assert not require or any(fast)
    # The reference: words found token by token, grouped span by span, word by
    # word (`_groups_by_span`, main's way), bit for bit the evidence of either
    # path, whatever the call's size picks.
    with monkeypatch.context() as m:
        m.setattr(ev, "span_words", _reference_span_words)
        m.setattr(ev, "_FEW_WORDS", 10**9)
        reference = ev.evidence(*args)
    assert fast == reference
    with monkeypatch.context() as m:
        m.setattr(ev, "_FEW_WORDS", 0)  # every call grouped in numpy
        assert ev.evidence(*args) == reference


def test_evidence_on_samples(tiny_model, monkeypatch):
    batch = [t for t in SAMPLES if isinstance(t, str)]
    batch += ['He said "' + "word " * 20 + '" and the AmaqAgency read: "rise up, kill them all" now']
    _assert_same_evidence(tiny_model, batch, monkeypatch, require=True)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.one_of(documents, texts), min_size=1, max_size=4))
def test_evidence_for_any_text(tiny_model, monkeypatch, batch):
    _assert_same_evidence(tiny_model, batch, monkeypatch)


def test_a_word_pair_is_located_within_its_own_span():
    # Span 0 ends with "will" and span 1 starts with "kill": "will kill" is found
    # only where span 0 holds it whole, never across the boundary.
    words = sw.SpanWords(["they", "will", "will", "kill", "will", "kill", "now"], [0, 5, 10, 0, 5, 10, 15], [4, 9, 14, 4, 9, 14, 18], [0, 3, 7])
    assert ev._locate(["will", "kill"], words, 0) is None
    assert ev._locate(["will", "kill"], words, 1) == (5, 14)
    assert ev._locate(["kill", "now"], words, 1) == (10, 18)
