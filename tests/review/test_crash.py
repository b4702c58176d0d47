"""`kill -9` the server mid-session: every decision it acknowledged is in the database file afterwards."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import threading

import httpx

from service.review import auth
from service.review.store import ReviewStore
from tests.review.conftest import PASSWORD, QUOTING, RECRUITING, UNRELATED
from tests.review.live import Server, env_for

N_ITEMS = 60
KILL_AFTER = 20
ACTIONS = ["propaganda", "reporting", "unrelated", "escalate"]


def _form_client(base: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=base, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/review/login").text).group(1)
    c.post("/review/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": "/review/"})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/review/").text).group(1)
    return c, csrf


def test_acknowledged_decisions_survive_kill_9(tmp_path, tiny_model_dir):
    db = tmp_path / "reviews.db"
    env = env_for(tiny_model_dir, f"sqlite:///{db}")
    # The account is made in-process (other tests cover the CLI): two interpreter starts saved.
    store = ReviewStore(f"sqlite:///{db}")
    with store.session() as s:
        token = auth.new_api_token(s, auth.add_user(s, "ana", PASSWORD), "crash-test")
    store.close()
    server = Server(tmp_path, env)
    try:
        texts = [f"{t} ({i})" for i, t in zip(range(N_ITEMS), [QUOTING, RECRUITING, UNRELATED] * N_ITEMS, strict=False)]
        res = httpx.post(f"{server.base}/v1/score", json={"texts": texts, "review": True}, timeout=30)
        item_ids = [q["item_id"] for q in res.json()["review"]["queued"]]
        api = httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        form, csrf = _form_client(server.base)

        acked_api: list[tuple[int, int, str]] = []  # (decision id, item id, action)
        acked_form: list[tuple[int, str]] = []  # (item id, action)
        enough = threading.Event()

        def decide_until_the_server_dies() -> None:
            for n, item in enumerate(item_ids):
                action = ACTIONS[n % 4]
                try:
                    if n % 2:
                        r = form.post(
                            f"/review/items/{item}/decide", data={"action": action, "csrf_token": csrf, "note": f"n{n}"}
                        )
                        if r.status_code == 303:
                            acked_form.append((item, action))
                    else:
                        r = api.post(f"/v1/review/items/{item}/decision", json={"action": action, "note": f"n{n}"})
                        if r.status_code == 200:
                            acked_api.append((r.json()["decision"]["id"], item, action))
                except httpx.TransportError:
                    break
                if len(acked_api) + len(acked_form) >= KILL_AFTER:
                    enough.set()
            enough.set()

        form.follow_redirects = False
        worker = threading.Thread(target=decide_until_the_server_dies)
        worker.start()
        assert enough.wait(60)
        os.kill(server.proc.pid, signal.SIGKILL)  # while the worker is still sending
        worker.join(30)
        server.proc.wait(10)
        assert server.proc.returncode == -signal.SIGKILL
    finally:
        server.stop()

    acked = len(acked_api) + len(acked_form)
    print(f"kill -9 after {acked} acknowledged decisions of {N_ITEMS} items")
    assert KILL_AFTER <= acked < N_ITEMS, "the kill must land mid-session"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = con.execute("SELECT id, item_id, action FROM decisions").fetchall()
    print(f"{len(rows)} decisions in the database file after the kill")
    stored = set(rows)
    assert all(d in stored for d in acked_api)
    assert all((item, action) in {(i, a) for _, i, a in rows} for item, action in acked_form)
    # Nothing was recorded twice or invented.
    assert len(rows) == len({r[1] for r in rows}) and len(rows) <= acked + 1
