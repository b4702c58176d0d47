from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from service.schemas import ErrorResponse

router = APIRouter(tags=["admin"])


class ReloadResult(BaseModel):
    previous: str | None
    version: str
    folder: str
    workers_notified: bool


# A plain `def`: loading a model is blocking work, so it runs in the threadpool
# while the event loop keeps serving requests on the old model.
@router.post(
    "/v1/admin/reload",
    response_model=ReloadResult,
    responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
def reload(request: Request) -> dict:
    """Load the current model (verified) and swap to it atomically, in every worker. Needs an admin key."""
    return request.app.state.reloader.reload()
