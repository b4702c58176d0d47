"""Voice-aware token streams: the author's words and quoted words kept apart.

Reporting and propaganda share their vocabulary; what differs is who speaks. A
leaflet quoted in an article should not teach the model that "apostates" is a
reporting word, nor should the article's quotes make a leaflet look like news.
Words inside quotation marks therefore live in their own feature namespace
(prefix ``q_``), while the author's words stay plain.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from training.text.quotes import find_quotes
from training.text.tokens import tokens

QUOTE_PREFIX = "q_"
CONTEXT_PREFIX = "c_"


def voice_pieces(item, quote_namespace: bool = True) -> list[tuple[str, str]]:
    """(namespace prefix, substring) pieces of an item, in order.

    An item is a document (a string) or a quoted segment with its attribution
    (a `(words, context)` tuple). The tokeniser and the fast featuriser both
    read items through this one function, so they cannot disagree.
    """
    if isinstance(item, tuple):
        # A quoted segment with its attribution: the words around the quote
        # live in their own namespace, so "read the pamphlet" can speak for it.
        words, context = item
        return voice_pieces(words, quote_namespace) + [(CONTEXT_PREFIX, context)]
    quotes = find_quotes(item) if quote_namespace else []
    if not quotes:
        return [("", item)]
    out, pos = [], 0
    for q in quotes:
        out.append(("", item[pos : q.start]))
        out.append((QUOTE_PREFIX, item[q.start : q.end]))
        pos = q.end
    out.append(("", item[pos:]))
    return out


def _piece_tokens(prefix: str, piece: str) -> list[str]:
    return [prefix + t for t in tokens(piece)] if prefix else tokens(piece)


def voice_tokens(text, quote_namespace: bool = True) -> list[str]:
    """Normalised tokens of an item, quoted ones prefixed with ``q_`` (attribution: ``c_``)."""
    pieces = voice_pieces(text, quote_namespace)
    if len(pieces) == 1:
        return _piece_tokens(*pieces[0])
    return [t for prefix, piece in pieces for t in _piece_tokens(prefix, piece)]


class VoiceTokenizer(TransformerMixin, BaseEstimator):
    """Turn texts into space-joined voice tokens for a word vectoriser.

    An item is a document (a string) or a quoted segment with its attribution
    (a `(words, context)` tuple). Stateless: `fit` only records the input
    width, as scikit-learn expects.
    """

    def __init__(self, quote_namespace: bool = True):
        self.quote_namespace = quote_namespace

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> list[str]:
        qn = self.quote_namespace
        return [" ".join(voice_tokens(item, qn)) for item in X]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(["voice_tokens"], dtype=object)
