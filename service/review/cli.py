"""`modlens reviews`: reviewer accounts, database migrations and the export for retraining."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from service.settings import Settings

app = typer.Typer(help="Review queue: accounts, migrations, export.", no_args_is_help=True)
users_app = typer.Typer(help="Reviewer accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
err = Console(stderr=True, soft_wrap=True)

DbOpt = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL (default: MODLENS_REVIEW_DB_URL or sqlite:///reviews.db).")
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(2)


@contextmanager
def _engine(url: str | None, migrate_first: bool = True):
    from service.review import migrate
    from service.review.db import make_engine

    url = url or Settings().review_db_url
    try:
        engine = make_engine(url)
    except ArgumentError as e:
        raise _fail(f"bad database URL {url!r}: {e}") from None
    try:
        if migrate_first:
            migrate.upgrade(engine)
        yield engine
    except SQLAlchemyError as e:
        detail = e.args[0] if e.args else e
        raise _fail(f"database {engine.url.render_as_string()}: {e.__class__.__name__}: {detail}") from None
    finally:
        engine.dispose()


@contextmanager
def _session(url: str | None) -> Iterator[Session]:
    with _engine(url) as engine, Session(engine) as db:
        yield db


def migrate_or_exit(url: str) -> None:
    """Bring the review database up to date before the server listens; a bad URL fails here, clearly."""
    with _engine(url):
        pass


@app.command("migrate")
def migrate_cmd(db: DbOpt = None, revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Create or upgrade the review database schema."""
    from alembic.util.exc import CommandError

    from service.review import migrate

    with _engine(db, migrate_first=False) as engine:
        try:
            migrate.upgrade(engine, revision)
        except CommandError as e:
            raise _fail(str(e)) from None
        err.print(f"review database at revision {migrate.current(engine)} (latest {migrate.head()})")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Create a reviewer account (asks for the password unless --password-stdin)."""
    from service.review.auth import AccountError, add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with _session(db) as s:
        try:
            add_user(s, username, password)
        except AccountError as e:
            raise _fail(str(e)) from None
    err.print(f"reviewer {username!r} created")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Reviewer the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
    db: DbOpt = None,
) -> None:
    """Print a new API token for the queue API (shown once; stored hashed)."""
    from service.review.auth import find_user, new_api_token

    with _session(db) as s:
        user = find_user(s, username)
        if user is None:
            raise _fail(f"no reviewer {username!r}")
        token = new_api_token(s, user, name)
    sys.stdout.write(token + "\n")


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write.")],
    db: DbOpt = None,
) -> None:
    """Write reviewers' decisions as training JSONL for `modlens train --data`."""
    from service.review import export

    with _session(db) as s:
        rows, skipped = export.records(s)
    try:
        export.write(out, rows)
    except OSError as e:
        raise _fail(f"cannot write {out}: {e.strerror or e}") from None
    left = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in skipped.items() if v)
    err.print(f"exported {len(rows)} decisions -> {out}" + (f" (left out: {left})" if left else ""))
