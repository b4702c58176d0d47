"""Raw tokens -> voice-token types, each with its word id and character-gram columns.

A type is a voice token as the vectorisers see it (``q_word``, ``word``). A raw
token is normalised, looked up as a word and cut into character grams once,
when its type is first seen; after that it is one dict lookup per namespace.
Types' grams live in growing arrays as a CSR table (type -> gram columns), so
a batch's grams are one sparse product. Memory is bounded: the raw-token dicts
are cleared when full (types keep their numbers), and the whole table is
replaced, between transforms, when it holds too many types.
"""

from __future__ import annotations

import threading

import numpy as np

from training.features import CONTEXT_PREFIX, QUOTE_PREFIX, word_char_grams
from training.text.tokens import normalize_token

DROP = -1  # URLs, mentions, entities: not in the token stream at all
_MULTI = -2  # this and below: a token that normalises to several words
_CACHE = 1 << 17  # raw tokens remembered per namespace
_MAX_TYPES = 1 << 17  # distinct voice tokens remembered, with their char grams
_MAX_EXPANSIONS = 1 << 14


class _Codes(dict):
    """raw token -> code in one namespace; a dict, so that a hit never leaves C."""

    def __init__(self, lookup: TokenTable, prefix: str):
        super().__init__()
        self.lookup, self.prefix = lookup, prefix

    def __missing__(self, raw: str) -> int:
        if len(self) >= _CACHE:
            self.clear()  # bounded memory; refilling is cheap (types stay numbered)
        code = self[raw] = self.lookup.code(self.prefix, raw)
        return code


class TokenTable:
    """The types seen so far, and the raw tokens of each namespace that map to them.

    A transform uses one table from start to end, so replacing it (when it
    grows too big) never changes what an id means mid-batch.
    """

    def __init__(
        self, words: dict[str, int], unknown: int, grams: dict[str, int] | None, lo: int, hi: int, skip: bool = False
    ):
        self.words, self.unknown = words, unknown
        self.grams, self.lo, self.hi, self.skip = grams, lo, hi, skip
        self.expansions: list[tuple[int, ...]] = []
        self._codes: dict[tuple[int, ...], int] = {}
        self._types: dict[str, int] = {}
        self._lock = threading.Lock()
        self.n_types = 0
        self.word_of = np.zeros(1024, dtype=np.int64)
        self.gptr = np.zeros(1025, dtype=np.int32)
        self.gcol = np.zeros(1 << 14, dtype=np.int32)
        self.gones = np.ones(1 << 14, dtype=np.float32)
        self.namespaces = {p: _Codes(self, p) for p in ("", QUOTE_PREFIX, CONTEXT_PREFIX)}

    def too_big(self) -> bool:
        return self.n_types > _MAX_TYPES or len(self.expansions) > _MAX_EXPANSIONS

    def code(self, prefix: str, raw: str) -> int:
        """DROP, a type id, or a multi-word code (<= _MULTI)."""
        tok = normalize_token(raw)
        if not tok:
            return DROP
        if tok.isalnum() or not any(c.isspace() for c in tok):
            return self.type_id(prefix + tok)
        # NFKC turns a few ligatures into phrases (U+FDFA). The vectorisers read
        # the joined tokens split on whitespace, so the prefix sticks to the
        # first word only; so must we.
        types = tuple(self.type_id(w) for w in (prefix + tok).split())
        with self._lock:
            code = self._codes.get(types)
            if code is None:
                code = self._codes[types] = len(self.expansions)
                self.expansions.append(types)
        return _MULTI - code

    def type_id(self, key: str) -> int:
        t = self._types.get(key)
        if t is not None:
            return t
        wid = self.words.get(key, self.unknown)
        cols = []
        if self.grams is not None:
            get = self.grams.get
            cols = [c for c in map(get, word_char_grams(key, self.lo, self.hi, self.skip)) if c is not None]
        with self._lock:
            t = self._types.get(key)
            if t is None:
                t = self._append(wid, cols)
                self._types[key] = t
        return t

    def _append(self, wid: int, cols: list[int]) -> int:
        t = self.n_types
        if t + 1 >= len(self.word_of):
            self.word_of = np.resize(self.word_of, 2 * len(self.word_of))
            self.gptr = np.resize(self.gptr, 2 * len(self.gptr))
        lo = int(self.gptr[t])
        hi = lo + len(cols)
        if hi > len(self.gcol):
            size = max(2 * len(self.gcol), hi)
            self.gcol = np.resize(self.gcol, size)
            self.gones = np.ones(size, dtype=np.float32)
        self.word_of[t] = wid
        self.gcol[lo:hi] = cols
        self.gptr[t + 1] = hi
        self.n_types = t + 1  # last: a reader never sees a type half written
        return t

    def table(self):
        """(number of types, word ids, gram CSR pointers, columns, ones), consistent with each other."""
        with self._lock:
            return self.n_types, self.word_of, self.gptr, self.gcol, self.gones


def expand(ids: np.ndarray, doc: np.ndarray, expansions: list[tuple[int, ...]]):
    """Remove dropped tokens and put each multi-word token's words in its place."""
    multi = ids <= _MULTI
    if not multi.any():
        keep = ids != DROP
        return ids[keep], doc[keep]
    reps = np.ones(len(ids), dtype=np.int64)
    reps[ids == DROP] = 0
    codes = (_MULTI - ids[multi]).tolist()
    reps[multi] = [len(expansions[c]) for c in codes]
    out = np.repeat(ids, reps)
    out[np.repeat(multi, reps)] = [w for c in codes for w in expansions[c]]
    return out, np.repeat(doc, reps)
