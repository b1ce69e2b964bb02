"""The alarm journal: every alarm transition, kept in the historian's database and searchable.

    journal = AlarmJournal(data_dir / "history.sqlite")    # or "postgresql+psycopg://..."
    journal.open()                                         # migrates (revision 0002 adds the tables)
    await loop.run_in_executor(worker, journal.append, events)   # one transaction per batch
    journal.search(start_ms=..., levels=[1, 2], text="过流", limit=200)   # newest first
    journal.alarms("active")                               # GET /alarms
    engine.restore(journal.active_alarms(), next_id=journal.max_alarm_id() + 1)

Two tables (see `app.historian.schema`): ``alarm_journal`` holds one row per `AlarmEvent`,
never changed afterwards; ``alarm`` holds each occurrence's newest snapshot, updated in the same
transaction, so the active list and a restart read a handful of rows instead of replaying the
journal.  What was committed survives a crash (SQLite WAL, PostgreSQL's own log).

Database trouble (disk full, read-only file, locked database, server down) never loses events:
`append` keeps the batch in memory, raises `JournalUnavailable` with the reason in words, and
writes everything kept, in order, with the next `append` or `retry`; only beyond ``max_pending``
events are the oldest dropped, counted and logged.  Calls block on the database: run them on a
worker thread, never on the event loop or the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.historian import schema

from .journal_db import (
    DEFAULT_BUSY_TIMEOUT_S,
    BadJournalQuery,
    JournalDatabase,
    JournalError,
    JournalUnavailable,
    clean,
    failure,
    finite,
)
from .model import Alarm, AlarmEvent, AlarmState, Change, Level

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 1000
UPSERT_ROWS = 500  # snapshots per INSERT .. ON CONFLICT (SQLite allows 32 766 parameters per statement)
_J = schema.alarm_journal
_A = schema.alarm
_ALARM_FIELDS = (
    "id", "alarm_key", "rule", "kind", "point", "device", "room", "level", "state", "message", "message_en",
    "value", "raised_at", "acked_at", "acked_by", "ack_comment", "cleared_at", "shelved_until", "shelve_reason",
    "suppressed_by", "flood",
)

__all__ = [
    "AlarmJournal",
    "BadJournalQuery",
    "JournalEntry",
    "JournalError",
    "JournalStatus",
    "JournalUnavailable",
]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journal row: one change of one alarm, as the alarm list's history tab shows it."""

    id: int  # the row's own number (later rows have larger ones)
    ts: int  # when the change happened, ms UTC
    alarm_id: int
    key: str
    rule: str
    kind: str
    point: str
    device: str | None
    room: str | None
    level: Level
    state: AlarmState  # after the change
    change: Change
    value: float | None
    user: str | None
    comment: str | None
    message: str  # Simplified Chinese
    message_en: str
    raised_at: int

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` ("zh..." or "en...")."""
        return self.message if lang.startswith("zh") else self.message_en

    def to_json(self) -> dict[str, Any]:
        """For the API and exports: level as its number, state and change as their words."""
        return {
            "id": self.id, "ts": self.ts, "alarm_id": self.alarm_id, "key": self.key, "rule": self.rule,
            "kind": self.kind, "point": self.point, "device": self.device, "room": self.room,
            "level": int(self.level), "state": str(self.state), "change": str(self.change), "value": self.value,
            "user": self.user, "comment": self.comment, "message": self.message, "message_en": self.message_en,
            "raised_at": self.raised_at,
        }


@dataclass(frozen=True, slots=True)
class _Pending:
    """An event with its rows, converted when handed over so a malformed one is refused at once."""

    event: AlarmEvent
    row: dict[str, Any]
    snapshot: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JournalStatus:
    """Whether the journal writes, in words, and its counts (for the console's status and /health)."""

    ok: bool
    message: str
    pending: int  # handed over, not yet committed (kept for a retry)
    written: int  # committed since open
    dropped: int  # lost because more than max_pending waited while the database failed


class AlarmJournal:
    """Alarm transitions stored in the historian's database (SQLite file path or PostgreSQL URL).

    ``max_pending``: events kept in memory while the database cannot be written; beyond it the
    oldest are dropped (counted in `status`).  ``busy_timeout``: how long SQLite waits for the
    historian's writer to release the lock.  Thread-safe; every call blocks on the database.
    """

    def __init__(
        self, url: str | Path, *, max_pending: int = 200_000, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S
    ) -> None:
        if max_pending < 1:
            raise BadJournalQuery(f"max_pending must be at least 1, not {max_pending!r}")
        self._db = JournalDatabase(url, busy_timeout)
        self.max_pending = max_pending
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._written = 0
        self._dropped = 0
        self._error = ""

    @property
    def where(self) -> str:
        """The database, named for a person."""
        return self._db.where

    # -- life cycle -----------------------------------------------------------------------------

    def open(self) -> None:
        """Open (and if needed create or upgrade) the database; `JournalUnavailable` in words."""
        self._db.open()

    def close(self) -> None:
        """Try once more to write what is kept, then release the database (idempotent)."""
        with self._lock:
            if self._pending and self._db.writer is not None:
                try:
                    self._write_pending()
                except JournalUnavailable as exc:
                    log.error("alarm journal closing with %d events not written: %s", len(self._pending), exc)
            self._db.close()

    def __enter__(self) -> AlarmJournal:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def status(self) -> JournalStatus:
        with self._lock:
            message = self._error
            if self._dropped:
                message = (message + "; " if message else "") + f"{self._dropped} alarm events were dropped"
            return JournalStatus(not self._error, message, len(self._pending), self._written, self._dropped)

    # -- writing --------------------------------------------------------------------------------

    def append(self, events: Sequence[AlarmEvent]) -> int:
        """Store ``events`` (and any kept from a failed call before them) in one transaction.

        Returns how many events were committed.  `JournalUnavailable` when the database cannot
        be written: the events are kept and written, in order, by the next `append` or `retry`.
        Items that are not `AlarmEvent`s are refused with `BadJournalQuery` after the others
        were stored.
        """
        if isinstance(events, AlarmEvent):
            events = [events]
        good: list[_Pending] = []
        bad: list[str] = []
        for e in events:
            try:
                if not isinstance(e, AlarmEvent):
                    raise TypeError("not an AlarmEvent")
                good.append(_Pending(e, _journal_row(e), _alarm_row(e)))
            except (TypeError, ValueError, OverflowError) as exc:
                bad.append(f"{e!r}: {exc}")
        with self._lock:
            self._pending.extend(good)
            self._enforce_cap()
            written = self._write_pending() if self._pending else 0
        if bad:
            log.error("alarm journal: %d malformed events refused, e.g. %s", len(bad), bad[0])
            raise BadJournalQuery(
                f"{len(bad)} items handed to the alarm journal are malformed and were not stored "
                f"(e.g. {bad[0]}); the {len(good)} others were"
            )
        return written

    def retry(self) -> int:
        """Write what earlier failed calls kept; returns how many were committed (0 if none waited)."""
        with self._lock:
            return self._write_pending() if self._pending else 0

    @property
    def pending(self) -> int:
        """Events kept in memory because the database could not be written."""
        with self._lock:
            return len(self._pending)

    def _enforce_cap(self) -> None:
        excess = len(self._pending) - self.max_pending
        if excess > 0:
            del self._pending[:excess]
            self._dropped += excess
            log.error("alarm journal: %d events dropped (the oldest waiting) because more than %d waited while "
                      "the database could not be written; %d dropped since open",
                      excess, self.max_pending, self._dropped)

    def _write_pending(self) -> int:
        kept = list(self._pending)
        latest: dict[int, dict[str, Any]] = {}
        for p in kept:  # the newest snapshot per occurrence: the list's order is the engine's
            latest[p.event.alarm.id] = p.snapshot
        try:
            with self._db.write_engine().begin() as conn:
                conn.execute(insert(_J), [p.row for p in kept])
                snapshots = list(latest.values())
                for i in range(0, len(snapshots), UPSERT_ROWS):
                    self._upsert(conn, snapshots[i : i + UPSERT_ROWS])
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            message = failure("writing the alarm journal failed", exc)
            if message != self._error:
                log.error("%s (%d events kept and retried)", message, len(kept))
            self._error = message
            raise JournalUnavailable(
                f"{message}; {len(kept)} alarm events are kept and written with the next append or retry"
            ) from exc
        if self._error:
            log.warning("alarm journal writing works again (%s)", self._error)
            self._error = ""
        del self._pending[: len(kept)]
        self._written += len(kept)
        return len(kept)

    def _upsert(self, conn: Any, snapshots: list[dict[str, Any]]) -> None:
        dialect = self._db.dialect
        stmt = (sqlite.insert(_A) if dialect == "sqlite" else postgresql.insert(_A)).values(snapshots)
        update = {name: stmt.excluded[name] for name in (*_ALARM_FIELDS[1:], "updated")}
        conn.execute(stmt.on_conflict_do_update(index_elements=[_A.c.id], set_=update))

    # -- queries --------------------------------------------------------------------------------

    def search(
        self,
        start_ms: int | None = None,
        end_ms: int | None = None,
        point: str | Iterable[str] | None = None,
        device: str | Iterable[str] | None = None,
        room: str | Iterable[str] | None = None,
        levels: Iterable[int] | None = None,
        states: Iterable[str] | None = None,
        changes: Iterable[str] | None = None,
        text: str | None = None,
        alarm_id: int | None = None,
        limit: int = DEFAULT_LIMIT,
        offset: int = 0,
    ) -> list[JournalEntry]:
        """Journal rows matching every given filter, newest first (``start_ms <= ts < end_ms``).

        ``point``/``device``/``room``: one id or several; ``levels``/``states``/``changes``: any
        of them; ``text``: a part of the Chinese or English message, the point id or the comment
        (case-insensitive for Latin letters).  ``limit``/``offset`` page through the result.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise BadJournalQuery(f"limit must be a whole number >= 0, not {limit!r}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise BadJournalQuery(f"offset must be a whole number >= 0, not {offset!r}")
        where = self._filters(start_ms, end_ms, point, device, room, levels, states, changes, text, alarm_id)
        stmt = select(_J).where(*where).order_by(_J.c.ts.desc(), _J.c.id.desc()).limit(limit).offset(offset)
        return [_entry(row) for row in self._read(stmt, "searching the alarm journal")]

    def count(
        self,
        start_ms: int | None = None,
        end_ms: int | None = None,
        point: str | Iterable[str] | None = None,
        device: str | Iterable[str] | None = None,
        room: str | Iterable[str] | None = None,
        levels: Iterable[int] | None = None,
        states: Iterable[str] | None = None,
        changes: Iterable[str] | None = None,
        text: str | None = None,
        alarm_id: int | None = None,
    ) -> int:
        """How many journal rows `search` with the same filters would page through."""
        where = self._filters(start_ms, end_ms, point, device, room, levels, states, changes, text, alarm_id)
        stmt = select(func.count()).select_from(_J).where(*where)
        return int(self._read(stmt, "counting the alarm journal")[0][0])

    def history(self, alarm_id: int) -> list[JournalEntry]:
        """Every change of one occurrence, oldest first (the alarm list's details)."""
        stmt = select(_J).where(_J.c.alarm_id == int(alarm_id)).order_by(_J.c.id)
        return [_entry(row) for row in self._read(stmt, "reading an alarm's history")]

    def alarms(
        self, state: Literal["active", "all"] = "active", since: int | None = None, limit: int | None = None
    ) -> list[Alarm]:
        """One alarm per occurrence, its newest snapshot, newest raised first (``GET /alarms``).

        ``active``: all but ``normal`` (shelved and suppressed included); ``all``: every
        occurrence.  ``since``: only occurrences that changed at or after it (ms UTC).
        """
        if state not in ("active", "all"):
            raise BadJournalQuery(f"state must be 'active' or 'all', not {state!r}")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise BadJournalQuery(f"limit must be a whole number >= 0, not {limit!r}")
        stmt = select(_A)
        if state == "active":
            stmt = stmt.where(_A.c.state != str(AlarmState.NORMAL))
        if since is not None:
            stmt = stmt.where(_A.c.updated >= int(since))
        stmt = stmt.order_by(_A.c.raised_at.desc(), _A.c.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_alarm(row) for row in self._read(stmt, "reading the alarms")]

    def active_alarms(self) -> list[Alarm]:
        """Every occurrence not back to normal, oldest first: what the engine restores after a restart.

        Includes events still kept in memory after a database failure, so nothing is forgotten.
        """
        stmt = select(_A).where(_A.c.state != str(AlarmState.NORMAL)).order_by(_A.c.id)
        found = {alarm.id: alarm for alarm in map(_alarm, self._read(stmt, "reading the active alarms"))}
        with self._lock:
            for p in self._pending:
                found[p.event.alarm.id] = p.event.alarm
        return sorted((a for a in found.values() if a.state is not AlarmState.NORMAL), key=lambda a: a.id)

    def alarm(self, alarm_id: int) -> Alarm | None:
        """One occurrence's newest snapshot, or None when the journal never saw it."""
        rows = self._read(select(_A).where(_A.c.id == int(alarm_id)), "reading an alarm")
        return _alarm(rows[0]) if rows else None

    def max_alarm_id(self) -> int:
        """The largest occurrence id stored or kept (0 when none): the engine numbers on from it."""
        stored = self._read(select(func.max(_A.c.id)), "reading the last alarm id")[0][0] or 0
        with self._lock:
            kept = max((p.event.alarm.id for p in self._pending), default=0)
        return max(int(stored), kept)

    def purge(self, before_ms: int) -> int:
        """Delete journal rows older than ``before_ms`` and occurrences back to normal before it."""
        try:
            with self._lock, self._db.write_engine().begin() as conn:
                n = conn.execute(delete(_J).where(_J.c.ts < int(before_ms))).rowcount
                conn.execute(delete(_A).where(and_(_A.c.state == str(AlarmState.NORMAL),
                                                   _A.c.updated < int(before_ms))))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("purging the alarm journal failed", exc)) from exc
        return int(n or 0)

    def _read(self, stmt: Any, what: str) -> list[Any]:
        try:
            with self._db.read_engine().connect() as conn:
                return list(conn.execute(stmt))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure(f"{what} failed", exc)) from exc

    def _filters(
        self,
        start_ms: int | None,
        end_ms: int | None,
        point: str | Iterable[str] | None,
        device: str | Iterable[str] | None,
        room: str | Iterable[str] | None,
        levels: Iterable[int] | None,
        states: Iterable[str] | None,
        changes: Iterable[str] | None,
        text: str | None,
        alarm_id: int | None,
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if start_ms is not None and end_ms is not None and end_ms <= start_ms:
            raise BadJournalQuery(f"the search ends ({end_ms}) before it starts ({start_ms})")
        if start_ms is not None:
            where.append(_J.c.ts >= int(start_ms))
        if end_ms is not None:
            where.append(_J.c.ts < int(end_ms))
        for column, wanted in ((_J.c.point, point), (_J.c.device, device), (_J.c.room, room)):
            if wanted is not None:
                names = [wanted] if isinstance(wanted, str) else list(wanted)
                where.append(column == names[0] if len(names) == 1 else column.in_(names))
        if levels is not None:
            where.append(_J.c.level.in_([_level(v) for v in levels]))
        if states is not None:
            where.append(_J.c.state.in_([str(_word(AlarmState, s, "state")) for s in states]))
        if changes is not None:
            where.append(_J.c.change.in_([str(_word(Change, c, "change")) for c in changes]))
        if alarm_id is not None:
            where.append(_J.c.alarm_id == int(alarm_id))
        if text is not None and text.strip():
            pattern = "%" + _escape_like(text.strip()) + "%"
            columns = (_J.c.message, _J.c.message_en, _J.c.point, _J.c.comment)
            if self._db.dialect == "sqlite":  # SQLite's LIKE already ignores ASCII case, and uses no lower()
                where.append(or_(*(c.like(pattern, escape="\\") for c in columns)))
            else:
                where.append(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
        return where


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _level(value: int) -> int:
    try:
        return int(Level(int(value)))
    except (TypeError, ValueError):
        raise BadJournalQuery(f"{value!r} is not an alarm level (1 critical, 2 major, 3 minor, 4 notice)") from None


def _word(kind: type[AlarmState] | type[Change], value: str, what: str) -> AlarmState | Change:
    try:
        return kind(value)
    except ValueError:
        valid = ", ".join(str(v) for v in kind)
        raise BadJournalQuery(f"{value!r} is not an alarm {what} ({valid})") from None


def _journal_row(e: AlarmEvent) -> dict[str, Any]:
    a = e.alarm
    return {
        "ts": int(e.ts), "alarm_id": int(a.id), "alarm_key": clean(a.key), "rule": clean(a.rule),
        "kind": clean(a.kind), "point": clean(a.point), "device": clean(a.device), "room": clean(a.room),
        "level": _level(a.level), "state": str(_word(AlarmState, a.state, "state")),
        "change": str(_word(Change, e.change, "change")), "value": finite(e.value),
        "user_name": clean(e.user), "comment": clean(e.comment), "message": clean(a.message),
        "message_en": clean(a.message_en), "raised_at": int(a.raised_at),
    }


def _alarm_row(e: AlarmEvent) -> dict[str, Any]:
    a = e.alarm
    return {
        "id": int(a.id), "alarm_key": clean(a.key), "rule": clean(a.rule), "kind": clean(a.kind),
        "point": clean(a.point), "device": clean(a.device), "room": clean(a.room), "level": _level(a.level),
        "state": str(_word(AlarmState, a.state, "state")), "message": clean(a.message),
        "message_en": clean(a.message_en),
        "value": finite(a.value), "raised_at": int(a.raised_at), "acked_at": a.acked_at,
        "acked_by": clean(a.acked_by), "ack_comment": clean(a.ack_comment), "cleared_at": a.cleared_at,
        "shelved_until": a.shelved_until, "shelve_reason": clean(a.shelve_reason),
        "suppressed_by": clean(a.suppressed_by), "flood": a.flood, "updated": int(e.ts),
    }


def _entry(row: Any) -> JournalEntry:
    m = row._mapping
    return JournalEntry(
        id=int(m["id"]), ts=int(m["ts"]), alarm_id=int(m["alarm_id"]), key=m["alarm_key"], rule=m["rule"],
        kind=m["kind"], point=m["point"], device=m["device"], room=m["room"], level=Level(m["level"]),
        state=AlarmState(m["state"]), change=Change(m["change"]), value=m["value"], user=m["user_name"],
        comment=m["comment"], message=m["message"], message_en=m["message_en"], raised_at=int(m["raised_at"]),
    )


def _alarm(row: Any) -> Alarm:
    m = row._mapping
    return Alarm(
        id=int(m["id"]), key=m["alarm_key"], rule=m["rule"], point=m["point"], level=Level(m["level"]),
        state=AlarmState(m["state"]), message=m["message"], message_en=m["message_en"], value=m["value"],
        raised_at=int(m["raised_at"]), device=m["device"], room=m["room"], kind=m["kind"],
        acked_at=m["acked_at"], acked_by=m["acked_by"], ack_comment=m["ack_comment"], cleared_at=m["cleared_at"],
        shelved_until=m["shelved_until"], shelve_reason=m["shelve_reason"], suppressed_by=m["suppressed_by"],
        flood=m["flood"],
    )
