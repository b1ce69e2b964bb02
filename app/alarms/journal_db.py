"""Opening the historian's database for alarm handling: the same file or server, its own engines.

The journal and the fault records live in the historian's database (what happened lives in the
database) but write through engines of their own, so a slow compaction of the historian never
holds an alarm back and neither part depends on the other being open.  On SQLite both are
writers of one WAL file: SQLite lets one write at a time, so these engines wait longer for the
lock (``busy_timeout``) than the historian's, and they only ever run on worker threads.
Opening migrates the schema exactly as the historian does (the same Alembic revisions).
"""

from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.historian.database import database_url, describe, make_engine, migrate, where
from app.historian.errors import HistorianError

DEFAULT_BUSY_TIMEOUT_S = 10.0


class JournalError(Exception):
    """Something the alarm journal or the fault recorder cannot do; the message is for a person."""


class JournalUnavailable(JournalError):
    """The database cannot be opened or written just now; what was handed over is kept for a retry."""


class BadJournalQuery(JournalError, ValueError):
    """A query's or a call's arguments make no sense (a negative limit, an unknown state...)."""


class JournalDatabase:
    """The two engines (one writer connection, a reader pool) on the historian's database."""

    def __init__(self, url: str | Path, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        try:
            self.url = database_url(url)
        except HistorianError as exc:
            raise JournalUnavailable(str(exc)) from None
        self.busy_timeout = busy_timeout
        self.writer: Engine | None = None
        self.reader: Engine | None = None

    @property
    def where(self) -> str:
        return where(self.url)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def open(self) -> None:
        """Create the engines and bring the schema to the newest revision (idempotent)."""
        if self.reader is not None:
            return
        reader = make_engine(self.url, "reader", self.busy_timeout)
        try:
            migrate(reader)
        except HistorianError as exc:
            reader.dispose()
            raise JournalUnavailable(str(exc)) from None
        self.reader = reader
        self.writer = make_engine(self.url, "writer", self.busy_timeout)

    def close(self) -> None:
        for engine in (self.writer, self.reader):
            if engine is not None:
                engine.dispose()
        self.writer = self.reader = None

    def read_engine(self) -> Engine:
        if self.reader is None:
            raise JournalError("the alarm journal is not open")
        return self.reader

    def write_engine(self) -> Engine:
        if self.writer is None:
            raise JournalError("the alarm journal is not open")
        return self.writer


def failure(what: str, exc: BaseException) -> str:
    """A database failure in words: what could not be done, and why (the historian's wording)."""
    if isinstance(exc, DBAPIError | SQLAlchemyError | OSError):
        return f"{what}: {describe(exc)}"
    return f"{what}: {exc}"


def finite(value: float | None) -> float | None:
    """NaN cannot be stored on SQLite (it becomes NULL anyway): say "no value" for both databases."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def clean(text: str | None) -> str | None:
    """PostgreSQL refuses NUL characters in text; a refused row must never block a batch."""
    if text is None:
        return None
    text = str(text)
    return text.replace("\x00", "") if "\x00" in text else text
