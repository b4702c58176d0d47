from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from service.deps import get_store
from service.schemas import Health
from service.store import ModelStore

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(store: Annotated[ModelStore, Depends(get_store)]):
    """The model is loaded and requests can be scored."""
    if not store.ready:
        return JSONResponse({"status": "loading", "model_version": None}, status_code=503)
    return {"status": "ready", "model_version": store.get().version}
