"""A point's alarm limits changed at runtime, over the site file's, stored with who and when.

The site file holds the limits the engineer wrote.  During a shift a permitted user may need to
move a limit — a transformer that runs hot in summer, a feeder re-rated — without editing the
file and without a restart.  Such a change is stored here as the point's whole limit rule
(`PointLimits`: HH/H/L/LL, deadband, delays), replacing whatever the site file's limit rules
said for that point; "no limits" is a change too.  Every change keeps a history row (old, new,
user, time) for the audit of a later issue.  Rules are recompiled with the changes and the
engine takes them with `AlarmEngine.replace_rules`, so running alarms keep their state.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.alarms.journal_db import DEFAULT_BUSY_TIMEOUT_S, BadJournalQuery, JournalDatabase, JournalUnavailable, failure
from app.config.alarms import LimitRule
from app.historian.schema import alarm_limit as limits_table
from app.historian.schema import alarm_limit_change as changes_table

#: A point's limits as a person writes them: {"H": {"value": 130, "level": 2}, "HH": 150, "deadband": 3, ...}.
LimitSpec = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LimitChange:
    """One runtime change of a point's limits (None: no limits)."""

    ts: int
    point: str
    old: LimitSpec | None
    new: LimitSpec | None
    user: str


def limit_rule(point: str, spec: LimitSpec) -> LimitRule:
    """The point's limit rule from ``spec``; `BadJournalQuery` says in words what is wrong with it."""
    body = {k: v for k, v in spec.items() if k not in ("kind", "point", "points", "id")}
    try:
        return LimitRule.model_validate({"kind": "limit", "id": f"limits-{point}", "points": [point], **body})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'limits'}: {e['msg']}" for e in exc.errors())
        raise BadJournalQuery(f"the limits of {point} cannot be used: {problems}") from None


def spec_of(rule: LimitRule) -> LimitSpec:
    """A limit rule as the plain limits a dialog edits (what `limit_rule` takes back)."""
    return rule.model_dump(exclude_defaults=True, exclude={"kind", "id", "points", "name", "suppress_when"})


class LimitStore:
    """The runtime limit changes in the historian's database (thread-safe; every call blocks on it)."""

    def __init__(self, url: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self._db = JournalDatabase(url, busy_timeout)
        self._lock = threading.Lock()

    def open(self) -> None:
        """Open (and if needed create or upgrade) the database."""
        self._db.open()

    def close(self) -> None:
        self._db.close()

    def current(self) -> dict[str, LimitSpec | None]:
        """Every point whose limits were changed at runtime, with its limits (None: none at all)."""
        try:
            with self._db.read_engine().connect() as conn:
                rows = list(conn.execute(select(limits_table.c.point, limits_table.c.spec)))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading the alarm limits failed", exc)) from exc
        return {r.point: (json.loads(r.spec) if r.spec is not None else None) for r in rows}

    def set(self, point: str, spec: LimitSpec | None, user: str, ts: int | None = None) -> LimitChange:
        """Store a point's new limits (None: no limits) with its history row, in one transaction."""
        if spec is not None:
            spec = spec_of(limit_rule(point, spec))  # refused in words before anything is written
        now = int(time.time() * 1000) if ts is None else ts
        new = json.dumps(spec, ensure_ascii=False, sort_keys=True) if spec is not None else None
        with self._lock:
            try:
                with self._db.write_engine().begin() as conn:
                    row = conn.execute(select(limits_table.c.spec).where(limits_table.c.point == point)).first()
                    old = json.loads(row.spec) if row is not None and row.spec is not None else None
                    conn.execute(delete(limits_table).where(limits_table.c.point == point))
                    conn.execute(insert(limits_table).values(point=point, spec=new, user_name=user, ts=now))
                    conn.execute(insert(changes_table).values(ts=now, point=point, user_name=user, new=new,
                                                   old=json.dumps(old, ensure_ascii=False) if old else None))
            except (DBAPIError, SQLAlchemyError, OSError) as exc:
                raise JournalUnavailable(failure(f"storing the alarm limits of {point} failed", exc)) from exc
        return LimitChange(now, point, old, spec, user)

    def revert(self, point: str, user: str, ts: int | None = None) -> LimitChange:
        """Go back to the site file's limits for ``point`` (the change is kept in the history)."""
        now = int(time.time() * 1000) if ts is None else ts
        with self._lock:
            try:
                with self._db.write_engine().begin() as conn:
                    row = conn.execute(select(limits_table.c.spec).where(limits_table.c.point == point)).first()
                    old = json.loads(row.spec) if row is not None and row.spec is not None else None
                    conn.execute(delete(limits_table).where(limits_table.c.point == point))
                    conn.execute(insert(changes_table).values(ts=now, point=point, user_name=user, new=None,
                                                   old=json.dumps(old, ensure_ascii=False) if old else None))
            except (DBAPIError, SQLAlchemyError, OSError) as exc:
                raise JournalUnavailable(failure(f"reverting the alarm limits of {point} failed", exc)) from exc
        return LimitChange(now, point, old, None, user)

    def history(self, point: str | None = None, limit: int = 200) -> list[LimitChange]:
        """Changes, newest first."""
        stmt = select(changes_table).order_by(changes_table.c.ts.desc(), changes_table.c.id.desc()).limit(limit)
        if point is not None:
            stmt = stmt.where(changes_table.c.point == point)
        try:
            with self._db.read_engine().connect() as conn:
                rows = list(conn.execute(stmt))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading the alarm limit changes failed", exc)) from exc
        return [LimitChange(r.ts, r.point, json.loads(r.old) if r.old else None,
                            json.loads(r.new) if r.new else None, r.user_name) for r in rows]  # fmt: skip
