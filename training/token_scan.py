r"""Raw tokens of a whole batch of documents at once, with their offsets.

`raw_token_spans` runs a regex over each document: ~200 ns a token, a fifth
of the time of scoring with spans. In a document without URLs, mentions or
HTML entities (no "@", "&", "://", "www."), the regex's tokens are the maximal
runs of letters, digits (`[^\W_]`, which is `str.isalnum`) and marks
(`_MARK`), camelCase words split where a lower-case ASCII letter meets an
upper-case one. Those runs are found for every such document together: the
texts laid end to end, one separator apart, as code points in numpy, classed
by one table lookup. The tokens' strings come from one `str.split` of the
batch with every other character turned into a space. URLs, mentions and
entities are found by `_links` in the documents that may hold them, kept out
of the runs and put in as tokens of their own. Tests hold the result to
`raw_token_spans` of each document, for any text.
"""

from __future__ import annotations

import re

import numpy as np

from training.text.tokens import _LETTER, _MARK, LINKS, may_hold_links

_SEP = "\x00"  # between documents: not alphanumeric, so no run crosses it
# Classes of the code points below 0x10000 (every mark and quote mark is one), built on first use.
_ALNUM, _INWORD, _OPENS, _APOSTROPHE = 1, 2, 4, 8
_CLASSES: np.ndarray | None = None


def _classes() -> np.ndarray:
    global _CLASSES
    if _CLASSES is None:
        bmp = "".join(map(chr, range(0x10000)))
        table = np.zeros(0x10000, dtype=np.uint8)
        table[[m.start() for m in re.finditer(_LETTER, bmp)]] |= _ALNUM | _INWORD
        table[[m.start() for m in re.finditer(_MARK, bmp)]] |= _INWORD
        # Characters that can open a quote (training.text.quotes._PAIRS), and the
        # two of them that cannot right after a letter or digit (an apostrophe: don't).
        table[[ord(c) for c in "\u201c\u201e\u00ab\u2018\"'"]] |= _OPENS
        table[[ord("'"), 0x2018]] |= _APOSTROPHE
        _CLASSES = table
    return _CLASSES


def _classify(cps: np.ndarray) -> np.ndarray:
    """The class bits of each code point (above 0x10000: alphanumeric or nothing)."""
    table = _classes()
    astral = cps >= 0x10000
    if not astral.any():
        return table[cps]
    out = table[np.where(astral, 0, cps)]
    seen, back = np.unique(cps[astral], return_inverse=True)
    out[astral] = np.array([_ALNUM | _INWORD if chr(c).isalnum() else 0 for c in seen.tolist()], dtype=np.uint8)[back]
    return out


class BatchTokens:
    """The raw tokens of `texts`, document after document, with offsets into the texts laid end to end.

    `base[i]` is where text i starts (texts are one `_SEP` apart); `starts`,
    `match_starts` and `match_ends` are numpy arrays in those offsets, and the
    same as lists; `first[i]:first[i + 1]` are text i's tokens and
    `first_match` likewise its regex matches. A camelCase word is one match
    and several tokens, as in `raw_token_spans`.
    """

    def __init__(self, texts: list[str]):
        n = len(texts)
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n) + 1
        self.base = np.cumsum(sizes) - sizes
        cps = np.frombuffer(_SEP.join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        cls = _classify(cps)
        # Where a quote could open: a mark, unless it is an apostrophe after a letter or digit.
        mark = (cls & _OPENS).astype(bool)
        self.is_mark = mark.copy()  # a slice that starts at an apostrophe may open there
        mark[1:] &= ~((cls[1:] & _APOSTROPHE).astype(bool) & (cls[:-1] & _ALNUM).astype(bool))
        self.opening_marks = np.flatnonzero(mark)
        # Without URLs, mentions or entities, a token is a maximal run of letters,
        # digits and marks (what TOKEN_RE's word alternatives match; without marks, _LETTERS_RE's runs).
        link_starts, link_ends, link_raws = _links(texts, self.base.tolist())
        word = (cls & _INWORD).astype(bool)
        for s, e in zip(link_starts, link_ends):
            word[s:e] = False
        change = np.flatnonzero(np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0)))
        ms, me = change[0::2], change[1::2]
        lower = (cps >= 97) & (cps <= 122)
        upper = (cps >= 65) & (cps <= 90)
        cuts = np.flatnonzero(lower[:-1] & upper[1:] & word[:-1] & word[1:]) + 1
        starts = np.sort(np.concatenate((ms, cuts))) if len(cuts) else ms
        chars = np.where(word, cps, np.uint32(32))
        if len(cuts):
            chars = np.insert(chars, cuts, np.uint32(32))
        raws = chars.tobytes().decode("utf-32-le", "surrogatepass").split()
        if len(raws) != len(starts):  # pragma: no cover - every run is one token by construction
            raise AssertionError("token scan out of step")
        if link_raws:  # a link is one match and one token
            ls, le = np.array(link_starts, dtype=np.int64), np.array(link_ends, dtype=np.int64)
            at = np.searchsorted(starts, ls)
            raws = _interleave(raws, at.tolist(), link_raws)
            starts = np.insert(starts, at, ls)
            at_m = np.searchsorted(ms, ls)
            ms, me = np.insert(ms, at_m, ls), np.insert(me, at_m, le)
        self.raws = raws
        self.starts, self.match_starts, self.match_ends = starts, ms, me
        ends = self.base + sizes - 1
        self.first = np.searchsorted(starts, np.append(self.base, ends[-1] if n else 0)).tolist()
        self.first_match = np.searchsorted(ms, np.append(self.base, ends[-1] if n else 0)).tolist()
        self.starts_list = starts.tolist()
        self.ms_list = ms.tolist() if ms is not starts else self.starts_list
        self.me_list = me.tolist()


# What TOKEN_RE matches before its word alternatives. A URL cannot start inside
# a word: there the word alternative has taken its first letters already. On
# their own, every alternative begins with a literal, so the regex engine jumps
# from one of "hw@&" to the next (three times faster than a grouped form).
_LINK_RE = re.compile(LINKS)


def _links(texts: list[str], base: list[int]) -> tuple[list[int], list[int], list[str]]:
    """(starts, ends, strings) of TOKEN_RE's URL, mention and entity matches, in the batch's offsets."""
    starts: list[int] = []
    ends: list[int] = []
    raws: list[str] = []
    for i, text in enumerate(texts):
        if not may_hold_links(text):
            continue
        m = _LINK_RE.search(text)
        while m is not None:
            s = m.start()
            if text[s] in "hw" and s and _in_word(text[s - 1]):
                m = _LINK_RE.search(text, s + 1)  # inside a word: not a match of TOKEN_RE
                continue
            starts.append(base[i] + s)
            ends.append(base[i] + m.end())
            raws.append(m.group())
            m = _LINK_RE.search(text, m.end())
    return starts, ends, raws


def _in_word(c: str) -> bool:
    """Is `c` a letter, digit or mark (a character a word of TOKEN_RE runs through)?"""
    cp = ord(c)
    return bool(_classes()[cp] & _INWORD) if cp < 0x10000 else c.isalnum()


def _interleave(items: list, at: list[int], new: list) -> list:
    """`items` with new[k] put before items[at[k]] (`at` ascending), in one pass."""
    out, done = [], 0
    for a, x in zip(at, new):
        out += items[done:a]
        out.append(x)
        done = a
    out += items[done:]
    return out
