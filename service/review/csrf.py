"""CSRF protection for the review forms.

Logged-in forms carry the session's own random token (synchronizer token);
the login form, which has no session yet, uses a double-submit cookie.
"""

from __future__ import annotations

import secrets

from fastapi import Request

from service.review.auth import same

LOGIN_COOKIE = "modlens_login_csrf"


class CsrfRejected(Exception):
    """A form arrived without the token that proves it came from our page: 403."""


def require(expected: str | None, given: str | None) -> None:
    if not same(expected, given):
        raise CsrfRejected()


def login_token(request: Request) -> str:
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
