"""The review workflow: a queue of scored texts, reviewers' pages and API, and export for retraining."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add the review pages, API and database to an app built by `create_app`."""
    from service.review import api, pages
    from service.review.store import ReviewStore
    from service.review.web import HERE, install_handlers

    app.state.review = ReviewStore(settings.review_db_url)
    install_handlers(app)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/review/static", StaticFiles(directory=HERE / "static"), name="review-static")
