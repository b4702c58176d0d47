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

import numpy as np

from training.features import CONTEXT_PREFIX, voice_pieces, word_char_grams
from training.text.segments import Segment
from training.text.tokens import tokens_with_offsets

EVIDENCE_WORDS = 5
_CACHE = 1 << 16
_NO_GRAMS = np.zeros(0, dtype=np.int64)


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
                found = [c for c in map(get, word_char_grams(word, a.lo, a.hi)) if c is not None]
                grams = np.asarray(found, dtype=np.int64) + self.char_offset
            got = (self.words.get(word, -1), grams)
            with self._lock:
                if len(self._cache) >= _CACHE:
                    self._cache.clear()  # bounded memory
                self._cache[word] = got
        return got


def voice_words(text: str, seg: Segment, quote_namespace: bool) -> list[tuple[str, int, int]]:
    """The span's words as the features see them (``q_`` inside its own quotes), with offsets.

    A token that normalises to several words gives each of them the token's offsets.
    """
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


def evidence(blocks, rows: list[int], spans: list[tuple[str, Segment]], vocab: Vocabulary, coef: np.ndarray,
             quote_namespace: bool) -> list[list[dict]]:
    """For each row (one span each): its top words and word pairs by weight, positive ones only.

    `blocks` are (csr rows, first column, row scale or None); their columns together are the model's features.
    """
    if not rows:
        return []
    owner, fid, contrib = _entries(blocks, np.asarray(rows, dtype=np.int64), coef)
    V = vocab.n_features
    row_key = owner * V + fid
    order = np.argsort(row_key)
    row_key, row_val = row_key[order], contrib[order]

    def value_at(keys: np.ndarray) -> np.ndarray:
        if not len(row_key):
            return np.zeros(len(keys))
        at = np.minimum(np.searchsorted(row_key, keys), len(row_key) - 1)
        return np.where(row_key[at] == keys, row_val[at], 0.0)

    # Every word occurrence of every span, with its word's columns.
    words = [voice_words(text, seg, quote_namespace) for text, seg in spans]
    local: dict[str, int] = {}
    occ_word, occ_uni, gram_cols = [], [], []
    for occ in words:
        for w, _, _ in occ:
            uni, grams = vocab.columns(w)
            occ_word.append(local.setdefault(w, len(local)))
            occ_uni.append(uni)
            gram_cols.append(grams)
    n_occ = len(occ_word)
    occ_span = np.repeat(np.arange(len(words)), [len(o) for o in words])
    n_grams = np.fromiter(map(len, gram_cols), dtype=np.int64, count=n_occ)
    share = np.zeros(n_occ)
    if n_grams.any():
        gram_occ = np.repeat(np.arange(n_occ), n_grams)
        key = occ_span[gram_occ] * V + np.concatenate(gram_cols)
        # A gram's contribution, split evenly over its occurrences in the span.
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        share = np.bincount(gram_occ, weights=value_at(key) / counts[inverse], minlength=n_occ)

    # Occurrences of one word in one span make one candidate, at the first.
    group_key = occ_span * max(len(local), 1) + np.asarray(occ_word, dtype=np.int64)
    _, first, inverse = np.unique(group_key, return_index=True, return_inverse=True)
    uni = np.asarray(occ_uni, dtype=np.int64)[first]
    weight = np.bincount(inverse, weights=share) + np.where(uni >= 0, value_at(occ_span[first] * V + uni), 0.0)
    # Word pairs are candidates of their own.
    pair = (fid < vocab.n_words) & (contrib > 0)
    pair[pair] = vocab.pair[fid[pair]]
    cand_span = np.r_[occ_span[first], owner[pair]]
    cand_weight = np.r_[weight, contrib[pair]]
    cand_ref = np.r_[first, -1 - fid[pair]]  # >= 0: an occurrence; < 0: a word pair
    # Ties go to words before pairs, then in text order (pairs: by name), so
    # that a span's evidence does not depend on the rest of the batch.
    span_first_occ = np.r_[0, np.cumsum([len(o) for o in words])]
    tie = np.r_[first - span_first_occ[occ_span[first]], fid[pair]]
    is_pair = np.r_[np.zeros(len(first), dtype=bool), np.ones(int(pair.sum()), dtype=bool)]
    keep = cand_weight > 0
    cand_span, cand_weight, cand_ref = cand_span[keep], cand_weight[keep], cand_ref[keep]
    ranked = np.lexsort((tie[keep], is_pair[keep], -cand_weight, cand_span))
    bounds = np.searchsorted(cand_span[ranked], np.arange(len(words) + 1))

    flat = [o for occ in words for o in occ]
    out = []
    for k, (text, _) in enumerate(spans):
        found = []
        for j in ranked[bounds[k] : bounds[k + 1]].tolist():
            ref = int(cand_ref[j])
            if ref >= 0:
                name, s, e = flat[ref]
            else:
                name = str(vocab.names[-1 - ref])
                loc = _locate(name.split(" "), words[k])
                if loc is None:
                    continue
                s, e = loc
            found.append({"feature": name, "weight": float(cand_weight[j]), "start": s, "end": e, "text": text[s:e]})
            if len(found) == EVIDENCE_WORDS:
                break
        out.append(found)
    return out


def _locate(parts: list[str], occ: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """Offsets of the first run of words equal to `parts`."""
    words = [w for w, _, _ in occ]
    n, first = len(parts), parts[0]
    i = -1
    while True:
        try:
            i = words.index(first, i + 1)
        except ValueError:
            return None
        if words[i : i + n] == parts:
            return occ[i][1], occ[i + n - 1][2]
