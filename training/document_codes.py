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
documents followed by the segments' `scoring_input`s. The whole batch is
tokenised at once (`training/token_scan.py`), and the ranges (documents,
their quotes, segments) are found in numpy for the whole batch; only quotes'
attributions and the items that fall back are assembled in Python.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import chain

import numpy as np

from training.features import CONTEXT_PREFIX, QUOTE_PREFIX, voice_pieces
from training.text.quotes import Quote, quotes_in
from training.text.segments import Segment, attribution_bounds, scoring_input
from training.text.tokens import raw_token_spans, raw_tokens
from training.token_scan import BatchTokens

# Up to this many texts, each is tokenised on its own (`codes_one_by_one`): the
# batch scan's numpy setup (~0.1 ms) costs more than it saves on a few texts.
# Measured on 300-word documents (score, ms a document): 1 text 1.17 alone, 1.27 scan;
# 2 texts 0.90, 0.92; 3 texts 0.80, 0.79; 8 texts 0.66, 0.62.
ONE_BY_ONE = 2


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
    """One document's share of a batch's tokens (`BatchTokens`): the batch's lists, this text's ranges of them.

    Offsets in the lists are the batch's (the text's own plus `base`); token
    indices are the batch's too, so `codes[lo:hi]` and `raws[lo:hi]` are read
    off the batch-wide lists.
    """

    def __init__(self, batch: BatchTokens, i: int, text: str, codes: list[int]):
        self.text, self.base, self.raws, self.codes = text, int(batch.base[i]), batch.raws, codes
        self.ms, self.me, self.starts = batch.ms_list, batch.me_list, batch.starts_list
        self.t0, self.t1 = batch.first[i], batch.first[i + 1]
        self.m0, self.m1 = batch.first_match[i], batch.first_match[i + 1]

    @classmethod
    def alone(cls, text: str, plain) -> _Tokens:
        """A text tokenised on its own (`raw_token_spans`): the batch of one text, without numpy."""
        tok = cls.__new__(cls)
        tok.raws, tok.starts, _, tok.ms, tok.me = raw_token_spans(text)
        tok.text, tok.base, tok.codes = text, 0, list(map(plain, tok.raws))
        tok.t0, tok.t1, tok.m0, tok.m1 = 0, len(tok.starts), 0, len(tok.ms)
        return tok

    def within(self, start: int, end: int, cut: bool = False) -> tuple[list[str], int, int, list[str]] | None:
        """The tokens of text[start:end] as (head, lo, hi, tail): head + raws[lo:hi] + tail.

        None if a match crosses an edge, unless `cut` and it is a plain word
        (letters and digits only): then the slice holds the piece of it, as a
        token of its own (the attribution's 60 characters cut words so).
        """
        if end <= start:
            return [], 0, 0, []  # an empty slice has no tokens
        text, ms, me, b = self.text, self.ms, self.me, self.base
        head = tail = []
        lo = bisect_left(ms, start + b, self.m0, self.m1)
        if lo > self.m0 and me[lo - 1] - b > start:  # the last match to begin before `start` runs past it
            # A word cut in front may start a URL with what follows it ("0http://" -> "http://"):
            # only a word followed by white space (or nothing) is cut.
            after = text[me[lo - 1] - b : me[lo - 1] - b + 1]
            if not (cut and text[ms[lo - 1] - b : me[lo - 1] - b].isalnum() and (not after or after.isspace())):
                return None
            if me[lo - 1] - b >= end:
                return raw_tokens(text[start:end]), 0, 0, []
            head, start = raw_tokens(text[start : me[lo - 1] - b]), me[lo - 1] - b
        hi = bisect_left(ms, end + b, self.m0, self.m1)
        if hi > self.m0 and me[hi - 1] - b > end:  # the last match to begin before `end` runs past it
            if not (cut and text[ms[hi - 1] - b : me[hi - 1] - b].isalnum()):
                return None
            tail, end = raw_tokens(text[ms[hi - 1] - b : end]), ms[hi - 1] - b
        if self.t1 - self.t0 == self.m1 - self.m0:  # no camelCase word split: tokens are matches
            shift = self.t0 - self.m0
            return head, lo + shift, (hi - 1 if tail else hi) + shift, tail
        lo, hi = bisect_left(self.starts, start + b, self.t0, self.t1), bisect_left(self.starts, end + b, self.t0, self.t1)
        return head, lo, hi, tail


