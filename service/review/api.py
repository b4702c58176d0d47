"""The queue over JSON for platforms' own tools: list, get and decide, behind the same accounts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from service.review import queue
from service.schemas import ErrorResponse
from service.review.db import User
from service.review.deps import Db, ItemId, WholeNumber, api_user
from service.review.web import filters

# Documented so that clients (and schemathesis) know every refusal's shape.
router = APIRouter(
    prefix="/v1/review",
    tags=["review"],
    responses={code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 422, 503)},
)
Reviewer = Annotated[User, Depends(api_user)]


class SpanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: StrictInt = Field(ge=0)
    end: StrictInt = Field(ge=1)


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"action": "reporting", "note": "news report quoting a leaflet"}]},
    )
    action: Literal["propaganda", "reporting", "unrelated", "escalate"]
    note: StrictStr | None = Field(default=None, max_length=5000)
    spans: list[SpanIn] | None = Field(
        default=None,
        description="The propaganda passages as the reviewer sees them; omit to leave the model's unjudged.",
    )


@router.get("/items")
def list_items(
    db: Db,
    user: Reviewer,
    status: Literal["pending", "escalated", "decided", "all"] = "pending",
    label: Literal["propaganda", "reporting", "unrelated"] | None = None,
    source: str | None = None,
    since: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=500), WholeNumber] = 50,
    offset: Annotated[int, Query(ge=0, le=2**63 - 1), WholeNumber] = 0,
) -> dict:
    """Queue items, highest propaganda score first."""
    items, total = queue.list_items(db, filters(status, label, source, since, until), limit=limit, offset=offset)
    return {"total": total, "items": [queue.item_dict(i) for i in items]}


@router.get("/items/{item_id}")
def get_item(item_id: ItemId, db: Db, user: Reviewer) -> dict:
    """One item with its text (when stored), spans and audit trail."""
    return queue.item_dict(queue.get_item(db, item_id), detail=True)


@router.post("/items/{item_id}/decision")
def decide(item_id: ItemId, body: DecisionIn, db: Db, user: Reviewer) -> dict:
    """Record a decision; the response is sent only once it is committed."""
    spans = [(s.start, s.end) for s in body.spans] if body.spans is not None else None
    decision = queue.decide(db, item_id, user, body.action, note=body.note, spans=spans)
    return {"decision": queue.decision_dict(decision), "item": queue.item_dict(queue.get_item(db, item_id))}
