"""Fitting the feature pipeline, with the counting done in numpy.

`TfidfVectorizer.fit_transform` spends most of its time building a string per
word pair or character gram and counting them in a Python dict. Here the voice
tokens are split once and mapped to integer ids; word pairs become integer
keys counted by sorting, and character grams are counted by one sparse product
(documents x distinct tokens) @ (distinct tokens x grams), since a token's
grams depend on the token alone. Everything after counting (sorting the
vocabulary, `min_df` and `max_features`, idf, tf-idf) is done by
scikit-learn's own code on the counts, so the fitted vectorisers are the ones
`fit_transform` would give (tests compare them, bit for bit).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline

from training.fast_tfidf import supported_pipeline
from training.features import vectorizers, word_char_grams


class _Ids(dict):
    """key -> id, handing out the next id to a key not seen yet."""

    def __missing__(self, key: str) -> int:
        wid = self[key] = len(self)
        return wid


class _Stream:
    """The voice tokens of every document as integer ids, numbered as first seen."""

    def __init__(self, strings: list[str]):
        ids = _Ids()
        flat: list[int] = []
        lengths = []
        for s in strings:
            before = len(flat)
            flat += map(ids.__getitem__, s.split())  # split() is the vectorisers' \S+ and doc.split()
            lengths.append(len(flat) - before)
        self.words = list(ids)
        self.n = len(strings)
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.ids = np.array(flat, dtype=np.int64)
        self.doc = np.repeat(np.arange(self.n, dtype=np.int64), self.lengths)


def fit_transform(features: Pipeline, items: list) -> sp.csr_matrix:
    """`features.fit_transform(items)`, several times faster for the supported pipelines."""
    if not supported_pipeline(features) or not items:
        return features.fit_transform(items)
    voice = features[0]
    voice.fit(items)
    stream = _Stream(voice.transform(items))
    blocks = []
    for name, vec, _ in vectorizers(features):
        X = _fit_words(vec, stream) if name == "words" else _fit_chars(vec, stream)
        if X is None:
            return features.fit_transform(items)  # for scikit-learn's own errors
        blocks.append(X)
    # FeatureUnion stacks its blocks with scipy's hstack, as here.
    return blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")


def _fit_words(vec, stream: _Stream) -> sp.csr_matrix | None:
    a, doc, n, W = stream.ids, stream.doc, stream.n, len(stream.words)
    if not W or n * len(a) * 2 >= 2**62:
        return None
    # The analyser's stream: each document's words, then its word pairs. A
    # pair's key is W + a * W + b; a word's is its id.
    seq, seq_doc = a, doc
    if tuple(vec.ngram_range) == (1, 2) and len(a) > 1:
        n_d = stream.lengths
        per_doc = n_d + np.maximum(n_d - 1, 0)
        base = np.cumsum(per_doc) - per_doc
        local = np.arange(len(a)) - np.repeat(np.cumsum(n_d) - n_d, n_d)
        same = np.flatnonzero(doc[:-1] == doc[1:])
        seq = np.empty(int(per_doc.sum()), dtype=np.int64)
        seq[base[doc] + local] = a
        seq[base[doc[same]] + n_d[doc[same]] + local[same]] = W + a[same] * W + a[same + 1]
        seq_doc = np.repeat(np.arange(n, dtype=np.int64), per_doc)
    # scikit-learn numbers terms as first seen and leaves each row in that
    # order after renaming the columns; rows in the same order give the
    # classifier the same sums, to the last bit.
    feature_keys, first, inverse = np.unique(seq, return_index=True, return_inverse=True)
    F = len(feature_keys)
    by_rank = np.argsort(first, kind="stable")
    rank = np.empty(F, dtype=np.int64)
    rank[by_rank] = np.arange(F)
    cells = np.sort(seq_doc * F + rank[inverse])
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    counts = np.diff(np.r_[starts, len(cells)])
    cell_doc, cell_rank = np.divmod(cells[starts], F)
    cell_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cell_doc, minlength=n), out=cell_ptr[1:])
    words = stream.words

    def terms(kept: np.ndarray) -> list[str]:
        return [_term(int(k), W, words) for k in feature_keys[kept].tolist()]

    return _finish(vec, n, cell_ptr, by_rank[cell_rank], counts, F, terms)


def _fit_chars(vec, stream: _Stream) -> sp.csr_matrix | None:
    lo, hi, skip = vec.analyzer.lo, vec.analyzer.hi, vec.analyzer.skip
    # Grams are numbered by walking the distinct tokens in the order they were
    # first seen: a gram is first seen in the first occurrence of the first
    # token that has it, so this is the analyser's own first-seen order.
    grams = _Ids()
    gram_ids: list[int] = []
    ptr = [0]
    for word in stream.words:
        gram_ids += map(grams.__getitem__, word_char_grams(word, lo, hi, skip))
        ptr.append(len(gram_ids))
    G_n, W, n = len(grams), len(stream.words), stream.n
    if not G_n or len(gram_ids) >= 2**31:
        return None
    # A token's repeated grams ("ana" in "banana") stay repeated: the product adds them up.
    G = sp.csr_matrix(
        (np.ones(len(gram_ids), dtype=np.float32), np.asarray(gram_ids, dtype=np.int32), np.asarray(ptr, dtype=np.int64)),
        shape=(W, G_n),
    )
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(stream.lengths, out=indptr[1:])
    D = sp.csr_matrix((np.ones(len(stream.ids), dtype=np.float32), stream.ids, indptr), shape=(n, W))
    C = D @ G  # counts per (document, gram), exact in float32 below 2**24
    del D
    C.sort_indices()  # rows in first-seen order, as the analyser's counts are
    terms_all = list(grams)

    def terms(kept: np.ndarray) -> list[str]:
        return [terms_all[k] for k in kept.tolist()]

    return _finish(vec, n, C.indptr, C.indices, C.data, G_n, terms)


def _finish(vec, n: int, cell_ptr, cell_feature, counts, F: int, terms) -> sp.csr_matrix | None:
    """scikit-learn's own steps from counts on: cuts, vocabulary order, max_features, idf, tf-idf.

    Cells are (document, feature, count), documents delimited by `cell_ptr`;
    `cell_feature` numbers features as first seen, and each document's cells
    are in that order.
    """
    df = np.bincount(cell_feature, minlength=F)
    # The document-frequency cut first, as scikit-learn does: terms it removes
    # could not change the order, the max_features choice or the idf of the rest.
    max_df, min_df = vec.max_df, vec.min_df
    high = max_df if isinstance(max_df, Integral) else max_df * n
    low = min_df if isinstance(min_df, Integral) else min_df * n
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    kept = np.flatnonzero((df >= low) & (df <= high))
    if not len(kept):
        return None
    kept_terms = terms(kept)
    order = sorted(range(len(kept_terms)), key=kept_terms.__getitem__)
    column = np.full(F, -1, dtype=np.int32)
    column[kept[order]] = np.arange(len(order), dtype=np.int32)
    vocabulary = {kept_terms[i]: j for j, i in enumerate(order)}

    col = column[cell_feature]
    keep = col >= 0
    # Few cells are cut (rare terms): count them per document rather than
    # running a sum over every cell.
    cell_ptr = np.asarray(cell_ptr, dtype=np.int64)
    cut = np.flatnonzero(~keep)
    cut_per_doc = np.bincount(np.searchsorted(cell_ptr, cut, side="right") - 1, minlength=n)
    indptr = cell_ptr - np.r_[0, np.cumsum(cut_per_doc)]
    index = np.int32 if indptr[-1] < 2**31 else np.int64
    X = sp.csr_matrix(
        (counts[keep].astype(vec.dtype, copy=False), col[keep].astype(index, copy=False), indptr.astype(index)),
        shape=(n, len(vocabulary)),
    )

    # From here on, scikit-learn's own steps (CountVectorizer.fit_transform,
    # then TfidfVectorizer.fit_transform).
    vec._validate_ngram_range()
    vec._validate_vocabulary()
    vec.build_analyzer()  # records what it checked the stop words against, as fit does
    if vec.max_features is not None and len(vocabulary) > vec.max_features:
        # (With nothing to cut it would keep every column: a copy of X, unchanged.)
        X = vec._limit_features(X, vocabulary, None, None, vec.max_features)
    vec.vocabulary_ = vocabulary
    vec._tfidf = TfidfTransformer(
        norm=vec.norm, use_idf=vec.use_idf, smooth_idf=vec.smooth_idf, sublinear_tf=vec.sublinear_tf
    )
    vec._tfidf.fit(X)
    return vec._tfidf.transform(X, copy=False)


def _term(key: int, W: int, words: list[str]) -> str:
    if key < W:
        return words[key]
    a, b = divmod(key - W, W)
    return words[a] + " " + words[b]
