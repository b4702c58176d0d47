"""Running the server: open-mode policy, JSON logs, one or many worker processes.

With several workers uvicorn imports the app factory in each worker process, so
everything a worker needs travels in MODLENS_* environment variables; the
metrics of all workers meet in PROMETHEUS_MULTIPROC_DIR, and SIGHUP to the
parent asks every worker to reload (instead of uvicorn's default restart, which
would leave a worker without a model if the new artifact is refused).
"""

from __future__ import annotations

import ctypes
import gc
import importlib.abc
import ipaddress
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from service.security.auth import ConfigError
from service.security.keys import KeyRing
from service.settings import Settings

log = logging.getLogger("modlens.service")
APP_FACTORY = "service.serving:worker_app"

# Packages a server never uses, but that its libraries import whenever they are
# installed: scikit-learn imports pandas (for DataFrame inputs; 66 MB of a
# worker's memory) and skops' list of estimators pulls in pytest. modlens
# needs neither to serve (pandas is only in the test and spark extras).
UNUSED_IN_SERVER = ("pandas", "pytest")


class _Unused(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in UNUSED_IN_SERVER:
            raise ModuleNotFoundError(f"No module named {name!r} (not imported in a modlens server)", name=name)
        return None


def skip_unused_imports() -> None:
    """Make the UNUSED_IN_SERVER packages unimportable in this process, as if not installed.

    Only for a process that will serve and nothing else; a no-op if one of them is already imported.
    """
    if not any(isinstance(f, _Unused) for f in sys.meta_path) and not any(m in sys.modules for m in UNUSED_IN_SERVER):
        sys.meta_path.insert(0, _Unused())


# Requests are scored in AnyIO's worker threads, one at a time but on whichever
# thread is free, and glibc gives each thread an allocator arena of its own
# (up to 8 per core) that keeps what a batch freed. Two arenas are shared by
# all threads instead. Measured with one server on the seeds model, batches
# of 100 with spans: peak RSS 301 -> 292 MB at the same requests/s (fixed
# 4 MB mmap thresholds gave 295 MB but 8% fewer requests/s).
M_ARENA_MAX = -8
ARENAS = 2


def share_allocator_arenas() -> bool:
    """Limit glibc to ARENAS allocator arenas in this process; False where libc has no mallopt."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, ARENAS))


# Scoring a batch allocates hundreds of thousands of short-lived objects (lists,
# tuples, the evidence dicts), nearly all freed by reference counting; at
# Python's default of 700 allocations a young-generation collection ran ~140
# times per 1,000 documents for nothing. Measured in process, batches of 100
# with spans: 1,636 -> 1,680 documents per CPU-second (best of four).
GC_YOUNG_THRESHOLD = 50_000


def prepare_server_process() -> None:
    """What every server process does first: skip unused imports (before scikit-learn loads), share arenas, collect less often."""
    skip_unused_imports()
    share_allocator_arenas()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def worker_app():
    """The app factory of each worker process (several workers), prepared as `modlens serve` is."""
    prepare_server_process()
    from service.app import create_app

    return create_app()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def decide_open(settings: Settings) -> bool:
    """Open mode only if asked for, or by default on a loopback address; never by accident on a network."""
    has_keys = bool(KeyRing.from_config(settings.api_keys, settings.keys_file))
    if has_keys:
        if settings.open:
            raise ConfigError("API keys are configured and open mode is on: choose one")
        return False
    if settings.open is None and not is_loopback(settings.host):
        raise ConfigError(
            f"refusing to serve on {settings.host} without API keys: set MODLENS_API_KEYS "
            "(make one with `modlens keys new`) or, to accept anyone, MODLENS_OPEN=true / --open"
        )
    if settings.open is False:
        raise ConfigError("open mode is off (MODLENS_OPEN=false) and no API keys are configured")
    return True


def export(**values) -> None:
    """Put settings where worker processes (and their Settings()) will find them."""
    for name, value in values.items():
        if value is not None:
            os.environ[f"MODLENS_{name.upper()}"] = str(value)


def prepare_multiprocess_metrics() -> Path | None:
    """A clean PROMETHEUS_MULTIPROC_DIR; returns the folder if we made it (to remove at exit)."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # values of a previous run would be added to ours
            stale.unlink()
        return None
    folder = Path(tempfile.mkdtemp(prefix="modlens-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def run_workers(settings: Settings, log_config: dict) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from service.reload import request_reload
    from training import artifacts
    from training.artifacts import ArtifactError

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:
            # Verify the artifact here once, then let every worker follow.
            try:
                folder = artifacts.resolve(settings.model_dir, settings.models_dir)
                model = artifacts.load(folder)
            except (ArtifactError, OSError) as e:
                log.error("SIGHUP: reload refused, workers keep their model: %s", e)
                return
            try:
                request_reload(settings, folder)
            except OSError as e:
                log.error("SIGHUP: cannot tell the workers (%s): %s", e.filename, e.strerror)
                return
            log.info("SIGHUP: workers are reloading %s", model.version)

    made = prepare_multiprocess_metrics()
    try:
        config = uvicorn.Config(
            APP_FACTORY, factory=True, host=settings.host, port=settings.port, workers=settings.workers,
            log_config=log_config, access_log=False,
        )
        Supervisor(config, sockets=[config.bind_socket()]).run()
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
