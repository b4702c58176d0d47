"""The item text cut into runs for the page: which run is a span, how strong, quoted or not.

Everything here is plain data; the template escapes every run, so a text's own
markup is shown, never interpreted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from training.text.segments import segment

LEVELS = 10


@dataclass(frozen=True)
class Run:
    text: str
    span: int | None  # index into the item's spans
    level: int  # 1..LEVELS: colour intensity, from the span's score
    quote: bool
    title: str


def level(score: float) -> int:
    return min(LEVELS, max(1, math.ceil(score * LEVELS)))


def evidence_words(span: dict) -> list[str]:
    return [e.get("text") or e.get("feature") or f"{e['start']}–{e['end']}" for e in span.get("evidence", [])]


def span_title(span: dict) -> str:
    words = ", ".join(evidence_words(span))
    kind = "quoted passage" if span["kind"] == "quote" else "author's text"
    return f"{kind} · score {span['score']:.2f}" + (f" · evidence: {words}" if words else "")


def runs(text: str, spans: list[dict]) -> list[Run]:
    """`text` as consecutive runs; every boundary of a span or a quoted segment starts a new run."""
    quotes = [(s.start, s.end) for s in segment(text) if s.kind == "quote"]
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((s["start"], s["end"]))
    for a, b in quotes:
        cuts.update((a, b))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[Run] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        idx = next((i for i, s in enumerate(spans) if s["start"] <= a and b <= s["end"]), None)
        quote = any(qa <= a and b <= qb for qa, qb in quotes)
        if idx is None:
            out.append(Run(text[a:b], None, 0, quote, "quoted" if quote else ""))
        else:
            s = spans[idx]
            out.append(Run(text[a:b], idx, level(s["score"]), quote or s["kind"] == "quote", span_title(s)))
    return out
