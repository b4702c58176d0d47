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
_LINE_RE = re.compile(r"[^\n]+")


class Quote(NamedTuple):
    """A quoted passage: `start`/`end` bound its words, without the marks."""

    start: int
    end: int


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _opens(line: str, i: int, ch: str) -> bool:
    nxt = line[i + 1] if i + 1 < len(line) else ""
    if ch in ("'", "\u2018"):
        prev = line[i - 1] if i else " "
        # An apostrophe sits between letters (don't, IS'); a quote does not.
        return not _is_word(prev) and _is_word(nxt)
    return bool(nxt) and not nxt.isspace() or ch == "\u00ab"


def _closes(line: str, i: int, ch: str) -> bool:
    if ch in ("'", "\u2019"):
        nxt = line[i + 1] if i + 1 < len(line) else " "
        return not _is_word(nxt)
    return True


def _scan_line(line: str, base: int, out: list[Quote]) -> None:
    open_at, closers, opener = -1, "", ""
    for i, ch in enumerate(line):
        if open_at < 0:
            if ch in _PAIRS and _opens(line, i, ch):
                open_at, closers, opener = i, _PAIRS[ch], ch
        elif ch in closers and _closes(line, i, ch):
            _emit(line, base, open_at + 1, i, out)
            open_at = -1
    # News style: a quote left open runs to the end of its paragraph. Single
    # marks left open are far more often apostrophes, so they are dropped.
    if open_at >= 0 and opener in _DOUBLE:
        _emit(line, base, open_at + 1, len(line), out)


def _emit(line: str, base: int, start: int, end: int, out: list[Quote]) -> None:
    while start < end and line[start] in _TRIM_START:
        start += 1
    while end > start and line[end - 1] in _TRIM_END:
        end -= 1
    if end > start and any(c.isalnum() for c in line[start:end]):
        out.append(Quote(base + start, base + end))


def find_quotes(text: str) -> list[Quote]:
    """Top-level quoted passages in `text`, in order, never crossing a line break."""
    out: list[Quote] = []
    if not any(c in text for c in _PAIRS):
        return out
    for m in _LINE_RE.finditer(text):
        _scan_line(m.group(), m.start(), out)
    return out
