"""The review database of one app: created and migrated on first use.

`modlens serve` migrates before it starts listening, so that a bad URL fails
with a message; the app itself connects lazily, so that an app built for a
test or a deployment that never reviews creates no database file.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import ServiceError
from service.review import migrate
from service.review.db import make_engine, session_factory

log = logging.getLogger("modlens.review")


class ReviewStore:
    def __init__(self, url: str):
        self.url = url
        self._sessions: sessionmaker | None = None
        self._lock = threading.Lock()

    def open(self) -> sessionmaker:
        """Connect and migrate to the latest schema (once); raises SQLAlchemyError on failure."""
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    engine = make_engine(self.url)
                    try:
                        migrate.upgrade(engine)
                    except Exception:
                        engine.dispose()
                        raise
                    self._sessions = session_factory(engine)
        return self._sessions

    @contextmanager
    def session(self) -> Iterator[Session]:
        try:
            sessions = self.open()
        except (SQLAlchemyError, OSError) as e:
            log.error("review database unavailable: %s", e)
            raise ServiceError(503, "review_unavailable", "the review database is not available") from None
        with sessions() as db:
            yield db

    def close(self) -> None:
        if self._sessions is not None:
            self._sessions.kw["bind"].dispose()
            self._sessions = None
