"""Split a document into scoreable segments with offsets into the original text.

Segments are sentences of the author's own text and quoted passages, each on its
own: the leaflet quoted inside an article must be judged apart from the
sentence that attributes it.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from training.text.quotes import Quote, find_quotes

# A sentence ends after terminal punctuation followed by space, or at a line break.
# The white space after an end goes with it: a piece between two ends that is
# only white space is trimmed to nothing, so matching it whole spares the
# empty pieces (a blank line between paragraphs was two) without changing a
# segment.
_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4]+(?=\s)\s*|\n\s*")
_EDGE = " \t\r\n,;:\u2013\u2014-()[]\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019"
# Quotes longer than this are read sentence by sentence: a long quote is often
# a speech whose parts differ.
MAX_QUOTE_CHARS = 600

Kind = Literal["quote", "text"]


class Segment(NamedTuple):
    start: int
    end: int
    kind: Kind


# Quoted words keep their brackets ("[They] will be attacked"); only the
# author's text loses stray punctuation and closing marks at its edges.
_QUOTE_EDGE = " \t\r\n"
_QUOTE_TAIL = " \t\r\n,;:"


def _sentences(text: str, start: int, end: int, kind: Kind, out: list[Segment]) -> None:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    ends.append(end)
    _pieces(text, start, ends, kind, out)


def _pieces(text: str, start: int, ends: list[int], kind: Kind, out: list[Segment]) -> None:
    """The segments of text[start:ends[0]], text[ends[0]:ends[1]], ...: trimmed, and only those of two words or more.

    One loop over the pieces, trimming written out in it: a function call or
    two a piece were a third of the time of segmenting.
    """
    head, tail = (_EDGE, _EDGE) if kind == "text" else (_QUOTE_EDGE, _QUOTE_TAIL)
    pos = start
    for stop in ends:
        a, b, pos = pos, stop, stop
        while a < b and (text[a] in head or text[a].isspace()):
            a += 1
        while b > a and (text[b - 1] in tail or text[b - 1].isspace()):
            b -= 1
        if b > a and _has_two_words(text, a, b):
            out.append(Segment(a, b, kind))


_ALNUM = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s")


def _has_two_words(text: str, start: int, end: int) -> bool:
    """Do at least two whitespace-separated words in text[start:end] hold a letter or digit?

    A letter, then a space, then another letter: three linear searches, no
    copies, and no regex that could backtrack over a megabyte.
    """
    # Most pieces are sentences: a word, a space, a word. str methods answer
    # those without a regex call (str.isalnum is what [^\W_] tests).
    if start < end and text[start].isalnum():
        gap = text.find(" ", start, end)
        if 0 < gap < end - 1 and text[gap + 1].isalnum():
            return True
    m = _ALNUM.search(text, start, end)
    if m is None:
        return False
    gap = _SPACE.search(text, m.end(), end)
    return gap is not None and _ALNUM.search(text, gap.end(), end) is not None


def segment(text: str, quotes: list[Quote] | None = None) -> list[Segment]:
    """Sentences and quoted passages of `text`, sorted and non-overlapping."""
    if quotes is None:
        quotes = find_quotes(text)
    out: list[Segment] = []
    pos = 0
    for q in quotes:
        # The author's text between quotes; the quote marks themselves are
        # outside every segment.
        _sentences(text, pos, _mark_start(text, q.start), "text", out)
        if q.end - q.start > MAX_QUOTE_CHARS:
            _sentences(text, q.start, q.end, "quote", out)
        else:
            _pieces(text, q.start, [q.end], "quote", out)
        pos = q.end
    _sentences(text, pos, len(text), "text", out)
    return out


CONTEXT_CHARS = 60


def attribution(text: str, seg: Segment) -> str:
    """The author's words on either side of a quote, within its line: who is speaking.

    "read the pamphlet" and "said the analyst" are how a reporter marks whose
    words a quote is, so a quote is scored together with them.
    """
    if seg.kind != "quote":
        return ""
    (a, b), (c, d) = attribution_bounds(text, seg)
    return text[a:b] + " \n " + text[c:d]


def attribution_bounds(text: str, seg: Segment) -> tuple[tuple[int, int], tuple[int, int]]:
    """The slices of `text` a quote's attribution is made of: before and after it (either may be empty)."""
    line_start = text.rfind("\n", 0, seg.start) + 1
    line_end = text.find("\n", seg.end)
    line_end = len(text) if line_end < 0 else line_end
    before = (max(line_start, seg.start - CONTEXT_CHARS), _mark_start(text, seg.start))
    return before, (seg.end + 1, min(line_end, seg.end + 1 + CONTEXT_CHARS))


def scoring_input(text: str, seg: Segment) -> str | tuple[str, str]:
    """What the model scores for a segment: its words, and a quote's attribution."""
    words = text[seg.start : seg.end]
    return (words, attribution(text, seg)) if seg.kind == "quote" else words


def _mark_start(text: str, start: int) -> int:
    """Offset of the opening mark before a quote's first word."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return max(i - 1, 0) if i > 0 else 0
