"""Decisions feed retraining: `modlens reviews export` -> `modlens train --data` -> a changed model."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from service.cli import app as modlens
from service.review import auth
from tests.review.conftest import QUOTING, RECRUITING
from training import artifacts
from training.corpus import read_corpus

# Written for this test: an officer's words in a report, in the vocabulary the
# tiny corpus only ever uses for propaganda. The tiny model calls it propaganda.
MISREAD = "Our soldiers will return to the valley, the commander told the crowd."

runner = CliRunner()


def _run(*args: str):
    res = runner.invoke(modlens, list(args))
    assert res.exit_code == 0, res.output
    return res


def test_export_writes_training_jsonl_that_train_accepts(client, app, reviewer, db_url, tmp_path):
    with app.state.review.session() as db:
        token = {"Authorization": f"Bearer {auth.new_api_token(db, reviewer)}"}
    ids = [
        q["item_id"]
        for q in client.post("/v1/score", json={"texts": [QUOTING, RECRUITING, MISREAD], "review": True}).json()[
            "review"
        ]["queued"]
    ]
    quote = client.get(f"/v1/review/items/{ids[0]}", headers=token).json()["spans"][0]
    decide = lambda i, body: client.post(f"/v1/review/items/{i}/decision", json=body, headers=token)  # noqa: E731
    decide(ids[0], {"action": "reporting", "spans": [{"start": quote["start"], "end": quote["end"]}]})
    decide(ids[1], {"action": "escalate"})
    decide(ids[2], {"action": "propaganda"})
    decide(ids[2], {"action": "reporting", "note": "a commander quoted in a report"})  # the latest label wins

    out = tmp_path / "review.jsonl"
    res = _run("reviews", "export", "--out", str(out), "--db", db_url)
    assert "exported 2 decisions" in res.output and "1 escalated only" in res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["label"], r["source"]) for r in rows] == [
        (f"review-{ids[0]}", "reporting", "review"),
        (f"review-{ids[2]}", "reporting", "review"),
    ]
    assert rows[0]["spans"] == [{"start": quote["start"], "end": quote["end"]}] and "spans" not in rows[1]
    assert rows[0]["text"][rows[0]["spans"][0]["start"] : rows[0]["spans"][0]["end"]] == quote["text"]
    corpus = read_corpus([out])
    assert [r.spans for r in corpus.records] == [((quote["start"], quote["end"]),), ()]
    assert {r.source for r in corpus.records} == {"review"}


def test_a_reviewers_correction_changes_the_retrained_model(client, app, reviewer, db_url, tiny_data, tmp_path):
    with app.state.review.session() as db:
        token = {"Authorization": f"Bearer {auth.new_api_token(db, reviewer)}"}
    res = client.post("/v1/score", json={"texts": [MISREAD], "review": True}).json()
    assert res["results"][0]["label"] == "propaganda"
    item = res["review"]["queued"][0]["item_id"]
    assert (
        client.post(f"/v1/review/items/{item}/decision", json={"action": "reporting"}, headers=token).status_code == 200
    )
    export = tmp_path / "review.jsonl"
    _run("reviews", "export", "--out", str(export), "--db", db_url)

    # Same data and settings with and without the review export, through the real CLI.
    _run("train", "--data", str(tiny_data), "--out", str(tmp_path / "before"))
    _run("train", "--data", str(tiny_data), "--data", str(export), "--out", str(tmp_path / "after"))
    before = artifacts.load(artifacts.current(tmp_path / "before")).score([MISREAD])[0]
    after = artifacts.load(artifacts.current(tmp_path / "after")).score([MISREAD])[0]
    assert before["label"] == "propaganda"
    assert after["label"] == "reporting"
    assert after["scores"]["reporting"] > before["scores"]["reporting"] + 0.5
    assert after["propaganda_score"] < before["propaganda_score"]


def test_export_refuses_an_unwritable_target_clearly(db_url, tmp_path):
    (tmp_path / "file").write_text("x")
    res = runner.invoke(modlens, ["reviews", "export", "--out", str(tmp_path / "file" / "x.jsonl"), "--db", db_url])
    assert res.exit_code == 2 and "cannot write" in res.output


def test_users_add_via_cli_then_log_in(client, db_url):
    res = runner.invoke(
        modlens, ["reviews", "users", "add", "bo", "--password-stdin", "--db", db_url], input="long enough pw\n"
    )
    assert res.exit_code == 0, res.output
    again = runner.invoke(
        modlens, ["reviews", "users", "add", "bo", "--password-stdin", "--db", db_url], input="long enough pw\n"
    )
    assert again.exit_code == 2 and "already exists" in again.output
    short = runner.invoke(
        modlens, ["reviews", "users", "add", "cy", "--password-stdin", "--db", db_url], input="short\n"
    )
    assert short.exit_code == 2 and "at least 8" in short.output
    from tests.review.conftest import login

    assert login(client, "bo", "long enough pw").status_code == 303
    token = runner.invoke(modlens, ["reviews", "users", "token", "bo", "--db", db_url])
    assert token.exit_code == 0
    header = {"Authorization": f"Bearer {token.stdout.strip()}"}
    assert client.get("/v1/review/items", headers=header).status_code == 200
    missing = runner.invoke(modlens, ["reviews", "users", "token", "nobody", "--db", db_url])
    assert missing.exit_code == 2 and "no reviewer" in missing.output
