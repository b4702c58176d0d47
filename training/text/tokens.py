"""Tokenisation with evasion-resistant normalisation.

Tokens are found on the *original* string and normalised one at a time, so every
token keeps its exact offsets however much normalisation changes its length
(NFKC, accent folding, homoglyphs, leetspeak, stretched letters). The fast path
used for features and the offset path used for evidence share one regex and one
normaliser, so they cannot disagree.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

# Word characters plus the marks and invisible characters that evaders put
# *inside* words: combining marks, Arabic harakat, zero-width joiners, variation
# selectors. Underscore is a separator, as in hashtags like #dawla_islamiya.
_LETTER = r"[^\W_]"
_MARK = (
    r"[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u200b-\u200d\u2060\ufeff\ufe00-\ufe0f]"
)
# URLs, @mentions and HTML entities are matched so that they are *skipped*:
# in the real data they mark the collection, not the function of a text.
# A word is a maximal run of letters and marks, `(?:L|M)+`; it is written
# unrolled (letter runs, then mark runs) because the regex engine then loops
# once per run instead of once per character: 1.6x faster on the seeds.
LINKS = r"https?://\S+|www\.\S+|@\w+|&#?\w+;"
TOKEN_RE = re.compile(rf"{LINKS}|{_MARK}*{_LETTER}+(?:{_MARK}+{_LETTER}*)*|{_MARK}+")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE.update(dict.fromkeys(range(0xFE00, 0xFE10), None))

# Cyrillic and Greek letters that render like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁɡһӏԛԝаАВЕКМНОРСТХУІЈЅοαινκτρυχεΑΒΕΗΙΚΜΝΟΡΤΥΧΖ",
    "aeopcyxijsdghlqwaabekmhopctxyijsoaivktpuxeabehikmnoptyxz",
)
_LATIN = re.compile(r"[a-z]")
_LEET = str.maketrans("0134578@$", "oieastbas")
_REPEATS = re.compile(r"(.)\1{2,}")
_DIGITS = re.compile(r"\d")


@lru_cache(maxsize=1 << 18)
def normalize_token(raw: str) -> str:
    """Canonical form of one raw token; '' means the token carries no signal."""
    first = raw[0]
    if first == "@" or first == "&" or raw.startswith(("http://", "https://", "www.")):
        return ""
    if raw == "RT":  # the retweet marker, like @mentions, says how a text travelled, not what it does
        return ""
    tok = raw
    if not tok.isascii():
        tok = tok.translate(_INVISIBLE)
        tok = unicodedata.normalize("NFKD", tok)
        tok = "".join(c for c in tok if not unicodedata.combining(c))
        tok = unicodedata.normalize("NFKC", tok)
        lowered = tok.lower()
        # Only latinise words that already mix in Latin letters, or that are
        # made wholly of look-alikes, so real Arabic or Greek text is untouched.
        latinised = lowered.translate(_HOMOGLYPHS)
        if _LATIN.search(lowered) or latinised.isascii():
            lowered = latinised
        tok = lowered
    else:
        tok = tok.lower()
    if _DIGITS.search(tok) and not tok.isdigit() and _LATIN.search(tok):
        tok = tok.translate(_LEET)
    if len(tok) > 2:
        tok = _REPEATS.sub(r"\1\1", tok)
    return tok


# Without URLs, mentions, entities or marks, a token is a run of letters, and
# that regex is twice as fast; the substring tests cost next to nothing.
_LETTERS_RE = re.compile(_LETTER + "+")
_has_mark = re.compile(_MARK).search
# Hashtags run words together (#WilayatAlAnbar, #AmaqAgency): split at a
# lower-to-upper case change, so that the words inside are words of the
# vocabulary and not one unseen token. URLs and @mentions are left whole.
_has_camel = re.compile(r"[a-z][A-Z]").search
_camel_split = re.compile(r"(?<=[a-z])(?=[A-Z])").split
_camel_at = re.compile(r"[a-z](?=[A-Z])")


def _split_camel(raws: list[str]) -> list[str]:
    out = []
    for raw in raws:
        if _has_camel(raw) and raw[0] not in "@&" and not raw.startswith(("http://", "https://", "www.")):
            out += _camel_split(raw)
        else:
            out.append(raw)
    return out


def may_hold_links(text: str) -> bool:
    """Might TOKEN_RE find a URL, @mention or HTML entity in `text`? (Cheap substring tests.)"""
    return "@" in text or "&" in text or "://" in text or "www." in text


def _pattern(text: str) -> re.Pattern:
    """TOKEN_RE, or the letter-run regex where it finds the same tokens."""
    if may_hold_links(text) or (not text.isascii() and _has_mark(text)):
        return TOKEN_RE
    return _LETTERS_RE


def raw_tokens(text: str) -> list[str]:
    """The raw tokens of `text`: `TOKEN_RE.findall(text)`, camelCase words split in two."""
    raws = _pattern(text).findall(text)
    return _split_camel(raws) if _has_camel(text) else raws


_group, _start, _end = re.Match.group, re.Match.start, re.Match.end


def raw_token_spans(text: str) -> tuple[list[str], list[int], list[int], list[int], list[int]]:
    """`raw_tokens(text)` with offsets: (tokens, starts, ends, match starts, match ends).

    A camelCase word is one regex match and several tokens, so the matches'
    offsets come apart from the tokens': a range of `text` holds the same
    tokens as the whole text only where no match crosses its edges.
    """
    found = list(_pattern(text).finditer(text))
    raws, starts, ends = list(map(_group, found)), list(map(_start, found)), list(map(_end, found))
    if not _has_camel(text):
        return raws, starts, ends, starts, ends
    # Split only the words that hold a case change (found in the text, not by
    # visiting every token), last first so that earlier positions hold.
    split, split_starts, split_ends = list(raws), list(starts), list(ends)
    cuts = [m.end() for m in _camel_at.finditer(text)]
    hit = sorted({bisect_right(starts, c) - 1 for c in cuts}, reverse=True)
    for k in hit:
        raw, at = raws[k], starts[k]
        if k < 0 or raw[0] in "@&" or raw.startswith(("http://", "https://", "www.")) or not _has_camel(raw):
            continue
        parts = _camel_split(raw)
        bounds = [at]
        for part in parts:
            bounds.append(bounds[-1] + len(part))
        split[k : k + 1] = parts
        split_starts[k : k + 1] = bounds[:-1]
        split_ends[k : k + 1] = bounds[1:]
    return split, split_starts, split_ends, starts, ends


def tokens(text: str) -> list[str]:
    """Normalised tokens of `text`, without offsets (the hot path)."""
    return list(filter(None, map(normalize_token, raw_tokens(text))))


def tokens_with_offsets(text: str, base: int = 0) -> list[tuple[str, int, int]]:
    """Normalised tokens with (start, end) offsets into `text`, shifted by `base`."""
    raws, starts, ends, _, _ = raw_token_spans(text)
    return [(tok, base + s, base + e) for tok, s, e in zip(map(normalize_token, raws), starts, ends) if tok]
