"""Token codes of documents and of all their segments, each document tokenised once.

Scoring with spans transforms every document together with its segments
(~28 for 300 words: sentences, and quotes with their attribution), and
tokenising each segment again cost as much as the documents themselves. A
segment is a character range of its document and tokens carry offsets, so
its tokens are the document's tokens inside the range, looked up in the
segment's own namespace. That holds as long as no regex match crosses an edge
of the range (a URL running into a quote mark, a word cut in two), so such an
item, and a segment whose own words hold quotes (they would be `q_` words),
is tokenised on its own instead: the codes always equal `item_codes` of the
documents followed by the segments' `scoring_input`s.
"""

from __future__ import annotations

from bisect import bisect_left

from training.features import CONTEXT_PREFIX, QUOTE_PREFIX, voice_pieces
from training.text.quotes import Quote, quotes_in
from training.text.segments import Segment, attribution_bounds, scoring_input
from training.text.tokens import raw_token_spans, raw_tokens


def item_codes(namespaces: dict, quote_namespace: bool, items) -> tuple[list[int], list[int]]:
    """(codes of all items' voice tokens, one after another; the number of codes of each item)."""
    flat: list[int] = []
    lengths = []
    for item in items:
        before = len(flat)
        for prefix, piece in voice_pieces(item, quote_namespace):
            flat += map(namespaces[prefix].__getitem__, raw_tokens(piece))
        lengths.append(len(flat) - before)
    return flat, lengths


class _Tokens:
    """One document's raw tokens with offsets, and their codes in the plain namespace."""

    def __init__(self, text: str, plain):
        self.text = text
        self.raws, self.starts, self.ends, self.match_starts, self.match_ends = raw_token_spans(text)
        self.codes = list(map(plain, self.raws))

    def within(self, start: int, end: int, cut: bool = False) -> tuple[list[str], int, int, list[str]] | None:
        """The tokens of text[start:end] as (head, lo, hi, tail): head + raws[lo:hi] + tail.

        None if a match crosses an edge, unless `cut` and it is a plain word
        (letters and digits only): then the slice holds the piece of it, as a
        token of its own (the attribution's 60 characters cut words so).
        """
        if end <= start:
            return [], 0, 0, []  # an empty slice has no tokens
        text, ms, me = self.text, self.match_starts, self.match_ends
        head = tail = []
        lo = bisect_left(ms, start)
        if lo and me[lo - 1] > start:  # the last match to begin before `start` runs past it
            if not (cut and text[ms[lo - 1] : me[lo - 1]].isalnum()):
                return None
            if me[lo - 1] >= end:
                return raw_tokens(text[start:end]), 0, 0, []
            head, start = raw_tokens(text[start : me[lo - 1]]), me[lo - 1]
        hi = bisect_left(ms, end)
        if hi and me[hi - 1] > end:  # the last match to begin before `end` runs past it
            if not (cut and text[ms[hi - 1] : me[hi - 1]].isalnum()):
                return None
            tail, end = raw_tokens(text[ms[hi - 1] : end]), ms[hi - 1]
        if self.starts is ms:  # no camelCase word: tokens are matches
            return head, lo, hi - 1 if tail else hi, tail
        return head, bisect_left(self.starts, start), bisect_left(self.starts, end), tail


def document_codes(
    namespaces: dict, quote_namespace: bool, texts: list[str], quotes: list[list[Quote]], segs: list[list[Segment]]
) -> tuple[list[int], list[int]]:
    """`item_codes(texts + [scoring_input(t, s) for each segment s of each text t])`, read off each text's tokens."""
    plain, quoted, context = (namespaces[p].__getitem__ for p in ("", QUOTE_PREFIX, CONTEXT_PREFIX))
    doc_flat: list[int] = []
    doc_lengths = []
    flat: list[int] = []
    lengths = []
    for text, qs, ss in zip(texts, quotes, segs):
        tok = _Tokens(text, plain)
        before = len(doc_flat)
        if not _document(tok, qs if quote_namespace else [], quoted, doc_flat):
            doc_flat += item_codes(namespaces, quote_namespace, [text])[0]
        doc_lengths.append(len(doc_flat) - before)
        for seg in ss:
            before = len(flat)
            if not _segment(tok, text, seg, quote_namespace, context, flat):
                flat += item_codes(namespaces, quote_namespace, [scoring_input(text, seg)])[0]
            lengths.append(len(flat) - before)
    return doc_flat + flat, doc_lengths + lengths


def _document(tok: _Tokens, quotes: list[Quote], quoted, out: list[int]) -> bool:
    """Append a document's codes (quoted words in their namespace); False, appending nothing, if a match crosses a quote's edge."""
    inside = []
    for q in quotes:
        span = tok.within(q.start, q.end)
        if span is None:
            return False
        inside.append(span[1:3])
    done = 0
    for lo, hi in inside:
        out += tok.codes[done:lo]
        out += map(quoted, tok.raws[lo:hi])
        done = hi
    out += tok.codes[done:]
    return True


def _segment(tok: _Tokens, text: str, seg: Segment, quote_namespace: bool, context, out: list[int]) -> bool:
    """Append a segment's codes as `item_codes` would give them; False, appending nothing, where they may differ."""
    words = tok.within(seg.start, seg.end)
    if words is None or (quote_namespace and quotes_in(text, seg.start, seg.end)):
        return False
    if seg.kind != "quote":
        out += tok.codes[words[1] : words[2]]
        return True
    # The attribution's two slices are joined by " \n ": no token spans the join.
    (a, b), (c, d) = attribution_bounds(text, seg)
    left, right = tok.within(a, b, cut=True), tok.within(c, d, cut=True)
    if left is None or right is None:
        return False
    out += tok.codes[words[1] : words[2]]
    for head, lo, hi, tail in (left, right):
        out += map(context, head)
        out += map(context, tok.raws[lo:hi])
        out += map(context, tail)
    return True
