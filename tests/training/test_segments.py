from hypothesis import given
from hypothesis import strategies as st

from training.features import voice_tokens
from training.text.quotes import find_quotes
from training.text.segments import segment


def _quoted(text):
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_quote_styles():
    assert _quoted('He said "we will return," and left.') == ["we will return"]
    assert _quoted("Elle a dit « nous reviendrons » hier.") == ["nous reviendrons"]
    assert _quoted("The group vowed that \u201ccrusaders\u201d would be punished by \u201cthe lions\u201d.") == [
        "crusaders",
        "the lions",
    ]
    assert _quoted("The leaflet read: \u2018the land will be ours\u2019, police said.") == ["the land will be ours"]


def test_apostrophes_are_not_quotes():
    assert _quoted("The IS' eagerness and the fighters' blood don't make a quote.") == []


def test_open_quote_runs_to_the_end_of_its_paragraph():
    text = '"We will return and the land will be ours.\nPolice said the message was old.'
    assert _quoted(text) == ["We will return and the land will be ours."]


def test_quotes_and_sentences_become_segments():
    text = 'Police said on Monday that the cell was small. "We will crush them all," the leaflet said.'
    segs = [(text[s.start : s.end], s.kind) for s in segment(text)]
    assert segs == [
        ("Police said on Monday that the cell was small.", "text"),
        ("We will crush them all", "quote"),
        ("the leaflet said.", "text"),
    ]


def test_quoted_words_get_their_own_namespace():
    assert voice_tokens('Police said "we will return" today') == ["police", "said", "q_we", "q_will", "q_return", "today"]
    assert voice_tokens('Police said "we will return" today', quote_namespace=False)[2] == "we"


text_with_quotes = st.text(
    st.one_of(st.characters(codec="utf-8", exclude_categories=["Cs"]), st.sampled_from('"\'“”‘’«»„.!?\n ')),
    max_size=400,
)


@given(text_with_quotes)
def test_segments_are_sorted_disjoint_and_in_bounds(text):
    prev_end = 0
    for seg in segment(text):
        assert prev_end <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end].strip() == text[seg.start : seg.end]
        prev_end = seg.end
