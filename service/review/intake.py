"""How scored texts enter the queue: only when the request or the deployment's rule asks.

- `"review": true` in a scoring request queues every text of it, with the text:
  a reviewer cannot judge what they cannot read.
- `MODLENS_REVIEW_THRESHOLD` queues texts whose propaganda score reaches it;
  their text is stored only when `MODLENS_REVIEW_STORE_TEXT` is on, otherwise
  only its hash, length, scores and span offsets.
- Otherwise nothing is stored.
"""

from __future__ import annotations

import logging

from service.errors import ServiceError
from service.review import queue
from service.review.store import ReviewStore
from service.settings import Settings

log = logging.getLogger("modlens.review")


def enqueue_scored(
    review: ReviewStore,
    settings: Settings,
    texts: list[str],
    body: dict,
    *,
    requested: bool,
    source: str | None,
) -> dict | None:
    """Queue what should be queued; returns the receipt for the response, or None."""
    threshold = settings.review_threshold
    results = body["results"]
    if requested:
        picked = list(range(len(texts)))
    elif threshold is not None:
        picked = [i for i, r in enumerate(results) if r["propaganda_score"] >= threshold]
    else:
        return None
    if not picked:
        return {"queued": []}
    store_text = requested or settings.review_store_text
    try:
        with review.session() as db:
            ids = queue.enqueue(
                db,
                [texts[i] for i in picked],
                [results[i] for i in picked],
                model_version=body["model"]["version"],
                source=source or "api",
                reason="request" if requested else "threshold",
                store_text=store_text,
            )
    except ServiceError:
        if requested:
            raise
        # The rule is the deployment's, not the caller's: scoring still answers.
        log.error("could not queue %d texts for review", len(picked))
        return None
    return {"queued": [{"index": i, "item_id": n} for i, n in zip(picked, ids, strict=False)]}
