"""The fitted feature pipeline, re-done for speed: voice tokens straight to tf-idf rows.

`VoiceTokenizer` + `TfidfVectorizer.transform` builds a string per document,
splits it again, builds a string per word pair or character gram and looks
each one up. Here a raw token goes to an integer type id through one dict
lookup per namespace (the normalisation, the word lookup and the token's
character grams are worked out once per distinct token), word pairs are
integer keys found with a binary search, a batch's grams are one sparse
product (items x types) @ (types x grams), and tf-idf and the l2 norms are a
handful of numpy operations over the whole batch. The result equals the
pipeline's (tests hold it to 1e-6); configurations it does not cover keep the
pipeline.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

try:  # scipy's compiled sparse routines (scipy is pinned); `_product` falls back without them
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover
    _sparsetools = None
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from training.document_codes import document_codes, item_codes
from training.features import AuthorCharGrams, VoiceTokenizer, vectorizers
from training.token_table import TokenTable, expand

def supported_vectorizer(vec) -> bool:
    """A word n-gram tf-idf on whitespace-split voice tokens, the shape `_features` builds."""
    return (
        type(vec) is TfidfVectorizer
        and vec.input == "content"
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


class FastTfidf:
    """Transforms items exactly as a fitted feature pipeline (see `supported_pipeline`)."""

    def __init__(self, features: Pipeline):
        blocks = vectorizers(features)
        vec = blocks[0][1]
        self.quote_namespace = features[0].quote_namespace
        self.sublinear = bool(vec.sublinear_tf)
        self.dtype = vec.dtype
        self.idf = np.asarray(vec.idf_, dtype=np.float64)
        self.n_words = len(self.idf)
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
        self._grams, self._lo, self._hi, self._skip = None, 0, 0, False
        self.n_chars = 0
        if len(blocks) > 1:
            chars = blocks[1][1]
            self._grams = chars.vocabulary_
            self._lo, self._hi, self._skip = chars.analyzer.lo, chars.analyzer.hi, chars.analyzer.skip
            self.char_sublinear = bool(chars.sublinear_tf)
            self.char_idf = np.asarray(chars.idf_, dtype=np.float32)
            self.n_chars = len(self.char_idf)
        self.n_features = self.n_words + self.n_chars
        self._lookup = self._new_lookup()

    def _new_lookup(self) -> TokenTable:
        return TokenTable(self._words, self.unknown, self._grams, self._lo, self._hi, self._skip)

    @classmethod
    def from_pipeline(cls, features) -> FastTfidf | None:
        """The fast path for `features`, or None where it does not apply."""
        return cls(features) if supported_pipeline(features) else None

    def transform(self, items) -> sp.csr_matrix:
        """Tf-idf rows of `items` (documents or `(words, context)` segments), as the pipeline gives."""
        blocks = self.blocks(items)
        words = _csr(blocks[0][0])
        if len(blocks) == 1:
            return words
        chars, _, scale = blocks[1]
        values = chars.data * np.repeat(scale, np.diff(chars.indptr)).astype(self.dtype)
        return _side_by_side(words, _csr(chars._replace(data=values)), self)

    def blocks(self, items) -> list[tuple[Rows, int, np.ndarray | None]]:
        """The rows block by block: (rows, first column, row scale or None).

        The character block comes unnormalised with its rows' l2 scale beside
        it: a linear model can apply the scale to its n x 3 logits instead of
        to every entry, and the blocks need not be interleaved row by row.
        Rows are bare CSR arrays (see `matvecs`).
        """
        lookup = self._table()
        return self._blocks(lookup, *item_codes(lookup.namespaces, self.quote_namespace, items))

    def document_blocks(self, texts: list[str], quotes: list, segs: list) -> list[tuple[Rows, int, np.ndarray | None]]:
        """`blocks` of the texts followed by every segment's `scoring_input`, each text tokenised once."""
        lookup = self._table()
        return self._blocks(lookup, *document_codes(lookup.namespaces, self.quote_namespace, texts, quotes, segs))

    def _table(self) -> TokenTable:
        if self._lookup.too_big():
            self._lookup = self._new_lookup()
        return self._lookup

    def _blocks(self, lookup: TokenTable, flat, lengths: list[int]):
        n = len(lengths)
        ids = np.asarray(flat, dtype=np.int64)
        doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
        if len(ids) and ids.min() < 0:
            ids, doc = expand(ids, doc, lookup.expansions)
        table = lookup.table()
        val, col, indptr = self._word_rows(table[1][ids], doc, n)
        words = Rows(val.astype(self.dtype), col.astype(np.int32), indptr, (n, self.n_words))
        if self._grams is None:
            return [(words, 0, None)]
        return [(words, 0, None), self._char_rows(ids, doc, n, table)]

    def _word_rows(self, ids: np.ndarray, doc: np.ndarray, n: int):
        """(values, columns, indptr) of the word block; `ids` are word ids."""
        uf = self._uni[ids]
        hit1 = uf >= 0
        rows, cols = [doc[hit1]], [uf[hit1]]
        if len(self._bkeys) and len(ids) > 1:
            left, right = ids[:-1], ids[1:]
            ok = (doc[:-1] == doc[1:]) & (left < self.unknown) & (right < self.unknown)
            keys = left[ok] * (self.unknown + 1) + right[ok]
            # Pairs in key order: a binary search over ascending keys stays in
            # cache, five times faster than in text order; the cells are sorted
            # below anyway, so their order here does not matter.
            order = np.argsort(keys)
            keys = keys[order]
            pos = np.minimum(np.searchsorted(self._bkeys, keys), len(self._bkeys) - 1)
            hit2 = self._bkeys[pos] == keys
            rows.append(doc[:-1][ok][order][hit2])
            cols.append(self._bfid[pos[hit2]])
        V = self.n_words
        cells = np.sort(np.concatenate(rows) * V + np.concatenate(cols))
        # Counting equal neighbours of a sorted array: np.unique without its overhead.
        starts = np.flatnonzero(np.concatenate(([True], cells[1:] != cells[:-1]))) if len(cells) else cells
        cell, counts = cells[starts], np.diff(starts, append=len(cells))
        r, c = np.divmod(cell, V)
        val = counts.astype(np.float64)
        if self.sublinear:
            val = np.log(val) + 1.0
        val *= self.idf[c]
        val /= np.sqrt(np.bincount(r, weights=val * val, minlength=n))[r]
        indptr = np.zeros(n + 1, dtype=np.int32 if len(val) < 2**31 else np.int64)
        np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
        return val, c, indptr

    def _char_rows(self, ids: np.ndarray, doc: np.ndarray, n: int, table):
        """(unnormalised tf-idf rows, first column, l2 scale per row) of the character block."""
        T, _, gptr, gcol, gones = table
        nnz = int(gptr[T])
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(doc, minlength=n), out=indptr[1:])
        # Counts per (item, gram): (items x types) @ (types x grams); a row's columns in no particular order.
        cp, cj, val = _product(n, self.n_chars, indptr, ids.astype(np.int32), gptr[: T + 1], gcol[:nnz], gones[:nnz])
        if self.char_sublinear:
            np.log(val, out=val)
            val += 1.0
        val *= self.char_idf[cj]
        # Row sums of squares without a per-entry row index; each row summed on
        # its own, so that a row's values never depend on the rest of the batch.
        starts = cp[:-1]
        full = cp[1:] > starts
        sq = np.zeros(n)
        if len(val):
            sq[full] = np.add.reduceat(np.square(val, dtype=np.float64), starts[full])
        scale = np.divide(1.0, np.sqrt(sq), out=sq, where=full)
        return Rows(val, cj, cp, (n, self.n_chars)), self.n_words, scale


