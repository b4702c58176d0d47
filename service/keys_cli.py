"""`modlens keys`: make API keys and the hashes that configure them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from service.security.keys import ROLES, KeyConfigError, hash_key, new_key, parse_entry

keys_app = typer.Typer(help="Make API keys and their hashes (only hashes go into configuration).", no_args_is_help=True)


@keys_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="Who the key is for (letters, digits, _.@-).")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "score",
) -> None:
    """Make a key: prints the key (give it to the client; it is not stored) and its config entry."""
    key = new_key()
    entry = f"{name}:{role}:{hash_key(key)}"
    try:
        parse_entry(entry)
    except KeyConfigError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"key:   {key}")
    typer.echo(f"entry: {entry}")
    typer.echo("Add the entry to MODLENS_API_KEYS (comma-separated) or to the keys file; keep the key secret.", err=True)


@keys_app.command("hash")
def hash_(
    key: Annotated[str | None, typer.Argument(help="The key; read from stdin when omitted (keeps it out of shell history).")] = None,
) -> None:
    """Print the SHA-256 of a key, for a `name:role:sha256` entry."""
    if key is None:
        key = sys.stdin.readline().strip()
    if not key:
        typer.echo("error: no key given", err=True)
        raise typer.Exit(2)
    typer.echo(hash_key(key))
