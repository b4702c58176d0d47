"""`modlens data check`: schema, spans, duplicates and balance of labelled JSONL."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sklearn.feature_extraction.text import TfidfVectorizer

from training.jsonl import DataError, iter_jsonl, jsonl_files
from training.labels import LABELS
from training.text.tokens import tokens

OPTIONAL_STR = ("id", "genre", "movement", "lang", "pair", "source")
NEAR_DUPLICATE = 0.9  # cosine similarity of word 1-3-gram tf-idf
MIN_SHARE = 0.10  # a label below this share of the data fails the check


def _record_errors(obj: dict) -> list[str]:
    errs = []
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["field 'text' must be a non-empty string"]
    if obj.get("label") not in LABELS:
        errs.append(f"label {obj.get('label')!r} is not one of {', '.join(LABELS)}")
    for k in OPTIONAL_STR:
        if k in obj and obj[k] is not None and not isinstance(obj[k], str):
            errs.append(f"field {k!r} must be a string")
    spans = obj.get("spans") or []
    if not isinstance(spans, list):
        return errs + ["field 'spans' must be a list"]
    prev_end = -1
    for s in sorted(spans, key=lambda s: s.get("start", 0) if isinstance(s, dict) else 0):
        if not isinstance(s, dict) or not isinstance(s.get("start"), int) or not isinstance(s.get("end"), int):
            errs.append(f"span {s!r} must be {{start: int, end: int}}")
            continue
        if not 0 <= s["start"] < s["end"] <= len(text):
            errs.append(f"span {s['start']}-{s['end']} is out of bounds (text has {len(text)} characters)")
        elif s["start"] < prev_end:
            errs.append(f"span {s['start']}-{s['end']} overlaps the previous span")
        prev_end = max(prev_end, s["end"])
    return errs


def _near_duplicates(texts: list[str]) -> list[tuple[int, int, float]]:
    if len(texts) < 2:
        return []
    X = TfidfVectorizer(analyzer=tokens, ngram_range=(1, 1)).fit_transform(texts)
    # Words alone match paraphrases too loosely; word trigrams too strictly.
    X3 = TfidfVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, ngram_range=(3, 3)).fit_transform(texts)
    sim = (X @ X.T).multiply(X3 @ X3.T).sqrt().tocoo()
    return [(int(i), int(j), float(v)) for i, j, v in zip(sim.row, sim.col, sim.data) if i < j and v >= NEAR_DUPLICATE]


def check(paths: list[Path]) -> dict:
    errors: list[str] = []
    rows: list[tuple[str, int, dict]] = []
    for p in paths:
        for f in jsonl_files(Path(p)):
            try:
                for n, obj in iter_jsonl(f.read_text(encoding="utf-8").splitlines(), str(f)):
                    errors += [f"{f}:{n}: {e}" for e in _record_errors(obj)]
                    rows.append((str(f), n, obj))
            except DataError as e:
                errors.append(str(e))
            except UnicodeDecodeError:
                errors.append(f"{f}: not UTF-8 text")
    valid = [(f, n, o) for f, n, o in rows if isinstance(o.get("text"), str) and o["text"].strip()]
    seen: dict[str, str] = {}
    for f, n, o in valid:
        key = " ".join(o["text"].split()).lower()
        if key in seen:
            errors.append(f"{f}:{n}: exact duplicate of {seen[key]}")
        else:
            seen[key] = f"{f}:{n}"
    near = _near_duplicates([o["text"] for _, _, o in valid])
    for i, j, v in near:
        (fi, ni, _), (fj, nj, _) = valid[i], valid[j]
        errors.append(f"{fj}:{nj}: near-duplicate of {fi}:{ni} (similarity {v:.2f})")
    labels = Counter(o.get("label") for _, _, o in valid)
    total = sum(labels[lab] for lab in LABELS)
    for lab in LABELS:
        if total and labels[lab] / total < MIN_SHARE:
            errors.append(f"label balance: {lab!r} is {labels[lab]} of {total} records (< {MIN_SHARE:.0%})")
    ids = Counter(o.get("id") for _, _, o in valid if o.get("id") is not None)
    errors += [f"id {i!r} is used {c} times" for i, c in ids.items() if c > 1]
    field = lambda k: Counter((o.get("label"), o.get(k) or "-") for _, _, o in valid)  # noqa: E731
    return {
        "records": len(valid),
        "labels": {lab: labels[lab] for lab in LABELS},
        "by_genre": field("genre"),
        "by_movement": field("movement"),
        "by_lang": field("lang"),
        "languages": Counter(o.get("lang") or "-" for _, _, o in valid),
        "span_documents": sum(1 for _, _, o in valid if o.get("spans")),
        "pairs": len({o["pair"] for _, _, o in valid if o.get("pair")}),
        "errors": errors,
    }


def print_report(report: dict, console: Console) -> None:
    table = Table(title=f"{report['records']} records", show_header=True)
    table.add_column("breakdown")
    for lab in LABELS:
        table.add_column(lab, justify="right")
    for name in ("by_lang", "by_movement", "by_genre"):
        keys = sorted({k for _, k in report[name]})
        for k in keys:
            table.add_row(f"{name[3:]}: {k}", *(str(report[name].get((lab, k), 0)) for lab in LABELS))
    table.add_row("total", *(str(report["labels"][lab]) for lab in LABELS), style="bold")
    console.print(table)
    langs = ", ".join(f"{k}: {v}" for k, v in sorted(report["languages"].items()))
    console.print(f"languages: {langs}; documents with gold spans: {report['span_documents']}; pairs: {report['pairs']}")
    for e in report["errors"][:200]:
        console.print(f"[red]error[/] {e}", highlight=False)
    if len(report["errors"]) > 200:
        console.print(f"... and {len(report['errors']) - 200} more errors")
    console.print("[green]ok[/]" if not report["errors"] else f"[red]{len(report['errors'])} error(s)[/]")
