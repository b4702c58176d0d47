"""The `modlens` command: the training commands plus `serve`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from service.keys_cli import keys_app
from service.review.cli import app as reviews_app
from service.review.cli import migrate_or_exit
from service.settings import Settings
from training.cli import ModelOpt, app, err, user_errors

__all__ = ["app"]

app.add_typer(reviews_app, name="reviews")
app.add_typer(keys_app, name="keys")


def _train_in_child(seeds: Path, models_dir: Path) -> None:
    """`modlens train` on the seeds in a child process.

    Training peaks at several hundred MB; in the server's own process that
    memory would stay with it for its lifetime (measured: 544 MB RSS after a
    first run, against about 260 MB for a server that only loads the model).
    """
    cmd = [sys.executable, "-c", "from service.cli import app; app()", "train", "--data", str(seeds), "--out", str(models_dir)]
    code = subprocess.run(cmd).returncode
    if code:
        raise typer.Exit(code)


@app.command()
def serve(
    model: ModelOpt = None,
    models_dir: Annotated[Path | None, typer.Option("--models-dir", help="Models folder.")] = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default 1; MODLENS_WORKERS).")] = None,
    open_mode: Annotated[
        bool | None, typer.Option("--open/--no-open", help="Accept requests without an API key (MODLENS_OPEN).")
    ] = None,
) -> None:
    """Serve the scoring API; trains the default model from seeds/ first if there is none."""
    import logging.config

    import uvicorn

    from service import serving
    from service.observability.logs import log_config
    from service.security.auth import ConfigError
    from service.security.keys import KeyConfigError

    overrides = {"model_dir": model, "models_dir": models_dir, "host": host, "port": port, "workers": workers,
                 "open": open_mode}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    logging_config = log_config(settings.log_level)
    logging.config.dictConfig(logging_config)
    try:
        is_open = serving.decide_open(settings)
    except (ConfigError, KeyConfigError) as e:
        err.print(f"[bold red]error:[/] {e}", highlight=False)
        raise typer.Exit(2) from None
    if is_open:
        err.print(
            f"[bold red]WARNING: OPEN MODE[/] - anyone who can reach {settings.host}:{settings.port} may use the API "
            "without a key. Configure MODLENS_API_KEYS (`modlens keys new`) before exposing it.", highlight=False,
        )
    settings = settings.model_copy(update={"open": is_open})
    serving.prepare_server_process()  # before scikit-learn is first imported
    from training import artifacts

    with user_errors():
        if settings.model_dir is None and artifacts.current(settings.models_dir) is None:
            err.print(f"no model in {settings.models_dir}/: training the default model from {settings.seeds_dir}/")
            _train_in_child(settings.seeds_dir, settings.models_dir)
    migrate_or_exit(settings.review_db_url)
    banner = f"on http://{settings.host}:{settings.port} with {settings.workers} worker(s) (docs at /docs, metrics at /metrics)"
    if settings.workers > 1:
        with user_errors():  # fail here, with a message, rather than in every worker
            loaded = artifacts.load(artifacts.resolve(settings.model_dir, settings.models_dir))
        err.print(f"serving model {loaded.version} {banner}")
        serving.export(model_dir=settings.model_dir, models_dir=settings.models_dir, open=is_open)
        serving.run_workers(settings, logging_config)
        return
    from service.app import create_app

    served = create_app(settings)
    with user_errors():
        loaded = served.state.store.load(settings.model_dir, settings.models_dir)
    err.print(f"serving model {loaded.version} {banner}")
    uvicorn.run(served, host=settings.host, port=settings.port, log_config=logging_config, access_log=False)
