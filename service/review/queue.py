"""The queue itself: items in, filtered lists out, decisions recorded. Plain functions on a session."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from service.errors import ServiceError
from service.review.db import ACTIONS, Decision, Item, User, utcnow

LABEL_ACTIONS = ("propaganda", "reporting", "unrelated")


@dataclass(frozen=True)
class Filters:
    status: str = "pending"  # or "escalated", "decided", "all"
    label: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None

    def query(self) -> dict:
        """The non-default filters, for links that keep them."""
        out = {"status": self.status} if self.status != "pending" else {}
        for k in ("label", "source", "since", "until"):
            v = getattr(self, k)
            if v:
                out[k] = str(v)
        return out


def _stored_span(span: dict, keep_text: bool) -> dict:
    """A span as stored: offsets, score and kind; its words and evidence features only with the text."""
    out = {"start": span["start"], "end": span["end"], "score": span["score"], "kind": span["kind"]}
    evidence = span.get("evidence", [])
    if keep_text:
        out["text"] = span["text"]
        out["evidence"] = evidence
    else:
        # Features are words of the text too ("join the"): only where and how much.
        out["evidence"] = [{k: e[k] for k in ("weight", "start", "end")} for e in evidence]
    return out


def enqueue(
    db: Session,
    texts: list[str],
    results: list[dict],
    *,
    model_version: str,
    source: str,
    reason: str,
    store_text: bool,
) -> list[int]:
    """Add scored texts to the queue; returns their item ids, in order."""
    items = [
        Item(
            external_id=r.get("id"),
            source=source,
            reason=reason,
            text=t if store_text else None,
            text_sha256=hashlib.sha256(t.encode()).hexdigest(),
            text_length=len(t),
            label=r["label"],
            propaganda_score=float(r["propaganda_score"]),
            scores=r["scores"],
            spans=[_stored_span(s, store_text) for s in r["spans"]],
            model_version=model_version,
            status="pending",
        )
        for t, r in zip(texts, results, strict=False)
    ]
    db.add_all(items)
    db.commit()
    return [i.id for i in items]


def _where(f: Filters) -> list:
    conds = []
    if f.status != "all":
        conds.append(Item.status == f.status)
    if f.label:
        conds.append(Item.label == f.label)
    if f.source:
        conds.append(Item.source == f.source)
    if f.since:
        conds.append(Item.created_at >= datetime.combine(f.since, time.min))
    if f.until:
        conds.append(Item.created_at < datetime.combine(f.until + timedelta(days=1), time.min))
    return conds


# Highest score first; the id breaks ties so that next/previous are well defined.
_ORDER = (Item.propaganda_score.desc(), Item.id.asc())


def list_items(db: Session, f: Filters, limit: int = 100, offset: int = 0) -> tuple[list[Item], int]:
    conds = _where(f)
    total = db.scalar(select(func.count()).select_from(Item).where(*conds))
    rows = db.scalars(select(Item).where(*conds).order_by(*_ORDER).limit(limit).offset(offset)).all()
    return list(rows), total


def sources(db: Session) -> list[str]:
    return list(db.scalars(select(Item.source).distinct().order_by(Item.source)))


def neighbours(db: Session, item: Item, f: Filters) -> tuple[int | None, int | None]:
    """(previous, next) item ids in queue order under `f`, whether or not `item` still matches."""
    s, i = item.propaganda_score, item.id
    after = or_(Item.propaganda_score < s, and_(Item.propaganda_score == s, Item.id > i))
    before = or_(Item.propaganda_score > s, and_(Item.propaganda_score == s, Item.id < i))
    nxt = db.scalar(select(Item.id).where(*_where(f), after).order_by(*_ORDER).limit(1))
    prev = db.scalar(
        select(Item.id).where(*_where(f), before).order_by(Item.propaganda_score.asc(), Item.id.desc()).limit(1)
    )
    return prev, nxt


def get_item(db: Session, item_id: int) -> Item:
    item = db.get(Item, item_id)
    if item is None:
        raise ServiceError(404, "not_found", f"no review item {item_id}")
    return item


def checked_spans(item: Item, spans: list[tuple[int, int]] | None) -> list[list[int]] | None:
    if spans is None:
        return None
    out = sorted((int(s), int(e)) for s, e in spans)
    for s, e in out:
        if not 0 <= s < e <= item.text_length:
            raise ServiceError(
                422, "invalid_spans", f"span [{s}, {e}) is out of bounds for {item.text_length} characters"
            )
    for (_, e1), (s2, _) in zip(out, out[1:], strict=False):
        if s2 < e1:
            raise ServiceError(422, "invalid_spans", "spans overlap")
    return [list(p) for p in out]


def decide(
    db: Session,
    item_id: int,
    user: User,
    action: str,
    note: str | None = None,
    spans: list[tuple[int, int]] | None = None,
) -> Decision:
    """Record a decision (the audit trail) and move the item out of the pending queue, in one commit."""
    if action not in ACTIONS:
        raise ServiceError(422, "invalid_action", f"action must be one of {', '.join(ACTIONS)}")
    item = get_item(db, item_id)
    note = (note or "").strip() or None
    if note and len(note) > 5000:
        raise ServiceError(422, "note_too_long", "a note has at most 5000 characters")
    now = utcnow()
    decision = Decision(
        item_id=item.id, user_id=user.id, action=action, note=note, spans=checked_spans(item, spans), created_at=now
    )
    db.add(decision)
    if action == "escalate":
        item.status = "escalated"
    else:
        item.status, item.decided_label, item.decided_at = "decided", action, now
    db.commit()
    return decision


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() + "Z" if d else None


def decision_dict(d: Decision) -> dict:
    return {
        "id": d.id,
        "action": d.action,
        "reviewer": d.user.username,
        "at": _iso(d.created_at),
        "note": d.note,
        "spans": [{"start": s, "end": e} for s, e in d.spans] if d.spans is not None else None,
    }


def item_dict(item: Item, detail: bool = False) -> dict:
    out = {
        "id": item.id,
        "external_id": item.external_id,
        "source": item.source,
        "reason": item.reason,
        "status": item.status,
        "label": item.label,
        "propaganda_score": item.propaganda_score,
        "scores": item.scores,
        "decided_label": item.decided_label,
        "created_at": _iso(item.created_at),
        "decided_at": _iso(item.decided_at),
        "model_version": item.model_version,
        "text_stored": item.text is not None,
        "text_length": item.text_length,
    }
    if detail:
        out["text"] = item.text
        out["spans"] = item.spans
        out["decisions"] = [decision_dict(d) for d in item.decisions]
    return out
