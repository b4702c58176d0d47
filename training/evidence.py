"""Evidence for a span: the words that drove its score, located in the original text.

A span's row holds word features (words and word pairs) and, with the
character block, character grams. A gram is not something a reviewer can read,
so each gram's contribution (coefficient x tf-idf) is handed to the words it
occurs in, split evenly over its occurrences in the span. A word's weight is
its own feature's contribution plus what its grams bring, summed over its
occurrences and reported at the first one. That is how a misspelt in-group
name, unknown as a word, still shows up as evidence. All spans of a call are
worked out together, in numpy; Python only walks each span's few best.
"""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

from training.features import CONTEXT_PREFIX, word_char_grams
from training.span_words import SpanWords, span_words
from training.text.segments import Segment

EVIDENCE_WORDS = 5
_CACHE = 1 << 16
_NO_GRAMS = np.zeros(0, dtype=np.int64)
# Up to this many words in a call's spans, they are grouped span by span in Python
# (`_groups_by_span`), more in numpy (`_groups_by_batch`). Measured, ms a call, by span
# vs numpy: 0-49 words 0.054/0.078, 50-99 0.113/0.123, 100-149 0.159/0.157, 150-199 0.203/0.186.
_FEW_WORDS = 120


class Vocabulary:
    """What evidence needs of the fitted features: names, and each voice token's columns."""

    def __init__(self, names: np.ndarray, words: dict[str, int], chars=None, char_offset: int = 0):
        self.names = names
        self.n_words = len(words)
        self.n_features = len(names)
        self.words = words
        self.chars = chars  # the fitted character TfidfVectorizer, or None
        self.char_offset = char_offset
        # Word pairs that can be found in a span: attributions (c_) lie outside it.
        self.pair = np.array([" " in t and not t.startswith(CONTEXT_PREFIX) for t in names[: self.n_words]], dtype=bool)
        self._cache: dict[str, tuple[int, np.ndarray]] = {}
        self._lock = threading.Lock()

    def columns(self, word: str) -> tuple[int, np.ndarray]:
        """(the word's own column or -1, the columns of its character grams, repeats kept)."""
        got = self._cache.get(word)
        if got is None:
            grams = _NO_GRAMS
            if self.chars is not None:
                get, a = self.chars.vocabulary_.get, self.chars.analyzer
                found = [c for c in map(get, word_char_grams(word, a.lo, a.hi, a.skip)) if c is not None]
                grams = np.asarray(found, dtype=np.int64) + self.char_offset
            got = (self.words.get(word, -1), grams)
            with self._lock:
                if len(self._cache) >= _CACHE:
                    self._cache.clear()  # bounded memory
                self._cache[word] = got
        return got


def _entries(blocks, rows: np.ndarray, coef: np.ndarray):
    """(row number, column, coefficient x value) of every stored entry of `rows`, over all blocks."""
    owners, fids, contribs = [], [], []
    for X, offset, scale in blocks:
        lo, hi = X.indptr[rows].astype(np.int64), X.indptr[rows + 1].astype(np.int64)
        n = hi - lo
        pos = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + np.repeat(lo, n)
        owner = np.repeat(np.arange(len(rows)), n)
        fid = X.indices[pos].astype(np.int64) + offset
        value = X.data[pos].astype(np.float64)
        if scale is not None:
            value *= scale[rows][owner]
        owners.append(owner)
        fids.append(fid)
        contribs.append(value * coef[fid])
    return np.concatenate(owners), np.concatenate(fids), np.concatenate(contribs)


