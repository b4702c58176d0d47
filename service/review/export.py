"""Reviewers' decisions as training JSONL that `modlens train --data` reads.

One record per decided item whose text was stored, from its latest label
decision (escalations are not labels):
  {"id": "review-<item>", "text", "label", "source": "review", "spans"?, ...}

Spans follow the training corpus's meaning: gold `spans` are propaganda
passages inside a document whose other segments are reporting voice (a news
story quoting a leaflet). So they are written for `reporting` decisions where
the reviewer kept at least one highlighted passage; a `propaganda` or
`unrelated` decision carries its label for the whole text and no spans.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.review.db import Item
from service.review.queue import LABEL_ACTIONS


def records(db: Session) -> tuple[list[dict], dict[str, int]]:
    """The export records and counts of what was left out and why."""
    out: list[dict] = []
    skipped = {"not_stored": 0, "escalated_only": 0}
    decided = select(Item).where(Item.status != "pending").order_by(Item.id)
    items = db.scalars(decided.options(selectinload(Item.decisions)))
    for item in items:
        labelled = [d for d in item.decisions if d.action in LABEL_ACTIONS]
        if not labelled:
            skipped["escalated_only"] += 1
            continue
        if item.text is None:
            skipped["not_stored"] += 1
            continue
        d = labelled[-1]
        rec = {"id": f"review-{item.id}", "text": item.text, "label": d.action, "source": "review"}
        if d.action == "reporting" and d.spans:
            rec["spans"] = [{"start": s, "end": e} for s, e in d.spans]
        rec.update(
            reviewer=d.user.username,
            decided_at=d.created_at.isoformat() + "Z",
            model_label=item.label,
            model_version=item.model_version,
        )
        out.append(rec)
    return out, skipped


def write(path: Path, rows: list[dict]) -> None:
    """Written beside the target and renamed: a failed export never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
