"""The `modlens` command: the training commands plus `serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.review.cli import app as reviews_app
from service.review.cli import migrate_or_exit
from service.settings import Settings
from training import artifacts
from training.cli import ModelOpt, app, err, train_model, user_errors

__all__ = ["app"]

app.add_typer(reviews_app, name="reviews")


@app.command()
def serve(
    model: ModelOpt = None,
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help="Models folder.")] = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
) -> None:
    """Serve the scoring API; trains the default model from seeds/ first if there is none."""
    import uvicorn

    from service.app import create_app

    overrides = {"model_dir": model, "models_dir": models_dir, "host": host, "port": port}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    with user_errors():
        if settings.model_dir is None and artifacts.current(settings.models_dir) is None:
            err.print(f"no model in {settings.models_dir}/: training the default model from {settings.seeds_dir}/")
            train_model([settings.seeds_dir], settings.models_dir, err)
        # Fail here, with a message, rather than inside the server.
        loaded = artifacts.load(artifacts.resolve(settings.model_dir, settings.models_dir))
    migrate_or_exit(settings.review_db_url)
    err.print(f"serving model {loaded.version} on http://{settings.host}:{settings.port} (docs at /docs)")
    uvicorn.run(create_app(settings, loaded), host=settings.host, port=settings.port, log_level="info")
