"""Voice-aware token streams: the author's words and quoted words kept apart.

Reporting and propaganda share their vocabulary; what differs is who speaks. A
leaflet quoted in an article should not teach the model that "apostates" is a
reporting word, nor should the article's quotes make a leaflet look like news.
Words inside quotation marks therefore live in their own feature namespace
(prefix ``q_``), while the author's words stay plain.

The author's words also give character n-grams (`AuthorCharGrams`): a misspelt
or run-together in-group name shares most of its grams with the spelling the
model knows, where as a word it would be unseen.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.pipeline import FeatureUnion

from training.text.quotes import find_quotes
from training.text.tokens import tokens

QUOTE_PREFIX = "q_"
CONTEXT_PREFIX = "c_"
# Quoted words and attributions keep their namespaces: as grams they would
# mix back into the author's voice.
NO_CHAR_GRAMS = (QUOTE_PREFIX, CONTEXT_PREFIX)
# Function words carry register, not function: the seeds' propaganda and
# reporting use "the", "all", "should" or "is a" at different rates because of
# who wrote them and how, and on real text that read as "informal or
# assertive means propaganda" (counter-speech was flagged for "the", "all",
# "should"). So, unless a TrainConfig asks for them, they are no evidence on
# their own: no unigram weight and no character grams. Pairs that contain one
# ("should go", "all muslims") still count. Tokens of one or two characters get
# no character grams either (their grams are the token itself).
# Kept: the pronouns of us, you and them, and "will". They are how propaganda
# addresses, includes and threatens ("they will lose their minds"); without them
# a threat whose nouns are ordinary reads as nothing (measured: a leaflet quote
# in the seed article fell from 0.56 to 0.01). The same for French and Arabic.
VOICE_WORDS = frozenset("we us our you your they them their will".split())
FUNCTION_WORDS = (
    frozenset(ENGLISH_STOP_WORDS)
    | frozenset(
        "s t d m ll re ve don doesn didn isn aren wasn weren won wouldn couldn shouldn can im ive dont cant "
        "le la les un une des du de et est sont que qui dans pour par sur avec ce cette ces il elle "
        "se ne pas au aux en ou mais "
        "في من على إلى الى عن أن ان إن مع هذا هذه ذلك التي الذي الذين هو هي كان قد لا ما و".split()
    )
) - VOICE_WORDS


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


def word_char_grams(word: str, lo: int, hi: int, skip_function_words: bool = False) -> list[str]:
    """The lo..hi-character grams of one voice token, padded with a space each side.

    Grams never cross tokens, so they depend on the normalised token alone (the
    fast path caches them per token). Quoted and attribution tokens have none,
    nor, if asked, do function words.
    """
    if word.startswith(NO_CHAR_GRAMS):
        return []
    if skip_function_words and (len(word) <= 2 or word in FUNCTION_WORDS):
        return []
    w = f" {word} "
    L = len(w)
    out: list[str] = []
    for n in range(lo, min(hi, L) + 1):
        out += [w[i : i + n] for i in range(L - n + 1)]
    return out


class AuthorCharGrams:
    """Analyser for a `TfidfVectorizer` on `VoiceTokenizer` output: grams of the author's words.

    A plain picklable callable (not a lambda or a closure), so the fitted
    vectoriser saves with skops and pickles to batch workers.
    """

    def __init__(self, lo: int = 3, hi: int = 5, skip_function_words: bool = False):
        self.lo = lo
        self.hi = hi
        self.skip_function_words = skip_function_words

    @property
    def skip(self) -> bool:
        # Models saved before the option existed gave every word grams.
        return getattr(self, "skip_function_words", False)

    def __call__(self, doc: str) -> list[str]:
        lo, hi, skip = self.lo, self.hi, self.skip
        out: list[str] = []
        for w in doc.split():
            out += word_char_grams(w, lo, hi, skip)
        return out

    def _key(self) -> tuple:
        return (self.lo, self.hi, self.skip)

    def __eq__(self, other) -> bool:
        return type(other) is AuthorCharGrams and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"AuthorCharGrams(lo={self.lo}, hi={self.hi}, skip_function_words={self.skip})"


def vectorizers(features) -> list[tuple[str, object, int]]:
    """(name, fitted or unfitted vectoriser, first column) of each tf-idf block of a feature pipeline.

    One block (`Pipeline[voice, TfidfVectorizer]`, the words) or a
    `FeatureUnion` of words and characters, stacked in that order.
    """
    last = features[-1]
    if not isinstance(last, FeatureUnion):
        return [("words", last, 0)]
    out, offset = [], 0
    for name, vec in last.transformer_list:
        out.append((name, vec, offset))
        if hasattr(vec, "vocabulary_"):
            offset += len(vec.vocabulary_)
    return out


def mute_function_words(features, X):
    """X without the author's function words as single words (see FUNCTION_WORDS).

    Their columns stay (rows keep the norm `transform` gives them) but hold
    zeros, so a regularised classifier fitted on X gives them a weight of zero.
    """
    vocab = vectorizers(features)[0][1].vocabulary_
    cols = np.fromiter((i for t, i in vocab.items() if t in FUNCTION_WORDS), dtype=np.int64)
    X = X.tocsr(copy=True)
    X.data[np.isin(X.indices, cols)] = 0
    X.eliminate_zeros()
    return X


def describe(features) -> dict:
    """What the feature blocks of a fitted pipeline are, for the model's metadata."""
    out = {"quote_namespace": features[0].quote_namespace, "blocks": []}
    for name, vec, offset in vectorizers(features):
        analyzer = vec.analyzer
        grams = [analyzer.lo, analyzer.hi] if isinstance(analyzer, AuthorCharGrams) else list(vec.ngram_range)
        out["blocks"].append(
            {
                "name": name,
                "unit": "characters of the author's words" if isinstance(analyzer, AuthorCharGrams) else "words",
                "ngram_range": grams,
                "function_word_grams": not analyzer.skip if isinstance(analyzer, AuthorCharGrams) else None,
                "min_df": vec.min_df,
                "max_features": vec.max_features,
                "size": len(vec.vocabulary_),
                "first_column": offset,
                "sublinear_tf": vec.sublinear_tf,
                "norm": vec.norm,
            }
        )
    return out
