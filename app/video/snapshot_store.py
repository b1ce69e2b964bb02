"""Alarm snapshots in the historian's database: the picture a camera gave when an alarm was raised.

They live with the alarm journal (what happened lives in the database, revision 0005) and are
written through the journal's own engines (`app.alarms.journal_db`), on worker threads only:
every call here blocks.  A snapshot is read whole and rarely (an operator opens it from the
alarm list), so the JPEG is one blob in its row; the listing calls never read the blobs.

Storage is bounded, because cameras are many and alarms can flood: `prune` drops snapshots
older than ``max_days`` and then the oldest ones beyond ``max_bytes`` in total.  The defaults
(`SnapshotLimits`) keep a year and 1 GiB — about 5,000 full-HD pictures — and the taker
(`app.video.snapshots`) prunes after storing, at most once a minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.alarms.journal_db import (
    DEFAULT_BUSY_TIMEOUT_S,
    BadJournalQuery,
    JournalDatabase,
    JournalUnavailable,
    clean,
    failure,
)
from app.historian import schema

_S = schema.alarm_snapshot
DAY_MS = 86_400_000
MAX_IDS = 10_000  # alarm ids per `infos` call (an IN list)


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """One stored snapshot as the alarm list shows it, without the picture (`DataSource.alarm_snapshot`)."""

    id: int
    alarm_id: int
    camera_id: str
    taken_at: int  # ms UTC
    width: int = 0
    height: int = 0
    size: int = 0  # bytes of JPEG; 0 when the camera gave no picture
    error: str = ""  # why there is no picture, in words (Chinese / English); "" when there is one

    @property
    def has_picture(self) -> bool:
        return self.size > 0 and not self.error

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "alarm_id": self.alarm_id, "camera_id": self.camera_id, "taken_at": self.taken_at,
                "width": self.width, "height": self.height, "size": self.size, "error": self.error}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the taker stores: a JPEG with its resolution, or the reason there is none."""

    alarm_id: int
    camera_id: str
    taken_at: int
    jpeg: bytes | None = None
    width: int = 0
    height: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class SnapshotLimits:
    """How much is kept: snapshots younger than ``max_days`` (None: any age) and ``max_bytes`` of JPEG in all."""

    max_days: float | None = 365.0
    max_bytes: int = 1 << 30


class SnapshotStore:
    """Stores, lists, reads and prunes alarm snapshots; every call blocks on the database (worker threads)."""

    def __init__(self, url: str | Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self._db = JournalDatabase(url, busy_timeout)

    @property
    def where(self) -> str:
        return self._db.where

    def open(self) -> None:
        """Open the engines and bring the schema to the newest revision."""
        self._db.open()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SnapshotStore:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, shots: Iterable[Snapshot]) -> list[int]:
        """Store snapshots in one transaction; their ids.  `JournalUnavailable` (in words) when it cannot be."""
        rows = [{"alarm_id": int(s.alarm_id), "camera_id": s.camera_id, "taken_at": int(s.taken_at),
                 "width": int(s.width) if s.jpeg else 0, "height": int(s.height) if s.jpeg else 0,
                 "size": len(s.jpeg) if s.jpeg else 0, "jpeg": s.jpeg or None,
                 "error": clean(s.error) if s.error or not s.jpeg else None}
                for s in shots]  # fmt: skip
        ids: list[int] = []
        try:
            with self._db.write_engine().begin() as conn:
                for row in rows:
                    if not row["jpeg"] and not row["error"]:
                        row["error"] = "摄像机没有给出图像 / the camera gave no picture"
                    ids.append(int(conn.execute(insert(_S).values(**row).returning(_S.c.id)).scalar_one()))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("storing an alarm snapshot failed", exc)) from exc
        return ids

    def infos(self, alarm_ids: Iterable[int]) -> list[SnapshotInfo]:
        """The snapshots of these alarms, oldest first (camera by camera as they were taken)."""
        wanted = sorted({int(a) for a in alarm_ids})
        if len(wanted) > MAX_IDS:
            raise BadJournalQuery(f"at most {MAX_IDS} alarms per call, not {len(wanted)}")
        if not wanted:
            return []
        return self._infos(_S.c.alarm_id.in_(wanted))

    def info(self, snapshot_id: int) -> SnapshotInfo:
        """One snapshot's description; `NoSnapshot` (a KeyError, in words) when there is none with that id."""
        found = self._infos(_S.c.id == int(snapshot_id))
        if not found:
            raise NoSnapshot(snapshot_id)
        return found[0]

    def _infos(self, where: Any) -> list[SnapshotInfo]:
        stmt = (select(_S.c.id, _S.c.alarm_id, _S.c.camera_id, _S.c.taken_at, _S.c.width, _S.c.height, _S.c.size,
                       _S.c.error)
                .where(where).order_by(_S.c.alarm_id, _S.c.taken_at, _S.c.id))  # fmt: skip
        try:
            with self._db.read_engine().connect() as conn:
                rows = list(conn.execute(stmt))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading the alarm snapshots failed", exc)) from exc
        return [SnapshotInfo(int(r.id), int(r.alarm_id), r.camera_id, int(r.taken_at), int(r.width), int(r.height),
                             int(r.size), r.error or "") for r in rows]  # fmt: skip

    def jpeg(self, snapshot_id: int) -> bytes:
        """One snapshot's JPEG; `NoSnapshot` (a KeyError, in words) when it does not exist or holds no picture."""
        stmt = select(_S.c.jpeg, _S.c.error).where(_S.c.id == int(snapshot_id))
        try:
            with self._db.read_engine().connect() as conn:
                row = conn.execute(stmt).first()
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("reading an alarm snapshot failed", exc)) from exc
        if row is None:
            raise NoSnapshot(snapshot_id)
        if not row.jpeg:
            raise NoSnapshot(snapshot_id, row.error or "")
        return bytes(row.jpeg)

    def prune(self, limits: SnapshotLimits, now_ms: int) -> int:
        """Drop snapshots older than ``limits.max_days``, then the oldest beyond ``limits.max_bytes``; how many."""
        dropped = 0
        try:
            with self._db.write_engine().begin() as conn:
                if limits.max_days is not None:
                    cut = now_ms - int(limits.max_days * DAY_MS)
                    dropped += conn.execute(delete(_S).where(_S.c.taken_at < cut)).rowcount or 0
                total = int(conn.execute(select(func.coalesce(func.sum(_S.c.size), 0))).scalar_one())
                if total > limits.max_bytes:
                    over = total - limits.max_bytes
                    doomed: list[int] = []
                    for sid, size in conn.execute(select(_S.c.id, _S.c.size).order_by(_S.c.taken_at, _S.c.id)):
                        if over <= 0:
                            break
                        doomed.append(int(sid))
                        over -= int(size)
                    for i in range(0, len(doomed), 500):
                        dropped += conn.execute(delete(_S).where(_S.c.id.in_(doomed[i:i + 500]))).rowcount or 0
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            raise JournalUnavailable(failure("pruning the alarm snapshots failed", exc)) from exc
        return dropped


class NoSnapshot(KeyError):
    """No snapshot with that id, or one that holds no picture (then ``reason`` says why): API 404."""

    def __init__(self, snapshot_id: int, reason: str = "") -> None:
        self.snapshot_id = snapshot_id
        self.reason = reason
        if reason:
            words = f"快照 {snapshot_id} 没有图像：{reason} / snapshot {snapshot_id} holds no picture: {reason}"
        else:
            words = f"没有快照 {snapshot_id} / there is no snapshot {snapshot_id}"
        super().__init__(words)

    def __str__(self) -> str:
        return str(self.args[0])
