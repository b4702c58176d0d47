"""Labelled training records and the provenance the model metadata records."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from training.jsonl import DataError, iter_jsonl, jsonl_files
from training.labels import LABELS


@dataclass(frozen=True, slots=True)
class Record:
    text: str
    label: str
    id: str
    source: str
    # Records sharing a group never straddle a train/test split: contrastive
    # twins share a `pair`, tweets share an author.
    group: str
    spans: tuple[tuple[int, int], ...] = ()
    genre: str | None = None
    lang: str | None = None


@dataclass
class Corpus:
    records: list[Record] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(sum(f["skipped"].values()) for f in self.files)

    def counts(self) -> dict[str, int]:
        c = Counter(r.label for r in self.records)
        return {label: c.get(label, 0) for label in LABELS}


def _spans(obj: dict, text: str, where: str, n: int) -> tuple[tuple[int, int], ...]:
    raw = obj.get("spans") or []
    out = []
    for s in raw:
        try:
            start, end = (s["start"], s["end"]) if isinstance(s, dict) else s
        except (KeyError, TypeError, ValueError):
            raise DataError(where, n, f"span {s!r} is not {{start, end}}") from None
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise DataError(where, n, f"span {s!r} is out of bounds for a text of {len(text)} characters")
        out.append((start, end))
    return tuple(sorted(out))


def read_file(path: Path) -> tuple[list[Record], dict]:
    where = str(path)
    data = path.read_bytes()
    records: list[Record] = []
    skipped: Counter[str] = Counter()
    lines = data.decode("utf-8", errors="strict").splitlines()
    for n, obj in iter_jsonl(lines, where):
        text, label = obj.get("text"), obj.get("label")
        if not isinstance(text, str) or not text.strip():
            raise DataError(where, n, "field 'text' must be a non-empty string")
        if label not in LABELS:
            skipped[str(label)] += 1
            continue
        rid = str(obj.get("id") or f"{path.stem}:{n}")
        group = obj.get("pair") or obj.get("group") or rid
        records.append(
            Record(
                text=text,
                label=label,
                id=rid,
                source=str(obj.get("source") or path.stem),
                group=f"{path.stem}/{group}",
                spans=_spans(obj, text, where, n),
                genre=obj.get("genre"),
                lang=obj.get("lang"),
            )
        )
    info = {
        "path": where,
        "sha256": hashlib.sha256(data).hexdigest(),
        "records": len(records),
        "skipped": dict(skipped),
    }
    return records, info


def read_corpus(paths: list[Path]) -> Corpus:
    corpus = Corpus()
    for p in paths:
        for f in jsonl_files(Path(p)):
            try:
                records, info = read_file(f)
            except UnicodeDecodeError as e:
                raise DataError(str(f), None, f"not UTF-8 text ({e.reason})") from None
            corpus.records += records
            corpus.files.append(info)
    if not corpus.records:
        raise DataError(", ".join(map(str, paths)), None, "no records with a known label")
    return corpus
