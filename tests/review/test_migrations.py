"""Alembic migrations: on an empty database, and on a database at the previous revision with data in it."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from service.review import migrate, queue
from service.review.db import Base, Decision, Item, User, make_engine
from tests.review.live import cli, env_for


def test_empty_database_reaches_head_and_matches_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head() == "0002"
    with engine.connect() as conn:
        # The ORM classes and the migrated schema agree, column for column and index for index.
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    migrate.upgrade(engine)  # a second run is a no-op
    assert migrate.current(engine) == "0002"
    engine.dispose()


def test_upgrade_from_revision_1_keeps_the_data(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0001")
    assert "note" not in {c["name"] for c in inspect(engine).get_columns("decisions")}
    engine.dispose()
    # Rows written the way revision 1 stored them, by plain SQL.
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO users (id, username, password_hash, active, created_at)"
            " VALUES (1, 'old', 'x', 1, '2026-01-02 03:04:05')"
        )
        con.execute(
            "INSERT INTO items (id, external_id, source, reason, text, text_sha256, text_length, label,"
            " propaganda_score, scores, spans, model_version, status, decided_label, created_at, decided_at) VALUES"
            " (7, 'p-1', 'forum', 'request', 'Join us, brothers.', 'h', 18, 'propaganda', 0.9,"
            " '{\"propaganda\": 0.9, \"reporting\": 0.05, \"unrelated\": 0.05}', '[]', 'm-old', 'decided',"
            " 'propaganda', '2026-01-02 03:04:05', '2026-01-02 04:00:00')"
        )
        con.execute(
            "INSERT INTO decisions (id, item_id, user_id, action, created_at)"
            " VALUES (1, 7, 1, 'propaganda', '2026-01-02 04:00:00')"
        )

    # The CLI migrates it, as an operator would.
    done = cli("reviews", "migrate", "--db", f"sqlite:///{path}", env=env_for(tmp_path, f"sqlite:///{path}"))
    assert done.returncode == 0, done.stderr
    assert "revision 0002" in done.stderr

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as db:
        item = db.get(Item, 7)
        assert (item.text, item.decided_label, item.scores["propaganda"]) == ("Join us, brothers.", "propaganda", 0.9)
        old = db.scalar(select(Decision).where(Decision.id == 1))
        assert old.action == "propaganda" and old.note is None and old.spans is None
        # The new columns are usable on the old data.
        d = queue.decide(db, 7, db.get(User, 1), "escalate", note="second look", spans=[(0, 8)])
        assert (db.get(Decision, d.id).note, db.get(Decision, d.id).spans) == ("second look", [[0, 8]])
        assert [x.action for x in db.get(Item, 7).decisions] == ["propaganda", "escalate"]
    assert "ix_items_status_score" in {i["name"] for i in inspect(engine).get_indexes("items")}
    engine.dispose()


def test_migrate_cli_refuses_a_bad_url_clearly(tmp_path):
    done = cli("reviews", "migrate", "--db", "nosuchdb://x", env=env_for(tmp_path, "sqlite://"))
    assert done.returncode == 2
    assert "bad database URL" in done.stderr and "Traceback" not in done.stderr
