"""Templates, filters from query strings and the page-level error handlers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from service.errors import ServiceError, error_body
from service.review.csrf import CsrfRejected
from service.review.deps import LoginRequired
from service.review.queue import Filters
from training.labels import LABELS

HERE = Path(__file__).resolve().parent
STATUSES = ("pending", "escalated", "decided", "all")
# Pages load only our own CSS and JS: an injected inline script would not run
# even if escaping ever failed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

# autoescape=True for every template, whatever its file name.
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
)
templates.env.filters["qs"] = lambda d: urlencode(d)


def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    resp = templates.TemplateResponse(request, name, {"labels": LABELS, **context}, status_code=status)
    resp.headers.update(SECURITY_HEADERS)
    return resp


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(422, "invalid_request", f"{name}: expected a date as YYYY-MM-DD, got {value!r}") from None


def filters(status: str | None, label: str | None, source: str | None, since: str | None, until: str | None) -> Filters:
    status = status or "pending"
    if status not in STATUSES:
        raise ServiceError(422, "invalid_request", f"status: one of {', '.join(STATUSES)}")
    if label and label not in LABELS:
        raise ServiceError(422, "invalid_request", f"label: one of {', '.join(LABELS)}")
    return Filters(status, label or None, source or None, _date(since, "since"), _date(until, "until"))


def safe_next(url: str | None) -> str:
    # Only our own pages: never an open redirect to another site.
    if url and url.startswith("/review/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/review/"


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return RedirectResponse("/review/login?" + urlencode({"next": exc.next_url}), status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected):
        message = "the form's CSRF token is missing or wrong; reload the page and try again"
        if request.url.path.startswith("/review/"):
            return render(request, "error.html", status=403, title="Request refused", message=message, user=None)
        from fastapi.responses import JSONResponse

        return JSONResponse(error_body("csrf_failed", message), status_code=403)
