"""Character n-grams of the author's words: the analyser, the words-only switch,
the artifact, the fast path's caches and the evidence they give."""

from training.features import AuthorCharGrams, word_char_grams


def test_grams_are_padded_words_and_skip_quoted_and_attribution_tokens():
    assert word_char_grams("isis", 3, 5) == [" is", "isi", "sis", "is ", " isi", "isis", "sis ", " isis", "isis "]
    assert word_char_grams("a", 3, 5) == [" a "]  # no gram longer than the padded word
    assert word_char_grams("q_caliphate", 3, 5) == [] and word_char_grams("c_said", 3, 5) == []
    analyse = AuthorCharGrams(3, 4)
    assert analyse("we q_will c_said go") == word_char_grams("we", 3, 4) + word_char_grams("go", 3, 4)
    assert analyse == AuthorCharGrams(3, 4) != AuthorCharGrams(3, 5)
