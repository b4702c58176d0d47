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
# Geometric mean of word and word-trigram tf-idf cosines: one changed word in a
# twenty-word sentence still counts as a near-duplicate.
NEAR_DUPLICATE = 0.85
MIN_SHARE = 0.10  # a label below this share of the data fails the check


def _record_errors(obj: dict) -> list[str]:
    errs = []
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["field 'text' must be a non-empty string"]
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
    """Pairs whose word and word-trigram cosines have a geometric mean >= NEAR_DUPLICATE.

    Raw term frequencies, not idf: a shared rare word must not make two
    different texts alike, nor one changed word make two copies different.
    """
    if len(texts) < 2:
        return []
    vec = dict(tokenizer=tokens, lowercase=False, token_pattern=None, use_idf=False)
    X3 = TfidfVectorizer(ngram_range=(3, 3), **vec).fit_transform(texts)
    # Trigram cosine bounds the mean from above, so it prunes the candidates.
    tri = (X3 @ X3.T).tocoo()
    cand = [(i, j, v) for i, j, v in zip(tri.row, tri.col, tri.data) if i < j and v >= NEAR_DUPLICATE**2]
    if not cand:
        return []
    X1 = TfidfVectorizer(ngram_range=(1, 1), **vec).fit_transform(texts)
    out = []
    for i, j, v in cand:
        uni = float(X1[i].multiply(X1[j]).sum())
        score = (uni * v) ** 0.5
        if score >= NEAR_DUPLICATE:
            out.append((int(i), int(j), score))
    return out


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
    warnings = [
        f"{f}:{n}: label {o.get('label')!r} is not one of {', '.join(LABELS)}; training skips it"
        for f, n, o in valid
        if o.get("label") not in LABELS
    ]
    seen: dict[str, str] = {}
    keys = [" ".join(o["text"].split()).lower() for _, _, o in valid]
    for (f, n, _), key in zip(valid, keys):
        if key in seen:
            errors.append(f"{f}:{n}: exact duplicate of {seen[key]}")
        else:
            seen[key] = f"{f}:{n}"
    for i, j, v in _near_duplicates([o["text"] for _, _, o in valid]):
        if keys[i] == keys[j]:
            continue
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
        "span_documents": Counter(o.get("label") for _, _, o in valid if o.get("spans")),
        "pairs": len({o["pair"] for _, _, o in valid if o.get("pair")}),
        "errors": errors,
        "warnings": warnings,
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
    spans = ", ".join(f"{k}: {v}" for k, v in sorted(report["span_documents"].items()))
    console.print(f"languages: {langs}", highlight=False)
    console.print(f"documents with gold spans: {spans or 0}; contrastive pairs: {report['pairs']}", highlight=False)
    for w in report["warnings"][:20]:
        console.print(f"[yellow]warning[/] {w}", highlight=False)
    if len(report["warnings"]) > 20:
        console.print(f"... and {len(report['warnings']) - 20} more warnings")
    for e in report["errors"][:200]:
        console.print(f"[red]error[/] {e}", highlight=False)
    if len(report["errors"]) > 200:
        console.print(f"... and {len(report['errors']) - 200} more errors")
    console.print("[green]ok[/]" if not report["errors"] else f"[red]{len(report['errors'])} error(s)[/]")


def markdown(report: dict) -> str:
    """The counts as Markdown tables, for the data card."""
    lines = [f"{report['records']} records: " + ", ".join(f"{lab} {report['labels'][lab]}" for lab in LABELS) + "."]
    spans = ", ".join(f"{k} {v}" for k, v in sorted(report["span_documents"].items()))
    lines.append(f"Documents with gold spans: {spans}. Contrastive pairs: {report['pairs']}.")
    for name, title in (("by_lang", "language"), ("by_movement", "movement"), ("by_genre", "genre")):
        lines += ["", f"| {title} | " + " | ".join(LABELS) + " |", "|---|" + "---:|" * len(LABELS)]
        for k in sorted({k for _, k in report[name]}):
            lines.append(f"| {k} | " + " | ".join(str(report[name].get((lab, k), 0)) for lab in LABELS) + " |")
    return "\n".join(lines) + "\n"
