from hypothesis import given
from hypothesis import strategies as st

from training.text.tokens import normalize_token, tokens, tokens_with_offsets


def test_evasions_normalise_to_the_plain_word():
    plain = tokens("kill the caliphate")
    assert tokens("K1LL the саliphаte") == plain  # leetspeak, Cyrillic а
    assert tokens("ki\u200bll the ｃａｌｉｐｈａｔｅ") == plain  # zero-width space, fullwidth
    assert tokens("kiiiiill the caliphaaaate") == tokens("kiill the caliphaate")


def test_urls_mentions_and_entities_carry_no_signal():
    assert tokens("RT @someone: read https://example.org/x?y=1 &amp; www.example.com now") == ["read", "now"]


def test_numbers_and_other_scripts_are_left_alone():
    assert tokens("2014 الدولة Αθήνα") == ["2014", "الدولة", "αθηνα"]
    assert tokens("#dawla_islamiya") == ["dawla", "islamiya"]


# Any Unicode at all, including combining marks, RTL marks and NUL.
unicode_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)


@given(unicode_text)
def test_offsets_point_into_the_original_text(text):
    found = tokens_with_offsets(text)
    assert [t for t, _, _ in found] == tokens(text)
    prev = 0
    for tok, start, end in found:
        assert prev <= start < end <= len(text)
        assert normalize_token(text[start:end]) == tok
        prev = end


def test_retweet_markers_urls_and_mentions_carry_no_signal():
    assert tokens("RT @user_1: Art is long https://example.org/x") == ["art", "is", "long"]
    assert tokens("the rt of it") == ["the", "rt", "of", "it"]


def test_camelcase_hashtags_split_into_their_words():
    text = "#WilayatNinawa news via @SomeUser https://example.org/AbCd ISIS iPhone"
    found = tokens_with_offsets(text)
    assert [t for t, _, _ in found] == ["wilayat", "ninawa", "news", "via", "isis", "i", "phone"]
    # Offsets still point at each part inside the hashtag.
    assert [text[s:e] for _, s, e in found[:2]] == ["Wilayat", "Ninawa"]