def document_codes(
    namespaces: dict, quote_namespace: bool, texts: list[str], quotes: list[list[Quote]], segs: list[list[Segment]]
) -> tuple[np.ndarray | list[int], list[int]]:
    """`item_codes(texts + [scoring_input(t, s) for each segment s of each text t])`, read off each text's tokens.

    A few texts (up to `ONE_BY_ONE`) are read one by one, more with the batch scan; the codes are the same.
    """
    pick = codes_one_by_one if len(texts) <= ONE_BY_ONE else codes_by_batch_scan
    return pick(namespaces, quote_namespace, texts, quotes, segs)


def codes_one_by_one(
    namespaces: dict, quote_namespace: bool, texts: list[str], quotes: list[list[Quote]], segs: list[list[Segment]]
) -> tuple[list[int], list[int]]:
    """`document_codes` with each text tokenised on its own, in Python; the codes come as a list."""
    plain, quoted, context = (namespaces[p].__getitem__ for p in ("", QUOTE_PREFIX, CONTEXT_PREFIX))
    doc_flat: list[int] = []
    doc_lengths = []
    flat: list[int] = []
    lengths = []
    for text, qs, ss in zip(texts, quotes, segs):
        tok = _Tokens.alone(text, plain)
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


def codes_by_batch_scan(
    namespaces: dict, quote_namespace: bool, texts: list[str], quotes: list[list[Quote]], segs: list[list[Segment]]
) -> tuple[np.ndarray, list[int]]:
    """`document_codes` with the batch tokenised at once; the codes come as one array. The batch is tokenised at once (`BatchTokens`)
    and an item is at most two runs: its words, read off the batch's codes
    (documents: with their quoted words' codes put in), and a quote's
    attribution. The runs of words are found for the whole batch in numpy;
    attributions and the items that fall back are assembled in Python. One
    indexing gathers them all.
    """
    plain, quoted, context = (namespaces[p].__getitem__ for p in ("", QUOTE_PREFIX, CONTEXT_PREFIX))
    batch = BatchTokens(texts)
    codes_list = list(map(plain, batch.raws))
    codes = np.array(codes_list, dtype=np.int64)
    n, counts = len(texts), [len(ss) for ss in segs]
    # The gather's source: the plain codes, the documents' codes, then `extra`, the runs built in Python.
    doc_codes, bad_docs = _documents(batch, quotes if quote_namespace else [[] for _ in texts], codes, quoted)
    at_doc, at_extra, extra = len(codes), 2 * len(codes), []
    src = np.zeros((n + sum(counts), 2), dtype=np.int64)  # each item's two runs
    size = np.zeros((n + sum(counts), 2), dtype=np.int64)
    src[:n, 0], size[:n, 0] = np.add(batch.first[:-1], at_doc), np.diff(batch.first)
    toks = [_Tokens(batch, i, text, codes_list) for i, text in enumerate(texts)]
    for i in bad_docs:  # a match crosses a quote's edge: tokenised on its own
        before = len(extra)
        extra += item_codes(namespaces, quote_namespace, [texts[i]])[0]
        src[i, 0], size[i, 0] = at_extra + before, len(extra) - before
    ok, lo, hi = _plain_runs(batch, segs, counts, quote_namespace)
    src[n:, 0][ok], size[n:, 0][ok] = lo[ok], (hi - lo)[ok]
    quote = np.fromiter((s.kind == "quote" for ss in segs for s in ss), dtype=bool, count=len(ok))
    owner = np.repeat(np.arange(n), counts)
    first_seg = (np.cumsum(counts) - counts).tolist()
    for k, i in zip(np.flatnonzero(quote & ok).tolist(), owner[quote & ok].tolist()):
        # The quote's words are a run; its attribution is a run of its own, in the context namespace.
        before = len(extra)
        if _attribution(toks[i], texts[i], segs[i][k - first_seg[i]], context, extra):
            src[n + k, 1], size[n + k, 1] = at_extra + before, len(extra) - before
        else:
            ok[k] = False
    for k, i in zip(np.flatnonzero(~ok).tolist(), owner[~ok].tolist()):
        text, seg, before = texts[i], segs[i][k - first_seg[i]], len(extra)
        if not _segment(toks[i], text, seg, quote_namespace, context, extra):
            extra += item_codes(namespaces, quote_namespace, [scoring_input(text, seg)])[0]
        src[n + k], size[n + k] = (at_extra + before, 0), (len(extra) - before, 0)
    source = np.concatenate((codes, doc_codes, np.array(extra, dtype=np.int64)))
    src, size = src.ravel(), size.ravel()
    ends = np.cumsum(size)
    at = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(src - (ends - size), size)
    return source[at], size.reshape(-1, 2).sum(axis=1).tolist()


