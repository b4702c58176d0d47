"""How items enter the queue, what is stored, and the queue API (list, get, decide)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.review import auth
from service.review.render import runs
from tests.review.conftest import QUOTING, RECRUITING, UNRELATED


@pytest.fixture()
def token(app, reviewer) -> dict:
    with app.state.review.session() as db:
        return {"Authorization": f"Bearer {auth.new_api_token(db, reviewer, 'tests')}"}


def _rows(db_url: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        return con.execute(sql).fetchall()


def test_nothing_is_queued_or_stored_by_default(client, db_url, tmp_path):
    res = client.post("/v1/score", json={"texts": [RECRUITING, UNRELATED]})
    assert res.status_code == 200 and "review" not in res.json()
    # The app never even created the database file.
    assert not (tmp_path / "reviews.db").exists()


def test_review_true_queues_every_text_with_its_text(client, db_url):
    res = client.post(
        "/v1/score", json={"texts": [UNRELATED, RECRUITING], "ids": ["a", "b"], "review": True, "source": "forum"}
    )
    assert res.status_code == 200
    assert [q["index"] for q in res.json()["review"]["queued"]] == [0, 1]
    rows = _rows(db_url, "SELECT external_id, source, reason, text, status FROM items ORDER BY id")
    assert rows == [("a", "forum", "request", UNRELATED, "pending"), ("b", "forum", "request", RECRUITING, "pending")]


def test_threshold_rule_queues_high_scores_without_their_text(review_settings, tiny_model, db_url):
    settings = review_settings.model_copy(update={"review_threshold": 0.5})
    with TestClient(create_app(settings, tiny_model)) as c:
        res = c.post("/v1/score", json={"texts": [UNRELATED, RECRUITING, QUOTING]})
    assert res.json()["review"]["queued"] == [{"index": 1, "item_id": 1}]
    [(text, length, reason, spans)] = _rows(db_url, "SELECT text, text_length, reason, spans FROM items")
    assert (text, length, reason) == (None, len(RECRUITING), "threshold")
    # Offsets and scores only: not one word of the text, not even as a model feature.
    assert '"start"' in spans and '"text":' not in spans and '"feature"' not in spans
    assert not any(word in spans.lower() for word in ("brothers", "join", "invaders"))


def test_threshold_rule_stores_text_when_the_deployment_says_so(review_settings, tiny_model, db_url):
    settings = review_settings.model_copy(update={"review_threshold": 0.5, "review_store_text": True})
    with TestClient(create_app(settings, tiny_model)) as c:
        c.post("/v1/score", json={"texts": [RECRUITING]})
    assert _rows(db_url, "SELECT text FROM items") == [(RECRUITING,)]


def test_list_is_sorted_by_score_and_filters(client, token):
    client.post("/v1/score", json={"texts": [UNRELATED, QUOTING, RECRUITING], "review": True, "source": "forum"})
    client.post("/v1/score", json={"texts": [RECRUITING + " Now."], "review": True, "source": "chat"})
    items = client.get("/v1/review/items", headers=token).json()
    scores = [i["propaganda_score"] for i in items["items"]]
    assert items["total"] == 4 and scores == sorted(scores, reverse=True)
    assert items["items"][0]["label"] == "propaganda"
    assert [i["source"] for i in client.get("/v1/review/items?source=chat", headers=token).json()["items"]] == ["chat"]
    assert {i["label"] for i in client.get("/v1/review/items?label=propaganda", headers=token).json()["items"]} == {
        "propaganda"
    }
    today = date.today()
    assert client.get(f"/v1/review/items?since={today - timedelta(days=1)}", headers=token).json()["total"] == 4
    assert client.get(f"/v1/review/items?since={today + timedelta(days=2)}", headers=token).json()["total"] == 0
    assert client.get(f"/v1/review/items?until={today - timedelta(days=2)}", headers=token).json()["total"] == 0
    bad = client.get("/v1/review/items?since=yesterday", headers=token)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"


def test_decide_records_reviewer_time_note_and_moves_the_item(client, token):
    client.post("/v1/score", json={"texts": [QUOTING, RECRUITING], "review": True})
    item = client.get("/v1/review/items/1", headers=token).json()
    assert item["text"] == QUOTING and item["spans"] and item["decisions"] == []
    span = item["spans"][0]
    res = client.post(
        "/v1/review/items/1/decision",
        json={"action": "reporting", "note": "news story", "spans": [{"start": span["start"], "end": span["end"]}]},
        headers=token,
    )
    assert res.status_code == 200
    d = res.json()["decision"]
    assert (d["action"], d["reviewer"], d["note"]) == ("reporting", "ana", "news story") and d["at"].endswith("Z")
    assert res.json()["item"]["status"] == "decided"
    assert [i["id"] for i in client.get("/v1/review/items", headers=token).json()["items"]] == [2]
    client.post("/v1/review/items/2/decision", json={"action": "escalate"}, headers=token)
    assert client.get("/v1/review/items", headers=token).json()["total"] == 0
    assert [i["id"] for i in client.get("/v1/review/items?status=escalated", headers=token).json()["items"]] == [2]
    # A later decision on the same item is added to its trail, never replaces it.
    client.post("/v1/review/items/2/decision", json={"action": "propaganda"}, headers=token)
    trail = client.get("/v1/review/items/2", headers=token).json()["decisions"]
    assert [t["action"] for t in trail] == ["escalate", "propaganda"]


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"action": "delete"}, 422, "invalid_request"),
        ({"action": "reporting", "spans": [{"start": 5, "end": 9999}]}, 422, "invalid_spans"),
        ({"action": "reporting", "spans": [{"start": 0, "end": 10}, {"start": 5, "end": 12}]}, 422, "invalid_spans"),
        ({"action": "reporting", "extra": 1}, 422, "invalid_request"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(client, token, body, status, code):
    client.post("/v1/score", json={"texts": [RECRUITING], "review": True})
    res = client.post("/v1/review/items/1/decision", json=body, headers=token)
    assert (res.status_code, res.json()["error"]["code"]) == (status, code)
    assert client.get("/v1/review/items/1", headers=token).json()["status"] == "pending"


def test_unknown_item_is_404(client, token):
    res = client.get("/v1/review/items/999", headers=token)
    assert res.status_code == 404 and res.json()["error"]["code"] == "not_found"


def test_an_unreachable_database_is_a_clear_503_for_review_requests(review_settings, tiny_model, tmp_path):
    settings = review_settings.model_copy(update={"review_db_url": f"sqlite:///{tmp_path}/no/such/dir/r.db"})
    with TestClient(create_app(settings, tiny_model)) as c:
        res = c.post("/v1/score", json={"texts": [RECRUITING], "review": True})
        assert res.status_code == 503 and res.json()["error"]["code"] == "review_unavailable"
        assert c.post("/v1/score", json={"texts": [RECRUITING]}).status_code == 200


def test_runs_mark_spans_by_score_and_quotes_apart(tiny_model):
    [result] = tiny_model.score([QUOTING])
    cut = runs(QUOTING, result["spans"])
    assert "".join(r.text for r in cut) == QUOTING
    marked = [r for r in cut if r.span is not None]
    assert marked and all(r.quote for r in marked)
    assert marked[0].text in result["spans"][0]["text"]
    assert marked[0].level == min(10, max(1, -int(-result["spans"][0]["score"] * 10 // 1)))
    # The teacher's words are quoted but not flagged; the police sentence is the author's own.
    assert any(r.quote and r.span is None and "worried" in r.text for r in cut)
    assert any(not r.quote and "Police said" in r.text for r in cut)
