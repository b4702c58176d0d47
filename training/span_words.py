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
    its raw tokens normalised: those spans are tokenised in one batch scan, its
    offsets shifted into their texts. Spans that hold quotes take `voice_words`.
    """
    names: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    bounds = [0]
    scanned = _scanned(spans, quote_namespace) if len(spans) >= SCAN_SPANS else {}
    for k, (text, seg) in enumerate(spans):
        got = scanned.get(k) or _columns(voice_words(text, seg, quote_namespace))
        names += got[0]
        starts += got[1]
        ends += got[2]
        bounds.append(len(names))
    return SpanWords(names, starts, ends, bounds)


def _scanned(spans: list[tuple[str, Segment]], quote_namespace: bool) -> dict[int, tuple[list, list, list]]:
    """Words of the spans without quotes of their own, by span number, from one batch scan."""
    plain = [k for k, (text, seg) in enumerate(spans) if not (quote_namespace and quotes_in(text, seg.start, seg.end))]
    if not plain:
        return {}
    batch = BatchTokens([spans[k][0][spans[k][1].start : spans[k][1].end] for k in plain])
    raws, first = batch.raws, batch.first
    shift = np.fromiter((spans[k][1].start for k in plain), dtype=np.int64, count=len(plain)) - batch.base
    start_arr = batch.starts + np.repeat(shift, np.diff(first))
    ends = (start_arr + np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))).tolist()
    starts = start_arr.tolist()
    words = list(map(normalize_token, raws))
    out = {}
    for j, k in enumerate(plain):
        lo, hi = first[j], first[j + 1]
        ws = words[lo:hi]
        if all(map(str.isalnum, ws)):
            out[k] = (ws, starts[lo:hi], ends[lo:hi])
        else:
            out[k] = _columns(_unfolded(ws, starts[lo:hi], ends[lo:hi]))
    return out


def _columns(occ: list[tuple[str, int, int]]) -> tuple[list, list, list]:
    """(words, starts, ends) of a list of (word, start, end)."""
    return [w for w, _, _ in occ], [s for _, s, _ in occ], [e for _, _, e in occ]
