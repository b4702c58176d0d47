from __future__ import annotations

from typing import Annotated

import anyio
import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from service.deps import get_settings, get_store
from service.review.intake import enqueue_scored
from service.schemas import ErrorResponse, ScoreRequest, ScoreResponse
from service.scoring import score_request
from service.settings import Settings
from service.store import ModelStore

router = APIRouter(tags=["scoring"])

_ERRORS = {code: {"model": ErrorResponse} for code in (400, 413, 422, 503)}


# Scoring is CPU-bound, so threads add no throughput (the GIL), only a hop per
# request and GIL sharing that makes concurrent requests all finish late.
# Requests up to INLINE_CHARS (a few milliseconds of work) that write nothing
# are therefore handled on the event loop, in arrival order. Bigger ones, and
# any that queue texts for review (a database write), go to a worker thread so
# that the loop never stalls long; one at a time, so that eight big batches do
# not hold eight sets of intermediate arrays in memory at once.
INLINE_CHARS = 20_000


def _one_at_a_time(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    if getattr(state, "score_limiter", None) is None:
        state.score_limiter = anyio.CapacityLimiter(1)
    return state.score_limiter


def _handle(request: Request, req: ScoreRequest, store: ModelStore, settings: Settings) -> dict:
    body = score_request(store.get(), req, settings)
    request.app.state.metrics.observe_scores(body["model"]["version"], body["results"])
    texts = req.texts if req.texts is not None else [req.text]
    receipt = enqueue_scored(request.app.state.review, settings, texts, body, requested=req.review, source=req.source)
    if receipt is not None:
        body["review"] = receipt
    return body


@router.post("/v1/score", response_model=ScoreResponse, responses=_ERRORS, response_model_exclude_unset=True)
async def score(
    request: Request,
    req: ScoreRequest,
    store: Annotated[ModelStore, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """Score one text or a batch: label, calibrated scores and propaganda spans."""
    size = len(req.text or "") + sum(map(len, req.texts or ()))
    if size <= INLINE_CHARS and not req.review and settings.review_threshold is None:
        body = _handle(request, req, store, settings)
    else:
        body = await anyio.to_thread.run_sync(_handle, request, req, store, settings, limiter=_one_at_a_time(request))
    # Serialised by orjson straight from the dicts built above: ten times
    # cheaper than validating them into the response model first (which still
    # documents the shape; tests hold the body to it).
    return Response(orjson.dumps(body), media_type="application/json")
