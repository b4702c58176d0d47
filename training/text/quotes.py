"""Find quoted passages, so that reported words can be told from the author's own.

A news article that quotes a leaflet is reporting; the leaflet is propaganda. The
quote marks are the cheapest reliable signal of that difference, so they get a
careful scanner: curly, straight, guillemet and low-9 quotes, nested quotes left
inside their parent, and the news convention of a quote that runs to the end of
its paragraph without a closing mark.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# opener -> closers that end it
_PAIRS = {
    "\u201c": "\u201d\u201c",  # “ ” (some texts close with a second “)
    "\u201e": "\u201c\u201d",  # „ “
    "\u00ab": "\u00bb",  # « »
    "\u2018": "\u2019",  # ‘ ’
    '"': '"',
    "'": "'",
}
_DOUBLE = {"\u201c", "\u201e", "\u00ab", '"'}
_TRIM_END = " \t\r\n,;:"
_TRIM_START = " \t\r\n"
_OPENER = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
# Every character the scanner acts on: the marks and the line break. An
# apostrophe between two letters (don't, group's) can neither open nor close,
# so it is skipped; one leading character class lets the regex engine jump
# straight to candidates. Ten times faster than visiting every character.
_STOPS = re.compile("[\n\"\u201c\u201d\u201e\u00ab\u00bb\u2018'\u2019](?!(?<=[^\\W_]['\u2019])[^\\W_])")


class Quote(NamedTuple):
    """A quoted passage: `start`/`end` bound its words, without the marks."""

    start: int
    end: int


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _opens(text: str, i: int, ch: str) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch in ("'", "\u2018"):
        prev = text[i - 1] if i else " "
        # An apostrophe sits between letters (don't, IS'); a quote does not.
        return not _is_word(prev) and _is_word(nxt)
    return bool(nxt) and not nxt.isspace() or ch == "\u00ab"


def _closes(text: str, i: int, ch: str) -> bool:
    if ch in ("'", "\u2019"):
        nxt = text[i + 1] if i + 1 < len(text) else " "
        return not _is_word(nxt)
    return True


def _scan(text: str, out: list[Quote]) -> None:
    # Only quote marks and line breaks can change the state, so the scan jumps
    # from one to the next instead of visiting every character. Neighbours are
    # read from the whole text: a line break reads like the line's edge.
    open_at, closers, opener = -1, "", ""
    for m in _STOPS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch == "\n":
            # News style: a quote left open runs to the end of its paragraph. Single
            # marks left open are far more often apostrophes, so they are dropped.
            if open_at >= 0 and opener in _DOUBLE:
                _emit(text, open_at + 1, i, out)
            open_at = -1
        elif open_at < 0:
            if ch in _PAIRS and _opens(text, i, ch):
                open_at, closers, opener = i, _PAIRS[ch], ch
        elif ch in closers and _closes(text, i, ch):
            _emit(text, open_at + 1, i, out)
            open_at = -1
    if open_at >= 0 and opener in _DOUBLE:
        _emit(text, open_at + 1, len(text), out)


def _emit(text: str, start: int, end: int, out: list[Quote]) -> None:
    while start < end and text[start] in _TRIM_START:
        start += 1
    while end > start and text[end - 1] in _TRIM_END:
        end -= 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        out.append(Quote(start, end))


def find_quotes(text: str) -> list[Quote]:
    """Top-level quoted passages in `text`, in order, never crossing a line break."""
    out: list[Quote] = []
    if _OPENER.search(text):
        _scan(text, out)
    return out


def quotes_in(text: str, start: int, end: int) -> list[Quote]:
    """`find_quotes(text[start:end])`, without the copy where the slice holds no opening mark."""
    if _OPENER.search(text, start, end) is None:
        return []
    return find_quotes(text[start:end])
