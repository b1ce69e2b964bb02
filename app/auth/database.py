"""The users' and the audit log's place: the historian's database, opened with its settings and migrations.

What happened lives in the database, and who may do things is part of that: a console in direct
mode keeps its users in its local SQLite file, the server in its PostgreSQL database.  Opening
brings the schema to the newest revision with the historian's Alembic revisions (0004 adds the
users and the audit log), so whichever part opens the database first prepares it for all.
Given an engine the caller already has, that engine is used for reads and writes alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.historian.database import database_url, describe, make_engine, migrate, where
from app.historian.errors import HistorianError

from .model import AuthUnavailable

# Logins and user changes are rare; they may wait for the historian's writer a while on SQLite.
DEFAULT_BUSY_TIMEOUT_S = 10.0

T = TypeVar("T")


class AuthDatabase:
    """A writer and a reader engine on the historian's database (thread-safe, opened lazily)."""

    def __init__(self, target: str | Path | Engine, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self._given = target if isinstance(target, Engine) else None
        self._url = None if self._given is not None else _url(target)
        self._busy_timeout = busy_timeout
        self._writer: Engine | None = None
        self._reader: Engine | None = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return where(self._given.url if self._given is not None else self._url)

    @property
    def dialect(self) -> str:
        return (self._given.url if self._given is not None else self._url).get_backend_name()

    def open(self) -> None:
        """Create the engines and migrate the schema (idempotent; `AuthUnavailable` in words)."""
        with self._lock:
            if self._reader is not None:
                return
            engines: tuple[Engine, ...] = ()
            try:
                if self._given is not None:
                    engines = (self._given, self._given)
                else:
                    engines = (make_engine(self._url, "writer", self._busy_timeout),
                               make_engine(self._url, "reader", self._busy_timeout))
                migrate(engines[1])
            except HistorianError as exc:
                if self._given is None:
                    for engine in engines:
                        engine.dispose()
                raise _cannot_open(exc) from None
            self._writer, self._reader = engines

    def close(self) -> None:
        with self._lock:
            if self._given is None:
                for engine in {id(e): e for e in (self._writer, self._reader) if e is not None}.values():
                    engine.dispose()
            self._writer = self._reader = None

    def read(self, what: str, body: Callable[[Connection], T]) -> T:
        """Run ``body`` on a reading connection; a database failure becomes `AuthUnavailable` saying ``what``."""
        self.open()
        try:
            with self._reader.connect() as conn:  # type: ignore[union-attr]
                return body(conn)
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise unavailable(what, exc) from exc

    def write(self, what: str, body: Callable[[Connection], T]) -> T:
        """Run ``body`` in one write transaction (committed when it returns, rolled back when it raises)."""
        self.open()
        try:
            with self._writer.begin() as conn:  # type: ignore[union-attr]
                return body(conn)
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise unavailable(what, exc) from exc


def unavailable(what: str, exc: BaseException) -> AuthUnavailable:
    why = describe(exc)
    return AuthUnavailable(f"数据库操作失败（{what}）：{why}", f"{what} failed: {why}")


def _url(target: str | Path) -> URL:
    try:
        return database_url(target)
    except HistorianError as exc:
        raise _cannot_open(exc) from None


def _cannot_open(exc: BaseException) -> AuthUnavailable:
    return AuthUnavailable(f"用户数据库无法打开：{exc}", f"the users' database cannot be opened: {exc}")