def _product(n: int, V: int, ap, aj, bp, bj, bx):
    """(indptr, indices, data) of A @ B, A (n x types) holding ones at `ap`/`aj`, B (types x V) in CSR.

    scipy's own sparse product routine, called directly: the public operator
    builds and checks five sparse objects around it, which costs more than the
    product itself for a single document. The public way remains the fallback.
    """
    ax = np.ones(len(aj), dtype=np.float32)
    if _sparsetools is not None:
        # Room for every (item, gram) pair, repeats included: a bound on the
        # product's entries that costs one gather, where scipy's exact count
        # walks the whole product once more.
        nnz = int(np.diff(bp)[aj].sum()) if len(aj) else 0
        if nnz < 2**31:
            cp = np.empty(n + 1, dtype=np.int32)
            cj = np.empty(nnz, dtype=np.int32)
            cx = np.empty(nnz, dtype=np.float32)
            _sparsetools.csr_matmat(n, V, ap, aj, ax, bp, bj, bx, cp, cj, cx)
            return cp, cj[: cp[-1]], cx[: cp[-1]]
    C = sp.csr_matrix((ax, aj, ap), shape=(n, len(bp) - 1)) @ sp.csr_matrix((bx, bj, bp), shape=(len(bp) - 1, V))
    return C.indptr, C.indices, C.data


class Rows(NamedTuple):
    """A block of rows as bare CSR arrays: scipy's checks around every sparse
    object cost more than the arithmetic for one document."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


def _csr(rows: Rows) -> sp.csr_matrix:
    return sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=rows.shape)


def matvecs(X, W: np.ndarray) -> np.ndarray:
    """X @ W as a dense array, for rows X (`Rows` or a scipy CSR matrix) and a dense W."""
    if not isinstance(X, Rows):
        return np.asarray(X @ W)
    if _sparsetools is None or X.indptr.dtype != X.indices.dtype:
        return np.asarray(_csr(X) @ W)
    # The arithmetic scipy's operator would do: in the wider of the two dtypes.
    dtype = np.result_type(X.data.dtype, W.dtype)
    W = np.ascontiguousarray(W, dtype=dtype)
    out = np.zeros((X.shape[0], W.shape[1]), dtype=dtype)
    data = X.data.astype(dtype, copy=False)
    _sparsetools.csr_matvecs(X.shape[0], X.shape[1], W.shape[1], X.indptr, X.indices, data, W.ravel(), out.ravel())
    return out


def _side_by_side(a: sp.csr_matrix, b: sp.csr_matrix, fast: FastTfidf) -> sp.csr_matrix:
    """Two blocks' rows stacked horizontally, each row's entries of `a` before those of `b`."""
    n = a.shape[0]
    pa, pb = a.indptr.astype(np.int64), b.indptr.astype(np.int64)
    val = np.empty(a.nnz + b.nnz, dtype=fast.dtype)
    col = np.empty(a.nnz + b.nnz, dtype=np.int32)
    at_a = np.arange(a.nnz) + pb[np.repeat(np.arange(n), np.diff(pa))]
    at_b = np.arange(b.nnz) + pa[np.repeat(np.arange(n), np.diff(pb)) + 1]
    val[at_a], col[at_a] = a.data, a.indices
    val[at_b], col[at_b] = b.data, b.indices + fast.n_words
    return sp.csr_matrix((val, col, pa + pb), shape=(n, fast.n_features))
