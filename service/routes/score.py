from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from service.deps import get_settings, get_store
from service.review.intake import enqueue_scored
from service.schemas import ErrorResponse, ScoreRequest, ScoreResponse
from service.scoring import score_request
from service.settings import Settings
from service.store import ModelStore

router = APIRouter(tags=["scoring"])

_ERRORS = {code: {"model": ErrorResponse} for code in (400, 413, 422, 503)}


# A plain `def`: scoring is CPU-bound, so it runs in the threadpool and never
# blocks the event loop.
@router.post("/v1/score", response_model=ScoreResponse, responses=_ERRORS, response_model_exclude_unset=True)
def score(
    request: Request,
    req: ScoreRequest,
    store: Annotated[ModelStore, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> dict:
    """Score one text or a batch: label, calibrated scores and propaganda spans."""
    body = score_request(store.get(), req, settings)
    request.app.state.metrics.observe_scores(body["model"]["version"], body["results"])
    texts = req.texts if req.texts is not None else [req.text]
    receipt = enqueue_scored(request.app.state.review, settings, texts, body, requested=req.review, source=req.source)
    if receipt is not None:
        body["review"] = receipt
    return body
