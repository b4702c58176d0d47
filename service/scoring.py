"""Scoring requests: validation against the configured limits, then the model."""

from __future__ import annotations

from service.errors import ServiceError
from service.schemas import ScoreRequest
from service.settings import Settings
from training.model import Model


def model_info(model: Model) -> dict:
    return {
        "version": model.version,
        "created_at": model.metadata.get("created_at", ""),
        "decision_threshold": model.threshold,
        "span_threshold": model.span_threshold,
    }


def validated_texts(req: ScoreRequest, settings: Settings) -> list[str]:
    if (req.texts is None) == (req.text is None):
        raise ServiceError(422, "invalid_request", "give exactly one of `texts` (a list) or `text` (a string)")
    texts = req.texts if req.texts is not None else [req.text]
    if not texts:
        raise ServiceError(422, "empty_batch", "`texts` must hold at least one text")
    if len(texts) > settings.max_batch:
        raise ServiceError(413, "batch_too_large", f"{len(texts)} texts; the limit is {settings.max_batch} per request")
    if req.ids is not None and len(req.ids) != len(texts):
        raise ServiceError(422, "ids_mismatch", f"{len(req.ids)} ids for {len(texts)} texts")
    for i, t in enumerate(texts):
        if len(t) > settings.max_text_chars:
            raise ServiceError(
                413, "text_too_long", f"text {i} has {len(t)} characters; the limit is {settings.max_text_chars}"
            )
        if not t.strip():
            raise ServiceError(422, "empty_text", f"text {i} is empty or only whitespace")
    return texts


def score_request(model: Model, req: ScoreRequest, settings: Settings) -> dict:
    texts = validated_texts(req, settings)
    results = model.score(texts, spans=req.spans)
    ids = req.ids or [None] * len(texts)
    return {"model": model_info(model), "results": [{"id": i, **r} for i, r in zip(ids, results)]}
