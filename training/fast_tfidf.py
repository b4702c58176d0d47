"""The fitted feature pipeline, re-done for speed: voice tokens straight to tf-idf rows.

`VoiceTokenizer` + `TfidfVectorizer.transform` builds a string per document,
splits it again, builds a string per word pair and looks each one up. Here a
raw token goes to an integer id through one dict lookup per namespace (the
normalisation runs once per distinct raw token), word pairs are integer keys
found with a binary search, and counting, tf-idf and the l2 norm are a handful
of numpy operations over the whole batch. The result equals the pipeline's
(tests hold it to 1e-6); configurations it does not cover keep the pipeline.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from training.features import CONTEXT_PREFIX, QUOTE_PREFIX, AuthorCharGrams, VoiceTokenizer, voice_pieces
from training.text.tokens import normalize_token, raw_tokens

_DROP = -1  # URLs, mentions, entities: not in the token stream at all
_MULTI = -2  # this and below: a token that normalises to several words
_CACHE = 1 << 17  # raw tokens remembered per namespace
_MAX_EXPANSIONS = 1 << 14


def supported_vectorizer(vec) -> bool:
    """A word n-gram tf-idf on whitespace-split voice tokens, the shape `_features` builds."""
    return (
        type(vec) is TfidfVectorizer
        and vec.analyzer == "word"
        and vec.token_pattern == r"\S+"
        and vec.tokenizer is None
        and vec.preprocessor is None
        and not vec.lowercase
        and vec.strip_accents is None
        and vec.stop_words is None
        and tuple(vec.ngram_range) in ((1, 1), (1, 2))
        and not vec.binary
        and vec.use_idf
        and vec.norm == "l2"
    )


def supported_char_vectorizer(vec) -> bool:
    """A tf-idf of `AuthorCharGrams` (the analyser is the whole of its feature extraction)."""
    return (
        type(vec) is TfidfVectorizer
        and type(vec.analyzer) is AuthorCharGrams
        and vec.input == "content"
        and not vec.binary
        and vec.use_idf
        and vec.norm == "l2"
    )


def supported_pipeline(features) -> bool:
    """[VoiceTokenizer, word tf-idf] or [VoiceTokenizer, FeatureUnion[words, chars]], as `_features` builds."""
    if not isinstance(features, Pipeline) or len(features) != 2 or type(features[0]) is not VoiceTokenizer:
        return False
    last = features[-1]
    if type(last) is not FeatureUnion:
        return supported_vectorizer(last)
    blocks = last.transformer_list
    return (
        [name for name, _ in blocks] == ["words", "chars"]
        and last.transformer_weights is None
        and supported_vectorizer(blocks[0][1])
        and supported_char_vectorizer(blocks[1][1])
    )


class _WordIds(dict):
    """raw token -> id in one namespace; a dict, so that a hit never leaves C."""

    def __init__(self, lookup: _Lookup, prefix: str):
        super().__init__()
        self.lookup, self.prefix = lookup, prefix

    def __missing__(self, raw: str) -> int:
        if len(self) >= _CACHE:
            self.clear()  # bounded memory; refilling is cheap
        wid = self[raw] = self.lookup.word_id(self.prefix, raw)
        return wid


class _Lookup:
    """Caches from raw tokens to word ids, and the multi-word expansions they refer to.

    A transform uses one `_Lookup` from start to end, so replacing it (when the
    expansions grow too many) never changes what a code means mid-batch.
    """

    def __init__(self, words: dict[str, int], unknown: int):
        self.words, self.unknown = words, unknown
        self.expansions: list[tuple[int, ...]] = []
        self._codes: dict[tuple[int, ...], int] = {}
        self._lock = threading.Lock()
        self.namespaces = {p: _WordIds(self, p) for p in ("", QUOTE_PREFIX, CONTEXT_PREFIX)}

    def word_id(self, prefix: str, raw: str) -> int:
        """_DROP, a vocabulary word id, `unknown`, or a multi-word code (<= _MULTI)."""
        tok = normalize_token(raw)
        if not tok:
            return _DROP
        if tok.isalnum() or not any(c.isspace() for c in tok):
            return self.words.get(prefix + tok, self.unknown)
        # NFKC turns a few ligatures into phrases (U+FDFA). The vectoriser reads
        # the joined tokens split on whitespace, so the prefix sticks to the
        # first word only; so must we.
        words = tuple(self.words.get(w, self.unknown) for w in (prefix + tok).split())
        with self._lock:
            code = self._codes.get(words)
            if code is None:
                code = self._codes[words] = len(self.expansions)
                self.expansions.append(words)
        return _MULTI - code


class FastTfidf:
    """Transforms items exactly as a fitted [VoiceTokenizer, TfidfVectorizer] pipeline."""

    def __init__(self, features: Pipeline):
        voice, vec = features[0], features[-1]
        self.quote_namespace = voice.quote_namespace
        self.sublinear = bool(vec.sublinear_tf)
        self.dtype = vec.dtype
        self.idf = np.asarray(vec.idf_, dtype=np.float64)
        self.n_features = len(self.idf)
        words: dict[str, int] = {}
        unigrams, bigrams = [], []
        for term, fid in vec.vocabulary_.items():
            ids = [words.setdefault(w, len(words)) for w in term.split(" ")]
            (unigrams if len(ids) == 1 else bigrams).append((*ids, int(fid)))
        self._words = words
        self.unknown = n = len(words)  # the id of every word the vocabulary lacks
        self._uni = np.full(n + 1, -1, dtype=np.int64)
        if unigrams:
            u = np.array(unigrams, dtype=np.int64)
            self._uni[u[:, 0]] = u[:, 1]
        b = np.array(bigrams, dtype=np.int64).reshape(-1, 3)
        keys = b[:, 0] * (n + 1) + b[:, 1]
        order = np.argsort(keys)
        self._bkeys, self._bfid = keys[order], b[order, 2]
        self._lookup = _Lookup(words, n)

    @classmethod
    def from_pipeline(cls, features) -> FastTfidf | None:
        """The fast path for `features`, or None where it does not apply."""
        if not isinstance(features, Pipeline) or len(features) != 2:
            return None
        if type(features[0]) is not VoiceTokenizer or not supported_vectorizer(features[-1]):
            return None
        return cls(features)

    def transform(self, items) -> sp.csr_matrix:
        """Tf-idf rows of `items` (documents or `(words, context)` segments), as the pipeline gives."""
        lookup = self._lookup
        if len(lookup.expansions) > _MAX_EXPANSIONS:
            self._lookup = lookup = _Lookup(self._words, self.unknown)
        namespaces, qn = lookup.namespaces, self.quote_namespace
        flat: list[int] = []
        lengths = []
        for item in items:
            before = len(flat)
            for prefix, piece in voice_pieces(item, qn):
                flat += map(namespaces[prefix].__getitem__, raw_tokens(piece))
            lengths.append(len(flat) - before)
        ids = np.array(flat, dtype=np.int64)
        doc = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        if len(ids) and ids.min() < 0:
            ids, doc = _expand(ids, doc, lookup.expansions)
        return self._rows(ids, doc, len(lengths))

    def _rows(self, ids: np.ndarray, doc: np.ndarray, n: int) -> sp.csr_matrix:
        uf = self._uni[ids]
        hit1 = uf >= 0
        rows, cols = [doc[hit1]], [uf[hit1]]
        if len(self._bkeys) and len(ids) > 1:
            left, right = ids[:-1], ids[1:]
            ok = (doc[:-1] == doc[1:]) & (left < self.unknown) & (right < self.unknown)
            keys = left[ok] * (self.unknown + 1) + right[ok]
            pos = np.minimum(np.searchsorted(self._bkeys, keys), len(self._bkeys) - 1)
            hit2 = self._bkeys[pos] == keys
            rows.append(doc[:-1][ok][hit2])
            cols.append(self._bfid[pos[hit2]])
        V = self.n_features
        cells = np.sort(np.concatenate(rows) * V + np.concatenate(cols))
        # Counting equal neighbours of a sorted array: np.unique without its overhead.
        starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]]) if len(cells) else cells
        cell, counts = cells[starts], np.diff(np.r_[starts, len(cells)])
        r, c = np.divmod(cell, V)
        val = counts.astype(np.float64)
        if self.sublinear:
            val = np.log(val) + 1.0
        val *= self.idf[c]
        val /= np.sqrt(np.bincount(r, weights=val * val, minlength=n))[r]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
        return sp.csr_matrix((val.astype(self.dtype), c.astype(np.int32), indptr), shape=(n, V))


def _expand(ids: np.ndarray, doc: np.ndarray, expansions: list[tuple[int, ...]]):
    """Remove dropped tokens and put each multi-word token's words in its place."""
    multi = ids <= _MULTI
    if not multi.any():
        keep = ids != _DROP
        return ids[keep], doc[keep]
    reps = np.ones(len(ids), dtype=np.int64)
    reps[ids == _DROP] = 0
    codes = (_MULTI - ids[multi]).tolist()
    reps[multi] = [len(expansions[c]) for c in codes]
    out = np.repeat(ids, reps)
    out[np.repeat(multi, reps)] = [w for c in codes for w in expansions[c]]
    return out, np.repeat(doc, reps)
