"""Who is asking: the reviewer behind a page (session cookie) or an API call (token or session)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from service.errors import ServiceError
from service.review import auth
from service.review.csrf import CsrfRejected
from service.review.db import LoginSession, User
from service.review.store import ReviewStore

SESSION_COOKIE = "modlens_review"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """A page was asked for without a session; the handler redirects to the login form."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def get_review(request: Request) -> ReviewStore:
    return request.app.state.review


def get_db(review: Annotated[ReviewStore, Depends(get_review)]) -> Iterator[Session]:
    with review.session() as db:
        yield db


Db = Annotated[Session, Depends(get_db)]
_DIGITS = re.compile(r"[+-]?[0-9]+")


def _whole_number(value: object) -> object:
    # Lax int parsing takes "2.0" for 2; in a URL, a number that is not written
    # as a whole number is a client's mistake, and the schema says integer.
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("must be a whole number")
    return value


WholeNumber = BeforeValidator(_whole_number)
# SQLite integers are 64-bit: a larger id must be a 422, not an overflow deep in the driver.
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A queue item's id."), WholeNumber]


def page_session(request: Request, db: Db) -> LoginSession:
    row = auth.session_for(db, request.cookies.get(SESSION_COOKIE))
    if row is None:
        url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(url)
    return row


def api_user(request: Request, db: Db) -> User:
    """A bearer token, or a browser session (then unsafe methods must carry the CSRF header)."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = auth.user_for_api_token(db, token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise ServiceError(401, "unauthorized", "invalid API token")
        return user
    row = auth.session_for(db, request.cookies.get(SESSION_COOKIE))
    if row is None:
        raise ServiceError(401, "unauthorized", "log in or send `Authorization: Bearer <token>`")
    if request.method not in ("GET", "HEAD", "OPTIONS") and not auth.same(
        request.headers.get(CSRF_HEADER), row.csrf_token
    ):
        raise CsrfRejected()
    return row.user
