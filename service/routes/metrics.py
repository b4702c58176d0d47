from __future__ import annotations

from fastapi import APIRouter, Request, Response

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """Prometheus metrics (all workers together in multiprocess mode)."""
    m = request.app.state.metrics
    return Response(m.render(), media_type=m.content_type)
