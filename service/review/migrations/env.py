"""Alembic environment: run by `service.review.migrate`, never by the alembic command."""

from __future__ import annotations

from alembic import context

from service.review.db import Base, make_engine

config = context.config


def _run(connection) -> None:
    # Batch mode lets later revisions alter columns on SQLite too.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()
