"""Fault records in the historian's database: headers, their triggering alarms, per-point blobs.

Why blobs: a record is always read whole, one point at a time (the alarm list opens it as a
trend), and is written in a few bursts (the pre-window at once, then the post-window as it
arrives).  So each burst of each point is one ``fault_segment`` row holding the samples in the
historian's own chunk encoding (`app.historian.codec`: lossless, a few bytes per sample) instead
of one row per sample: a 7-minute record of 80 points at 1 Hz is ~160 rows, not 34 000, on both
SQLite and PostgreSQL.  ``fault_trigger`` lists every alarm that started or extended a record,
so an alarm merged into another's record still finds it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.historian import schema
from app.historian.block import QUALITIES, Series
from app.historian.codec import CorruptData, decode_chunk, encode_chunk
from app.model import Sample

from .journal_db import DEFAULT_BUSY_TIMEOUT_S, BadJournalQuery, JournalDatabase, JournalUnavailable, failure

log = logging.getLogger(__name__)

_R = schema.fault_record
_T = schema.fault_trigger
_S = schema.fault_segment


@dataclass(frozen=True, slots=True)
class FaultRecordHeader:
    """What the alarm list shows of a record before opening it."""

    id: int
    alarm_id: int  # the alarm that started it
    alarm_key: str
    device: str
    started: int  # first ms of the pre-window (UTC)
    trigger_ts: int
    ends: int  # last ms of the post-window
    points: tuple[str, ...]
    complete: bool  # False while the post-window is still being recorded (or after a crash in it)
    alarms: tuple[int, ...] = ()  # every alarm that started or extended it, in order

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "alarm_id": self.alarm_id, "alarm_key": self.alarm_key, "device": self.device,
            "started": self.started, "trigger_ts": self.trigger_ts, "ends": self.ends, "points": list(self.points),
            "complete": self.complete, "alarms": list(self.alarms),
        }


@dataclass
class RecordWrite:
    """What one `FaultStore.write` stores for one record (made by the recorder)."""

    key: int  # the recorder's own number for the record
    db_id: int | None  # None: not stored yet
    header: dict[str, Any] | None  # started, trigger_ts, ends, points, complete, alarm_id, alarm_key, device
    triggers: list[tuple[int, str, int]] = field(default_factory=list)  # (alarm_id, alarm_key, ts)
    segments: list[tuple[str, Series]] = field(default_factory=list)


class FaultStore:
    """Reads and writes fault records; every call blocks on the database (worker threads only)."""

    def __init__(self, url: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self._db = JournalDatabase(url, busy_timeout)

    @property
    def where(self) -> str:
        return self._db.where

    def open(self) -> None:
        self._db.open()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FaultStore:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, writes: Sequence[RecordWrite]) -> dict[int, int]:
        """Store everything in one transaction; returns the database id of each record by its key.

        `JournalUnavailable` (in words) when the database cannot be written: nothing is stored and
        the caller keeps ``writes`` for a retry.
        """
        ids: dict[int, int] = {}
        try:
            with self._db.write_engine().begin() as conn:
                for w in writes:
                    db_id = w.db_id
                    if w.header is not None:
                        values = dict(w.header)
                        values["points"] = json.dumps(list(values["points"]), ensure_ascii=False)
                        values["complete"] = int(bool(values["complete"]))
                        if db_id is None:
                            db_id = int(conn.execute(insert(_R).values(**values).returning(_R.c.id)).scalar_one())
                        else:
                            conn.execute(update(_R).where(_R.c.id == db_id).values(**values))
                    if db_id is None:
                        raise JournalUnavailable("a fault record's samples came before its header (a defect)")
                    ids[w.key] = db_id
                    if w.triggers:
                        conn.execute(insert(_T), [{"record_id": db_id, "alarm_id": a, "alarm_key": k, "ts": ts}
                                                  for a, k, ts in w.triggers])
                    rows = [
                        {"record_id": db_id, "point": point, "t0": int(s.ts[0]), "t1": int(s.ts[-1]), "n": len(s),
                         "data": encode_chunk(s)}
                        for point, s in w.segments if len(s)
                    ]
                    if rows:
                        conn.execute(insert(_S), rows)
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("storing a fault record failed", exc)) from exc
        return ids

    def records(
        self, alarm_id: int | None = None, since: int | None = None, device: str | None = None, limit: int = 200
    ) -> list[FaultRecordHeader]:
        """Record headers, newest trigger first: of one alarm (also merged ones), since a time, of a device."""
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise BadJournalQuery(f"limit must be a whole number >= 0, not {limit!r}")
        stmt = select(_R)
        if alarm_id is not None:
            stmt = stmt.where(_R.c.id.in_(select(_T.c.record_id).where(_T.c.alarm_id == int(alarm_id))))
        if since is not None:
            stmt = stmt.where(_R.c.ends >= int(since))
        if device is not None:
            stmt = stmt.where(_R.c.device == device)
        stmt = stmt.order_by(_R.c.trigger_ts.desc(), _R.c.id.desc()).limit(limit)
        try:
            with self._db.read_engine().connect() as conn:
                rows = list(conn.execute(stmt))
                triggers: dict[int, list[int]] = {}
                if rows:
                    found = conn.execute(select(_T.c.record_id, _T.c.alarm_id)
                                         .where(_T.c.record_id.in_([r.id for r in rows]))
                                         .order_by(_T.c.ts, _T.c.alarm_id))
                    for record_id, a in found:
                        triggers.setdefault(int(record_id), []).append(int(a))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading the fault records failed", exc)) from exc
        return [
            FaultRecordHeader(int(r.id), int(r.alarm_id), r.alarm_key, r.device, int(r.started), int(r.trigger_ts),
                              int(r.ends), tuple(json.loads(r.points)), bool(r.complete),
                              tuple(triggers.get(int(r.id), ())))
            for r in rows
        ]

    def series(self, record_id: int, points: Sequence[str] | None = None) -> dict[str, Series]:
        """A record's samples per point in time order (one sample per timestamp), as numpy columns."""
        stmt = select(_S.c.point, _S.c.data).where(_S.c.record_id == int(record_id))
        if points is not None:
            stmt = stmt.where(_S.c.point.in_(list(points)))
        try:
            with self._db.read_engine().connect() as conn:
                known = conn.execute(select(_R.c.points).where(_R.c.id == int(record_id))).scalar_one_or_none()
                rows = list(conn.execute(stmt.order_by(_S.c.point, _S.c.t0, _S.c.id)))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading a fault record failed", exc)) from exc
        if known is None:
            raise BadJournalQuery(f"there is no fault record {record_id}")
        parts: dict[str, list[Series]] = {p: [] for p in json.loads(known) if points is None or p in points}
        for point, data in rows:
            try:
                parts.setdefault(point, []).append(decode_chunk(data))
            except CorruptData as exc:
                log.error("fault record %s: a segment of %s is damaged and skipped: %s", record_id, point, exc)
        return {point: _unique(Series.join(p)) for point, p in parts.items()}

    def record(self, record_id: int, points: Sequence[str] | None = None) -> dict[str, list[Sample]]:
        """A record's samples per point, oldest first: what the alarm list opens as a trend."""
        out: dict[str, list[Sample]] = {}
        for point, s in self.series(record_id, points).items():
            out[point] = [Sample(point, t, v, QUALITIES[q])
                          for t, v, q in zip(s.ts.tolist(), s.value.tolist(), s.quality.tolist(), strict=True)]
        return out


def _unique(s: Series) -> Series:
    """One sample per timestamp (the later stored one wins): a merge may store a moment twice."""
    if len(s) < 2:
        return s
    keep = np.append(s.ts[1:] != s.ts[:-1], True)
    if keep.all():
        return s
    return Series(s.ts[keep], s.value[keep], s.quality[keep])