def _uncut(batch: BatchTokens, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For ranges of the batch's text (in its offsets): does no match cross either edge?

    Offsets are the batch's, where a match never reaches into the next
    document's range, so one search serves every document.
    """
    ok = np.ones(len(start), dtype=bool)
    ms, me = batch.match_starts, batch.match_ends
    if len(ms):
        for edge in (start, end):  # the last match to begin before an edge must end by it
            before = np.searchsorted(ms, edge) - 1
            ok &= (before < 0) | (me[np.maximum(before, 0)] <= edge)
    return ok


def _ranges(pairs: list, owner: np.ndarray, batch: BatchTokens) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of (start, end) pairs of the owners' texts, in the batch's offsets."""
    flat = np.fromiter(chain.from_iterable(p[:2] for p in pairs), dtype=np.int64, count=2 * len(pairs))
    return flat[0::2] + batch.base[owner], flat[1::2] + batch.base[owner]


def _documents(batch: BatchTokens, quotes: list[list[Quote]], codes: np.ndarray, quoted) -> tuple[np.ndarray, list[int]]:
    """Every document's codes, its quoted words in their namespace, and the documents where a match crosses a quote's edge.

    Quotes never overlap, so the quoted tokens' codes are put in place of the plain ones.
    """
    owner = np.repeat(np.arange(len(quotes)), [len(qs) for qs in quotes])
    if not len(owner):
        return codes, []
    start, end = _ranges([q for qs in quotes for q in qs], owner, batch)
    crossed = ~_uncut(batch, start, end)
    bad = np.unique(owner[crossed])
    keep = ~np.isin(owner, bad)
    lo, hi = np.searchsorted(batch.starts, start[keep]), np.searchsorted(batch.starts, end[keep])
    n = hi - lo
    inside = np.arange(n.sum()) + np.repeat(lo - (np.cumsum(n) - n), n)
    out = codes.copy()
    out[inside] = np.fromiter(map(quoted, map(batch.raws.__getitem__, inside.tolist())), dtype=np.int64, count=len(inside))
    return out, bad.tolist()


def _plain_runs(batch: BatchTokens, segs, counts: list[int], quote_namespace: bool):
    """(whether each segment's words are a run of its document's tokens, first token, end token), batch-wide.

    `_segment`'s test of the words, vectorised: a segment whose edges no match
    crosses and where no quote can open (`quotes_in` would find none) has the
    words `codes[lo:hi]`.
    """
    owner = np.repeat(np.arange(len(counts)), counts)
    start, end = _ranges([s for ss in segs for s in ss], owner, batch)
    ok = _uncut(batch, start, end) & (end > start)
    if quote_namespace and len(start):
        marks = batch.opening_marks
        ok &= np.searchsorted(marks, start) == np.searchsorted(marks, end)
        ok &= ~batch.is_mark[np.minimum(start, len(batch.is_mark) - 1)]
    return ok, np.searchsorted(batch.starts, start), np.searchsorted(batch.starts, end)


def _segment(tok: _Tokens, text: str, seg: Segment, quote_namespace: bool, context, out: list[int]) -> bool:
    """Append a segment's codes as `item_codes` would give them; False, appending nothing, where they may differ."""
    words = tok.within(seg.start, seg.end)
    if words is None or (quote_namespace and quotes_in(text, seg.start, seg.end)):
        return False
    if seg.kind != "quote":
        out += tok.codes[words[1] : words[2]]
        return True
    before = len(out)
    out += tok.codes[words[1] : words[2]]
    if _attribution(tok, text, seg, context, out):
        return True
    del out[before:]
    return False


def _attribution(tok: _Tokens, text: str, seg: Segment, context, out: list[int]) -> bool:
    """Append a quote's attribution's codes; False, appending nothing, where a match crosses an edge it may not."""
    # The attribution's two slices are joined by " \n ": no token spans the join.
    (a, b), (c, d) = attribution_bounds(text, seg)
    left, right = tok.within(a, b, cut=True), tok.within(c, d, cut=True)
    if left is None or right is None:
        return False
    for head, lo, hi, tail in (left, right):
        out += map(context, head)
        out += map(context, tok.raws[lo:hi])
        out += map(context, tail)
    return True
