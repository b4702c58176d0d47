"""Fitting the feature pipeline, with the counting done in numpy.

`TfidfVectorizer.fit_transform` spends most of its time building a string per
word pair and counting them in a Python dict. Here the voice tokens are split
once and mapped to integer ids, word pairs become integer keys, and the counts
and document frequencies come from sorting arrays. Everything after counting
(sorting the vocabulary, `min_df` and `max_features`, idf, tf-idf) is done by
scikit-learn's own code on the counts, so the fitted vectoriser is the one
`fit_transform` would give (tests compare them).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline

from training.fast_tfidf import supported_vectorizer
from training.features import VoiceTokenizer


class _Ids(dict):
    """word -> id, handing out the next id to a word not seen yet."""

    def __missing__(self, word: str) -> int:
        wid = self[word] = len(self)
        return wid


def fit_transform(features: Pipeline, items: list) -> sp.csr_matrix:
    """`features.fit_transform(items)`, several times faster for the supported pipelines."""
    voice, vec = features[0], features[-1]
    if type(voice) is not VoiceTokenizer or not supported_vectorizer(vec) or not items:
        return features.fit_transform(items)
    voice.fit(items)
    strings = voice.transform(items)

    ids = _Ids()
    flat: list[int] = []
    lengths = []
    for s in strings:
        before = len(flat)
        flat += map(ids.__getitem__, s.split())  # split() is the vectoriser's \S+
        lengths.append(len(flat) - before)
    W = len(ids)
    n = len(strings)
    bigrams = tuple(vec.ngram_range) == (1, 2)
    if not W or n * len(flat) * 2 >= 2**62:
        return features.fit_transform(items)

    a = np.array(flat, dtype=np.int64)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # The analyser's stream: each document's words, then its word pairs. A
    # pair's key is W + a * W + b; a word's is its id.
    stream, stream_doc = a, doc
    if bigrams and len(a) > 1:
        n_d = np.asarray(lengths, dtype=np.int64)
        per_doc = n_d + np.maximum(n_d - 1, 0)
        base = np.cumsum(per_doc) - per_doc
        local = np.arange(len(a)) - np.repeat(np.cumsum(n_d) - n_d, n_d)
        same = np.flatnonzero(doc[:-1] == doc[1:])
        stream = np.empty(int(per_doc.sum()), dtype=np.int64)
        stream[base[doc] + local] = a
        stream[base[doc[same]] + n_d[doc[same]] + local[same]] = W + a[same] * W + a[same + 1]
        stream_doc = np.repeat(np.arange(n, dtype=np.int64), per_doc)
    # scikit-learn numbers terms as first seen and leaves each row in that
    # order after renaming the columns; rows in the same order give the
    # classifier the same sums, to the last bit.
    feature_keys, first, inverse = np.unique(stream, return_index=True, return_inverse=True)
    F = len(feature_keys)
    by_rank = np.argsort(first, kind="stable")
    rank = np.empty(F, dtype=np.int64)
    rank[by_rank] = np.arange(F)
    cells = np.sort(stream_doc * F + rank[inverse])
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    counts = np.diff(np.r_[starts, len(cells)])
    cell_doc, cell_rank = np.divmod(cells[starts], F)
    cell_feature = by_rank[cell_rank]
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
        return features.fit_transform(items)  # for scikit-learn's own error
    words = list(ids)
    terms = [_term(int(k), W, words) for k in feature_keys[kept].tolist()]
    order = sorted(range(len(terms)), key=terms.__getitem__)
    column = np.full(len(feature_keys), -1, dtype=np.int64)
    column[kept[order]] = np.arange(len(order))
    vocabulary = {terms[i]: j for j, i in enumerate(order)}

    col = column[cell_feature]
    keep = col >= 0
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cell_doc[keep], minlength=n), out=indptr[1:])
    X = sp.csr_matrix(
        (counts[keep].astype(vec.dtype), col[keep].astype(np.int32), indptr.astype(np.int32)),
        shape=(n, len(vocabulary)),
    )

    # From here on, scikit-learn's own steps (CountVectorizer.fit_transform,
    # then TfidfVectorizer.fit_transform).
    vec._validate_ngram_range()
    vec._validate_vocabulary()
    vec.build_analyzer()  # records what it checked the stop words against, as fit does
    if vec.max_features is not None:
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
