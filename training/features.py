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


def voice_tokens(text: str, quote_namespace: bool = True) -> list[str]:
    """Normalised tokens of `text`, quoted ones prefixed with ``q_``."""
    quotes = find_quotes(text) if quote_namespace else []
    if not quotes:
        return tokens(text)
    out: list[str] = []
    pos = 0
    for q in quotes:
        out += tokens(text[pos : q.start])
        out += [QUOTE_PREFIX + t for t in tokens(text[q.start : q.end])]
        pos = q.end
    out += tokens(text[pos:])
    return out


def _item_tokens(item, quote_namespace: bool) -> list[str]:
    if isinstance(item, tuple):
        # A quoted segment with its attribution: the words around the quote
        # live in their own namespace, so "read the pamphlet" can speak for it.
        words, context = item
        return voice_tokens(words, quote_namespace) + [CONTEXT_PREFIX + t for t in tokens(context)]
    return voice_tokens(item, quote_namespace)


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
        return [" ".join(_item_tokens(item, qn)) for item in X]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(["voice_tokens"], dtype=object)