def evidence(
    blocks, rows: list[int], spans: list[tuple[str, Segment]], vocab: Vocabulary, coef: np.ndarray, quote_namespace: bool
) -> list[list[dict]]:
    """For each row (one span each): its top words and word pairs by weight, positive ones only.

    `blocks` are (csr rows, first column, row scale or None); their columns together are the model's features.
    """
    if not rows:
        return []
    owner, fid, contrib = _entries(blocks, np.asarray(rows, dtype=np.int64), coef)
    if not len(fid):
        return [[] for _ in rows]
    V = vocab.n_features
    row_key = owner * V + fid
    order = np.argsort(row_key)
    row_key, row_val = row_key[order], contrib[order]

    def find(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each (span, column) key sits among the rows' entries, and whether it is there."""
        # Searched in ascending order (cache-friendly, several times faster), answered in the keys' order.
        order = np.argsort(keys)
        at = np.empty(len(keys), dtype=np.int64)
        at[order] = np.searchsorted(row_key, keys[order])
        np.minimum(at, len(row_key) - 1, out=at)
        return at, row_key[at] == keys

    words = span_words(spans, quote_namespace)
    first, group_span, weight = _word_weights(words, vocab, find, row_val, V)
    # Word pairs are candidates of their own.
    pair = (fid < vocab.n_words) & (contrib > 0)
    pair[pair] = vocab.pair[fid[pair]]
    n_groups = len(first)
    cand_span = np.concatenate((group_span, owner[pair]))
    cand_weight = np.concatenate((weight, contrib[pair]))
    cand_ref = np.concatenate((first, -1 - fid[pair]))  # >= 0: an occurrence; < 0: a word pair
    # Ties go to words before pairs, then in text order (pairs: by column), so
    # that a span's evidence does not depend on the rest of the batch.
    tie = np.concatenate((first, fid[pair]))
    is_pair = np.arange(len(cand_span)) >= n_groups
    keep = cand_weight > 0
    cand_span, cand_weight, cand_ref = cand_span[keep], cand_weight[keep], cand_ref[keep]
    ranked = np.lexsort((tie[keep], is_pair[keep], -cand_weight, cand_span))
    bounds = np.searchsorted(cand_span[ranked], np.arange(len(spans) + 1)).tolist()
    ranked_l, ref_l, weight_l = ranked.tolist(), cand_ref.tolist(), cand_weight.tolist()

    out = []
    for k, (text, _) in enumerate(spans):
        found = []
        for j in ranked_l[bounds[k] : bounds[k + 1]]:
            ref = ref_l[j]
            if ref >= 0:
                name, s, e = words.names[ref], words.starts[ref], words.ends[ref]
            else:
                name = str(vocab.names[-1 - ref])
                loc = _locate(name.split(" "), words, k)
                if loc is None:
                    continue
                s, e = loc
            found.append({"feature": name, "weight": weight_l[j], "start": s, "end": e, "text": text[s:e]})
            if len(found) == EVIDENCE_WORDS:
                break
        out.append(found)
    return out


def _word_weights(words: SpanWords, vocab: Vocabulary, find, row_val: np.ndarray, V: int):
    """(first occurrence, span, weight) of each word of each span, the span's occurrences of it together.

    A word's weight is its own feature's contribution plus its share of the
    contributions of the grams it holds, once per occurrence. Groups come in
    span order, then first-occurrence order (the order of the sums below).
    """
    few = len(words.names) <= _FEW_WORDS
    first, times, group_span, uni, lengths, gram_cols = (_groups_by_span if few else _groups_by_batch)(words, vocab)
    n_groups = len(first)
    has_uni = np.flatnonzero(uni >= 0)
    at, hit = find(group_span[has_uni] * V + uni[has_uni])
    weight = np.zeros(n_groups)
    weight[has_uni] = np.where(hit, row_val[at], 0.0)
    if lengths.any():
        grp = np.repeat(np.arange(n_groups), lengths)
        many = times.astype(np.float64)[grp]
        at, hit = find(group_span[grp] * V + gram_cols)
        # A gram's contribution, split evenly over its occurrences in the span
        # (counted per entry of the row it is found in).
        counts = np.bincount(at[hit], weights=many[hit], minlength=len(row_val))
        share = np.divide(row_val[at] * many, counts[at], out=np.zeros(len(at)), where=hit)
        weight += np.bincount(grp, weights=share, minlength=n_groups)
    return first, group_span, weight


def _groups_by_batch(words: SpanWords, vocab: Vocabulary):
    """(first occurrence, times, span, word column, number of gram columns, gram columns) of each (span, word) group.

    In numpy for the whole call: the batch's distinct words numbered, their
    columns looked up once each.
    """
    names = words.names
    distinct = list(dict.fromkeys(names))
    number = dict(zip(distinct, range(len(distinct))))
    columns = list(map(vocab.columns, distinct))
    word_id = np.fromiter(map(number.__getitem__, names), dtype=np.int64, count=len(names))
    span_of = np.repeat(np.arange(len(words.bounds) - 1, dtype=np.int64), np.diff(words.bounds))
    # One group per (span, word): its first occurrence and how often it occurs.
    _, first, times = np.unique(span_of * max(len(distinct), 1) + word_id, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    first, times = first[order].astype(np.int64), times[order]
    group_word = word_id[first]
    uni = np.fromiter((c[0] for c in columns), dtype=np.int64, count=len(columns))[group_word]
    gram_len = np.fromiter((len(c[1]) for c in columns), dtype=np.int64, count=len(columns))
    lengths, gram_cols = gram_len[group_word], _NO_GRAMS
    if lengths.any():
        gram_start = np.cumsum(gram_len) - gram_len
        all_grams = np.concatenate([c[1] for c in columns])
        ends = np.cumsum(lengths)
        gram_cols = all_grams[np.arange(ends[-1]) - np.repeat(ends - lengths - gram_start[group_word], lengths)]
    return first, times, span_of[first], uni, lengths, gram_cols


def _groups_by_span(words: SpanWords, vocab: Vocabulary):
    """`_groups_by_batch` span by span, word by word, in Python (main's way): for a few spans, without numpy's fixed costs."""
    first, times, group_span, group_uni, gram_cols = [], [], [], [], []
    for k, (offset, end) in enumerate(zip(words.bounds, words.bounds[1:])):
        names = words.names[offset:end]
        firsts = dict(zip(reversed(names), range(offset + len(names) - 1, offset - 1, -1)))
        first += sorted(firsts.values())
        counted = Counter(names)  # in first-occurrence order, as `first` is
        times += counted.values()
        group_span += [k] * len(counted)
        for w in counted:
            uni, grams = vocab.columns(w)
            group_uni.append(uni)
            gram_cols.append(grams)
    lengths = np.fromiter(map(len, gram_cols), dtype=np.int64, count=len(first))
    return (
        np.array(first, dtype=np.int64),
        np.array(times, dtype=np.int64),
        np.array(group_span, dtype=np.int64),
        np.array(group_uni, dtype=np.int64),
        lengths,
        np.concatenate(gram_cols) if gram_cols else _NO_GRAMS,
    )


def _locate(parts: list[str], words: SpanWords, k: int) -> tuple[int, int] | None:
    """Offsets of the first run of span k's words equal to `parts`."""
    names, lo, hi = words.names, words.bounds[k], words.bounds[k + 1]
    n, first = len(parts), parts[0]
    i = lo - 1
    while True:
        try:
            i = names.index(first, i + 1, hi)
        except ValueError:
            return None
        if i + n <= hi and names[i : i + n] == parts:
            return words.starts[i], words.ends[i + n - 1]
