"""Evidence worked out batch-wide equals evidence worked out span by span (the plain reference)."""

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import training.evidence as ev
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


def _reference_word_weights(words, vocab, find, row_val, V):
    """Span by span, word by word: the way the weights were first worked out."""
    first, times, group_span, group_uni, gram_cols = [], [], [], [], []
    offset = 0
    for k, occ in enumerate(words):
        names = [w for w, _, _ in occ]
        firsts = dict(zip(reversed(names), range(offset + len(names) - 1, offset - 1, -1)))
        first += sorted(firsts.values())
        counted = Counter(names)
        times += counted.values()
        group_span += [k] * len(counted)
        for w in counted:
            uni, grams = vocab.columns(w)
            group_uni.append(uni)
            gram_cols.append(grams)
        offset += len(names)
    n_groups = len(first)
    group_span_a = np.array(group_span, dtype=np.int64)
    uni = np.array(group_uni, dtype=np.int64)
    has_uni = np.flatnonzero(uni >= 0)
    at, hit = find(group_span_a[has_uni] * V + uni[has_uni])
    weight = np.zeros(n_groups)
    weight[has_uni] = np.where(hit, row_val[at], 0.0)
    lengths = np.fromiter(map(len, gram_cols), dtype=np.int64, count=n_groups)
    if lengths.any():
        grp = np.repeat(np.arange(n_groups), lengths)
        many = np.array(times, dtype=np.float64)[grp]
        at, hit = find(group_span_a[grp] * V + np.concatenate(gram_cols))
        counts = np.bincount(at[hit], weights=many[hit], minlength=len(row_val))
        share = np.divide(row_val[at] * many, counts[at], out=np.zeros(len(at)), where=hit)
        weight += np.bincount(grp, weights=share, minlength=n_groups)
    return np.array(first, dtype=np.int64), group_span_a, weight


def _assert_same_evidence(model, batch, monkeypatch, require=False):
    where = [(t, s) for t in batch for s in segment(t)]
    if not where:
        return
    blocks = model._rows([scoring_input(t, s) for t, s in where])
    args = (blocks, list(range(len(where))), where, model._vocab, model._prop_coef, model._qn)
    for t, s in where:
        assert ev.voice_words(t, s, model._qn) == _reference_voice_words(t, s, model._qn)
    fast = ev.evidence(*args)
    assert not require or any(fast)
    with monkeypatch.context() as m:
        m.setattr(ev, "voice_words", _reference_voice_words)
        m.setattr(ev, "_word_weights", _reference_word_weights)
        assert fast == ev.evidence(*args)  # the same words, offsets and weights, bit for bit


def test_evidence_on_samples(tiny_model, monkeypatch):
    batch = [t for t in SAMPLES if isinstance(t, str)]
    batch += ['He said "' + "word " * 20 + '" and the AmaqAgency read: "rise up, kill them all" now']
    _assert_same_evidence(tiny_model, batch, monkeypatch, require=True)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.one_of(documents, texts), min_size=1, max_size=4))
def test_evidence_for_any_text(tiny_model, monkeypatch, batch):
    _assert_same_evidence(tiny_model, batch, monkeypatch)
