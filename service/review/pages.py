"""The reviewers' pages under /review/: login, the queue and the item view. Rendered on the server."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from service.deps import get_settings
from service.review import auth, csrf, queue
from service.review.db import ACTIONS, LoginSession
from service.review.deps import SESSION_COOKIE, Db, ItemId, WholeNumber, page_session
from service.review.render import evidence_words, runs
from service.review.web import filters, render, safe_next
from service.settings import Settings

router = APIRouter(prefix="/review", include_in_schema=False)
Reviewer = Annotated[LoginSession, Depends(page_session)]
Opt = Annotated[str | None, Query()]


@router.get("")
def root() -> RedirectResponse:
    return RedirectResponse("/review/", status_code=307)


@router.get("/login")
def login_form(request: Request, next: Opt = None, error: str | None = None, status: int = 200):
    token = csrf.login_token(request)
    resp = render(request, "login.html", status=status, csrf_token=token, next=safe_next(next), error=error, user=None)
    resp.set_cookie(csrf.LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/review/")
    return resp


@router.post("/login")
def login(
    request: Request,
    db: Db,
    settings: Annotated[Settings, Depends(get_settings)],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/review/",
):
    csrf.require(request.cookies.get(csrf.LOGIN_COOKIE), csrf_token)
    user = auth.authenticate(db, username, password)
    if user is None:
        return login_form(request, next, error="Wrong username or password.", status=401)
    token, _ = auth.start_session(db, user, settings.review_session_hours)
    resp = RedirectResponse(safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.review_session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.review_cookie_secure,
        path="/",
    )
    resp.delete_cookie(csrf.LOGIN_COOKIE, path="/review/")
    return resp


@router.post("/logout")
def logout(request: Request, db: Db, session: Reviewer, csrf_token: Annotated[str, Form()] = ""):
    csrf.require(session.csrf_token, csrf_token)
    auth.end_session(db, request.cookies.get(SESSION_COOKIE))
    resp = RedirectResponse("/review/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


def _common(session, f, done: int | None, action: str | None) -> dict:
    """What every queue and item page shows: the reviewer, the form token, the filters, the last decision."""
    return {
        "user": session.user,
        "csrf_token": session.csrf_token,
        "f": f,
        "q": f.query(),
        "done": done if action in ACTIONS else None,
        "action": action,
    }


@router.get("/")
def queue_page(
    request: Request,
    db: Db,
    session: Reviewer,
    status: Opt = None,
    label: Opt = None,
    source: Opt = None,
    since: Opt = None,
    until: Opt = None,
    page: Annotated[int, Query(ge=1, le=100_000), WholeNumber] = 1,
    done: Annotated[int | None, Query(), WholeNumber] = None,
    action: Opt = None,
):
    f = filters(status, label, source, since, until)
    per_page = 50
    items, total = queue.list_items(db, f, limit=per_page, offset=(page - 1) * per_page)
    return render(
        request,
        "queue.html",
        **_common(session, f, done, action),
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        sources=queue.sources(db),
    )


@router.get("/items/{item_id}")
def item_page(
    request: Request,
    item_id: ItemId,
    db: Db,
    session: Reviewer,
    status: Opt = None,
    label: Opt = None,
    source: Opt = None,
    since: Opt = None,
    until: Opt = None,
    done: Annotated[int | None, Query(), WholeNumber] = None,
    action: Opt = None,
):
    f = filters(status, label, source, since, until)
    item = queue.get_item(db, item_id)
    prev_id, next_id = queue.neighbours(db, item, f)
    return render(
        request,
        "item.html",
        **_common(session, f, done, action),
        item=item,
        runs=runs(item.text, item.spans) if item.text is not None else [],
        evidence=[evidence_words(s) for s in item.spans],
        prev_id=prev_id,
        next_id=next_id,
    )


@router.post("/items/{item_id}/decide")
def decide(
    item_id: ItemId,
    db: Db,
    session: Reviewer,
    action: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    span_choice: Annotated[bool, Form()] = False,
    keep_span: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    status: Annotated[str | None, Form()] = None,
    label: Annotated[str | None, Form()] = None,
    source: Annotated[str | None, Form()] = None,
    since: Annotated[str | None, Form()] = None,
    until: Annotated[str | None, Form()] = None,
):
    csrf.require(session.csrf_token, csrf_token)
    f = filters(status, label, source, since, until)
    item = queue.get_item(db, item_id)
    kept = None
    if span_choice:
        # The page lists the model's spans with a checkbox each: the ones left checked are kept.
        chosen = [item.spans[i] for i in sorted(set(keep_span)) if 0 <= i < len(item.spans)]
        kept = [(s["start"], s["end"]) for s in chosen]
    queue.decide(db, item_id, session.user, action, note=note, spans=kept)
    _, next_id = queue.neighbours(db, item, f)
    done = urlencode({**f.query(), "done": item_id, "action": action})
    if next_id is None:
        return RedirectResponse(f"/review/?{done}", status_code=303)
    return RedirectResponse(f"/review/items/{next_id}?{done}", status_code=303)
