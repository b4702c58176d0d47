"""Hot reload: swap to the current model atomically, in every worker process.

A reload (POST /v1/admin/reload or SIGHUP) builds the new Model completely,
verified, before one reference is swapped; requests already running keep the
model they started with. The process that reloads then writes a small
generation file next to the models; every other worker polls it (one stat()
per poll interval) and does the same swap, so a reload reaches all workers.
A refused artifact (tampered, corrupt, missing) changes nothing: the old model
keeps serving.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from service.errors import ServiceError
from service.settings import Settings
from service.store import ModelStore
from training import artifacts
from training.artifacts import ArtifactError

log = logging.getLogger("modlens.reload")
GENERATION = ".reload-generation"


def generation_file(settings: Settings) -> Path:
    return settings.models_dir / GENERATION


def request_reload(settings: Settings, folder: Path) -> str:
    """Tell every worker to load `folder`; returns the generation token."""
    path = generation_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    tmp = path.with_name(f"{GENERATION}.{token}.tmp")
    tmp.write_text(json.dumps({"token": token, "folder": str(folder.resolve()), "at": time.time()}))
    os.replace(tmp, path)
    return token


def _read_generation(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) and "token" in data and "folder" in data else None
    except (OSError, ValueError):
        return None


class Reloader:
    def __init__(self, store: ModelStore, settings: Settings, on_outcome: Callable[[str], None] | None = None):
        self.store, self.settings = store, settings
        self._outcome = on_outcome or (lambda outcome: None)
        self.path = generation_file(settings)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stamp = self._stat()
        seen = _read_generation(self.path)
        self._seen = seen["token"] if seen else None

    # -- reloading in this process ------------------------------------------
    def reload(self) -> dict:
        """Load the current model and swap to it here, then tell the other workers."""
        # Waits for a reload already running here (or a follow-up of one from
        # another worker) rather than refusing: reloads are rare and short.
        if not self._lock.acquire(timeout=60):
            raise ServiceError(409, "reload_in_progress", "another reload has been running for a minute; try again later")
        try:
            previous = self.store.version
            try:
                folder = artifacts.resolve(self.settings.model_dir, self.settings.models_dir)
                model, _ = self.store.load_folder(folder)
            except (ArtifactError, OSError) as e:
                self.store.refused(str(e))
                self._outcome("refused")
                raise ServiceError(422, "model_rejected", f"reload refused, still serving {previous}: {e}") from None
            notified = True
            try:
                self._seen = request_reload(self.settings, folder)
            except OSError as e:  # e.g. a read-only models folder: this worker has reloaded anyway
                notified = False
                log.error("reloaded here, but cannot tell other workers (%s): %s", self.path, e)
            self._stamp = self._stat()
            self._outcome("ok")
        finally:
            self._lock.release()
        return {"previous": previous, "version": model.version, "folder": str(folder), "workers_notified": notified}

    # -- following reloads made elsewhere -------------------------------------
    def poll(self) -> bool:
        """One cheap check: if another process asked for a reload, follow it."""
        stamp = self._stat()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        with self._lock:
            data = _read_generation(self.path)
            if data is None or data["token"] == self._seen:
                return False
            self._seen = data["token"]
            try:
                self.store.load_folder(Path(data["folder"]))
            except (ArtifactError, OSError) as e:
                self.store.refused(str(e))
                self._outcome("refused")
                log.error("reload refused, still serving %s: %s", self.store.version, e)
                return False
        self._outcome("followed")
        return True

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_ino, st.st_size

    def _watch(self) -> None:
        while not self._stop.wait(self.settings.reload_poll_seconds):
            try:
                self.poll()
            except Exception:  # the watcher must outlive any one bad poll
                log.exception("reload watcher poll failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="modlens-reload-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- SIGHUP ---------------------------------------------------------------
    def install_sighup(self, loop) -> bool:
        """SIGHUP reloads in a thread (never inside the signal handler); main thread only."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
            return False
        loop.add_signal_handler(signal.SIGHUP, lambda: threading.Thread(target=self._reload_logged, daemon=True).start())
        return True

    def remove_sighup(self, loop) -> None:
        if hasattr(signal, "SIGHUP"):
            loop.remove_signal_handler(signal.SIGHUP)

    def _reload_logged(self) -> None:
        try:
            done = self.reload()
            log.info("SIGHUP: now serving %s (was %s)", done["version"], done["previous"])
        except ServiceError as e:
            log.error("SIGHUP: %s", e.message)
