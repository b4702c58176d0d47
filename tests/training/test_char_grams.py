"""Character n-grams of the author's words: the analyser, the words-only switch,
the artifact, the fast path's caches and the evidence they give."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from training.features import AuthorCharGrams, VoiceTokenizer, word_char_grams
from training.fit import TrainConfig, _features


def test_grams_are_padded_words_and_skip_quoted_and_attribution_tokens():
    assert word_char_grams("isis", 3, 5) == [" is", "isi", "sis", "is ", " isi", "isis", "sis ", " isis", "isis "]
    assert word_char_grams("a", 3, 5) == [" a "]  # no gram longer than the padded word
    assert word_char_grams("q_caliphate", 3, 5) == [] and word_char_grams("c_said", 3, 5) == []
    analyse = AuthorCharGrams(3, 4)
    assert analyse("we q_will c_said go") == word_char_grams("we", 3, 4) + word_char_grams("go", 3, 4)
    assert analyse == AuthorCharGrams(3, 4) != AuthorCharGrams(3, 5)


def test_words_only_config_is_the_pipeline_of_before():
    before = Pipeline(
        [
            ("voice", VoiceTokenizer(quote_namespace=True)),
            (
                "tfidf",
                TfidfVectorizer(
                    token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), min_df=2,
                    max_features=200_000, sublinear_tf=True, dtype=np.float32,
                ),
            ),
        ]
    )
    now = _features(TrainConfig(char_ngrams=None))
    assert [name for name, _ in now.steps] == ["voice", "tfidf"]
    assert type(now[-1]) is TfidfVectorizer
    assert now.get_params(deep=True).keys() == before.get_params(deep=True).keys()
    assert repr(now) == repr(before)
