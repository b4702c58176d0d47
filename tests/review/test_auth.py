"""Reviewer authentication and CSRF: pages redirect, the API answers 401, forged forms get 403."""

from __future__ import annotations

import pytest

from service.review import auth
from tests.review.conftest import PASSWORD, RECRUITING, csrf_of, login


def _queue_one(client) -> int:
    res = client.post("/v1/score", json={"texts": [RECRUITING], "review": True})
    return res.json()["review"]["queued"][0]["item_id"]


@pytest.mark.parametrize("path", ["/review/", "/review/items/1", "/review/?status=all"])
def test_pages_redirect_to_login_without_a_session(client, path):
    res = client.get(path, follow_redirects=False)
    assert res.status_code == 303
    assert res.headers["location"].startswith("/review/login?next=")


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/v1/review/items", None),
        ("GET", "/v1/review/items/1", None),
        ("POST", "/v1/review/items/1/decision", {"action": "reporting"}),
    ],
)
def test_api_answers_401_without_credentials(client, method, path, body):
    res = client.request(method, path, json=body)
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "unauthorized"
    bad = client.request(method, path, json=body, headers={"Authorization": "Bearer mlr_not-a-token"})
    assert bad.status_code == 401


def test_login_with_a_wrong_password_is_refused(client, reviewer):
    res = login(client, password="wrong password")
    assert res.status_code == 401 and "Wrong username or password" in res.text
    assert login(client, username="nobody").status_code == 401
    assert client.get("/review/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_csrf_token(client, reviewer):
    client.get("/review/login")
    form = {"username": "ana", "password": PASSWORD, "next": "/review/"}
    assert client.post("/review/login", data=form, follow_redirects=False).status_code == 403
    wrong = client.post("/review/login", data={**form, "csrf_token": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    assert "modlens_review" not in client.cookies


def test_decision_form_without_or_with_a_wrong_csrf_token_is_refused(logged_in):
    item = _queue_one(logged_in)
    page = logged_in.get(f"/review/items/{item}")
    token = csrf_of(page.text)
    for form in ({"action": "reporting"}, {"action": "reporting", "csrf_token": "x" + token}):
        res = logged_in.post(f"/review/items/{item}/decide", data=form, follow_redirects=False)
        assert res.status_code == 403
    assert logged_in.get(f"/v1/review/items/{item}").json()["decisions"] == []
    ok = logged_in.post(
        f"/review/items/{item}/decide", data={"action": "reporting", "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert [d["action"] for d in logged_in.get(f"/v1/review/items/{item}").json()["decisions"]] == ["reporting"]


def test_api_with_a_browser_session_needs_the_csrf_header(logged_in):
    item = _queue_one(logged_in)
    body = {"action": "unrelated"}
    assert logged_in.post(f"/v1/review/items/{item}/decision", json=body).status_code == 403
    token = csrf_of(logged_in.get("/review/").text)
    res = logged_in.post(f"/v1/review/items/{item}/decision", json=body, headers={"X-CSRF-Token": token})
    assert res.status_code == 200 and res.json()["decision"]["reviewer"] == "ana"


def test_logout_ends_the_session(logged_in):
    token = csrf_of(logged_in.get("/review/").text)
    assert logged_in.post("/review/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert logged_in.get("/review/", follow_redirects=False).status_code == 303


def test_passwords_and_tokens_are_stored_hashed(app, reviewer):
    with app.state.review.session() as db:
        user = auth.find_user(db, "ana")
        assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
        token = auth.new_api_token(db, user, "tool")
        assert auth.user_for_api_token(db, token).username == "ana"
        assert auth.user_for_api_token(db, token + "x") is None
        with pytest.raises(auth.AccountError):
            auth.add_user(db, "ana", PASSWORD)
        with pytest.raises(auth.AccountError):
            auth.add_user(db, "bob", "short")


def test_login_never_redirects_off_site(client, reviewer):
    for target in ("https://evil.example/", "//evil.example/review/", "/docs"):
        form = {"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(client.get("/review/login").text)}
        res = client.post("/review/login", data={**form, "next": target}, follow_redirects=False)
        assert res.headers["location"] == "/review/"
