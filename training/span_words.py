"""The words of spans as the features see them, with offsets into their texts.

Evidence ranks a span's words by what they brought to its score, so it needs
each span's words (``q_`` inside the span's own quotes), normalised as the
features normalise them, and where each one is. The words of all spans of a
call are kept flat, span after span: evidence works on them in numpy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from training.features import voice_pieces
from training.text.quotes import quotes_in
from training.text.segments import Segment
from training.text.tokens import normalize_token, raw_token_spans
from training.token_scan import BatchTokens

# From this many spans in a call, those without quotes of their own are tokenised
# together (`BatchTokens`) rather than by one regex pass each. Measured on the
# benchmark's spans (4,701 in calls of ~470): 3.3 ms against 4.6 ms a call.
SCAN_SPANS = 3


class SpanWords(NamedTuple):
    """Words of a call's spans, flat: span k's are `names[bounds[k]:bounds[k + 1]]`, with their offsets."""

    names: list[str]
    starts: list[int]
    ends: list[int]
    bounds: list[int]

    def of(self, k: int) -> list[tuple[str, int, int]]:
        lo, hi = self.bounds[k], self.bounds[k + 1]
        return list(zip(self.names[lo:hi], self.starts[lo:hi], self.ends[lo:hi]))


def voice_words(text: str, seg: Segment, quote_namespace: bool) -> list[tuple[str, int, int]]:
    """One span's words as the features see them (``q_`` inside its own quotes), with offsets.

    A token that normalises to several words gives each of them the token's offsets.
    """
    out = []
    pos = seg.start
    for prefix, piece in voice_pieces(text[seg.start : seg.end], quote_namespace):
        raws, starts, ends, _, _ = raw_token_spans(piece)
        words = list(map(normalize_token, raws))
        if not prefix and all(map(str.isalnum, words)):
            # Plain words (no prefix, none empty, none holding a space or a
            # symbol): the whole piece at once, in C.
            out += zip(words, map(pos.__add__, starts), map(pos.__add__, ends))
        else:
            out += _unfolded(words, starts, ends, prefix, pos)
        pos += len(piece)
    return out


def _unfolded(words, starts, ends, prefix: str = "", shift: int = 0) -> list[tuple[str, int, int]]:
    """Tokens as words: empty ones dropped, prefixed or several-word ones split, offsets shifted."""
    out = []
    for tok, s, e in zip(words, starts, ends):
        if not tok:
            continue
        if prefix or " " in tok or not tok.isalnum():
            out += [(w, shift + s, shift + e) for w in (prefix + tok).split()]
        else:
            out.append((tok, shift + s, shift + e))
    return out


def span_words(spans: list[tuple[str, Segment]], quote_namespace: bool) -> SpanWords:
    """`voice_words` of each (text, segment) of a call, flat.

    A span without quotes of its own is one unprefixed piece, so its words are
    its raw tokens normalised: from `SCAN_SPANS` spans, those are tokenised in
    one batch scan and stay flat. Spans that hold quotes take `voice_words`
    and are put in their places.
    """
    plain = []
    if len(spans) >= SCAN_SPANS:
        plain = [k for k, (text, seg) in enumerate(spans) if not (quote_namespace and quotes_in(text, seg.start, seg.end))]
    names, starts, ends, counts = _scanned([spans[k] for k in plain])
    at = np.append(0, np.cumsum(counts)).tolist()
    if len(plain) == len(spans):
        return SpanWords(names, starts, ends, at)
    # Some spans are read one by one: the flat runs of the others are cut around them.
    out = SpanWords([], [], [], [0])
    scanned = dict(zip(plain, range(len(plain))))
    for k, (text, seg) in enumerate(spans):
        j = scanned.get(k)
        if j is None:
            got = _columns(voice_words(text, seg, quote_namespace))
        else:
            lo, hi = at[j], at[j + 1]
            got = (names[lo:hi], starts[lo:hi], ends[lo:hi])
        out.names.extend(got[0])
        out.starts.extend(got[1])
        out.ends.extend(got[2])
        out.bounds.append(len(out.names))
    return out


def _scanned(spans: list[tuple[str, Segment]]) -> tuple[list[str], list[int], list[int], np.ndarray]:
    """(words, starts, ends, words per span) of spans without quotes of their own, from one batch scan."""
    if not spans:
        return [], [], [], np.zeros(0, dtype=np.int64)
    batch = BatchTokens([text[seg.start : seg.end] for text, seg in spans])
    raws, first = batch.raws, batch.first
    counts = np.diff(first)
    shift = np.fromiter((seg.start for _, seg in spans), dtype=np.int64, count=len(spans)) - batch.base
    start_arr = batch.starts + np.repeat(shift, counts)
    ends = (start_arr + np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))).tolist()
    starts = start_arr.tolist()
    words = list(map(normalize_token, raws))
    odd = np.flatnonzero(~np.fromiter(map(str.isalnum, words), dtype=bool, count=len(words)))
    if not len(odd):
        return words, starts, ends, counts
    # The odd words (empty, or several words in one) go through `_unfolded`, in place.
    cols: tuple[list, list, list] = ([], [], [])
    done = 0
    parts = [_unfolded([words[i]], [starts[i]], [ends[i]]) for i in odd.tolist()]
    for i, got in zip(odd.tolist(), parts):
        for col, src, new in zip(cols, (words, starts, ends), _columns(got)):
            col += src[done:i]
            col += new
        done = i + 1
    for col, src in zip(cols, (words, starts, ends)):
        col += src[done:]
    counts = counts.copy()
    np.add.at(counts, np.searchsorted(first, odd, side="right") - 1, np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) - 1)
    return *cols, counts


def _columns(occ: list[tuple[str, int, int]]) -> tuple[list, list, list]:
    """(words, starts, ends) of a list of (word, start, end)."""
    return [w for w, _, _ in occ], [s for _, s, _ in occ], [e for _, _, e in occ]
