"""The writer thread: takes samples from the event loop, commits them every second, never dies.

`write()` only appends to an inbox under a lock, so the asyncio loop never waits for the disk.
The thread wakes every ``commit_interval`` and

1. turns the inbox into one sorted block (registering points it has not seen) and commits it as
   one batch row: one small transaction a second is what makes 300 000 samples/s possible on
   SQLite, and a crash loses at most the samples of the commit in progress;
2. every ``compact_interval`` (or when much has piled up) compacts the committed batches into
   chunks and rollups, merges fresh chunks that are due, and now and then enforces retention.

When the database fails (disk full, read-only file, locked, server gone) the thread keeps every
sample it holds, says what is wrong in `status` and in the log (once per new problem, then once a
minute), closes its connection and retries with a growing pause.  Only when more than
``max_pending`` samples wait are the oldest dropped — counted and logged, never silently.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.model import Sample

from .block import Block
from .codec import encode_batch
from .compactor import Compactor
from .database import describe
from .errors import HistorianError
from .points import PointRegistry
from .policy import PointInfo, PolicyError
from .recent import LatestValues, Recent
from .store import Sql

log = logging.getLogger(__name__)

WAKE_SAMPLES = 250_000  # an inbox this full is converted at once rather than at the next tick
RETRY_MAX_S = 5.0
REPEAT_LOG_S = 60.0


@dataclass(frozen=True)
class HistorianStatus:
    """What the console shows about the historian (``as_dict`` is the API's shape)."""

    ok: bool
    message: str
    pending: int  # received, not yet committed
    written: int  # committed since open
    dropped: int  # lost because too many were waiting while the database failed
    rejected: int  # malformed samples refused (see the log)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "message": self.message,
            "pending": self.pending,
            "written": self.written,
            "dropped": self.dropped,
            "rejected": self.rejected,
        }


@dataclass
class Arrays:
    """Samples handed over as columns (`Historian.write_arrays`)."""

    points: str | Sequence[str]
    ts: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)


@dataclass
class _Command:
    action: Callable[[Connection], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class Writer:
    """The one thread that writes the historian's database."""

    def __init__(
        self,
        engine: Engine,
        sql: Sql,
        points: PointRegistry,
        recent: Recent,
        latest: LatestValues,
        compactor: Compactor,
        *,
        commit_interval: float,
        compact_interval: float,
        compact_samples: int,
        max_pending: int,
        purge_interval: float,
        clock: Callable[[], float],
        rules: dict[str, PointInfo] | None = None,
    ) -> None:
        self.rules = rules if rules is not None else {}  # registered rules, by point id
        self.engine = engine
        self.sql = sql
        self.points = points
        self.recent = recent
        self.latest = latest
        self.compactor = compactor
        self.commit_interval = commit_interval
        self.compact_interval = compact_interval
        self.compact_samples = compact_samples
        self.max_pending = max_pending
        self.purge_interval = purge_interval
        self.clock = clock
        self._cond = threading.Condition()
        self._inbox: list[Sequence[Sample] | Arrays] = []
        self._inbox_n = 0
        self._unsaved: deque[Block] = deque()
        self._unsaved_n = 0
        self._commands: deque[_Command] = deque()
        self._stopping = False
        self._commit_now = False
        self._received = 0
        self._written = 0
        self._dropped = 0
        self._rejected = 0
        self._error: str = ""
        self._failures = 0
        self._logged: tuple[str, float] = ("", 0.0)
        self._conn: Connection | None = None
        self._thread = threading.Thread(target=self._run, name="historian-writer", daemon=True)
        self._last_compaction = time.monotonic()
        self._next_purge = time.monotonic()

    # -- called from other threads ----------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def put(self, item: Sequence[Sample] | Arrays) -> None:
        n = len(item)
        if not n:
            return
        with self._cond:
            if self._stopping:
                raise HistorianError("the historian is closing: samples are no longer accepted")
            self._inbox.append(item)
            self._inbox_n += n
            self._received += n
            if self._inbox_n >= WAKE_SAMPLES:
                self._cond.notify()

    def flush(self, timeout: float) -> None:
        """Block until everything received so far is committed (or dropped/rejected)."""
        with self._cond:
            target = self._received
            self._commit_now = True
            self._cond.notify()
            done = self._cond.wait_for(
                lambda: self._written + self._dropped + self._rejected >= target or not self._thread.is_alive(),
                timeout,
            )
        if not done or not self._thread.is_alive():
            status = self.status()
            raise HistorianError(
                f"the history was not written within {timeout:g} s ({status.pending} samples waiting)"
                + (f": {status.message}" if status.message else "")
            )

    def call(self, action: Callable[[Connection], Any], timeout: float | None = None) -> Any:
        """Run ``action(connection)`` in the writer thread (it opens its own transactions); return its result."""
        command = _Command(action)
        with self._cond:
            if not self._thread.is_alive() or self._stopping:
                raise HistorianError("the historian's writer is not running (closed or stopped)")
            self._commands.append(command)
            self._cond.notify()
        if not command.done.wait(timeout):
            raise HistorianError(f"the historian's writer did not answer within {timeout:g} s")
        if command.error is not None:
            if isinstance(command.error, HistorianError):
                raise command.error
            raise HistorianError(describe(command.error)) from command.error
        return command.result

    def stop(self, timeout: float) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("the historian's writer did not stop within %g s; %d samples may be lost",
                      timeout, self.status().pending)

    def status(self) -> HistorianStatus:
        with self._cond:
            pending = self._inbox_n + self._unsaved_n
            alive = self._thread.is_alive() or not self._thread.ident
            message = self._error
            if not alive and not self._stopping:
                message = "the historian's writer stopped: " + (message or "unexpected error (see the log)")
            elif not alive:
                message = message or "the historian is closed"
            if self._dropped and message:
                message += f"; {self._dropped} samples were dropped"
            return HistorianStatus(
                ok=alive and not self._error,
                message=message,
                pending=pending,
                written=self._written,
                dropped=self._dropped,
                rejected=self._rejected,
            )

    # -- the thread -------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # the writer must never die silently
            log.critical("the historian's writer stopped", exc_info=True)
            with self._cond:
                self._error = f"writer stopped: {describe(exc)}"
                self._cond.notify_all()
            raise
        finally:
            self._disconnect()

    def _loop(self) -> None:
        next_tick = time.monotonic() + self.commit_interval
        while True:
            with self._cond:
                self._cond.wait_for(self._has_work(next_tick), max(0.0, next_tick - time.monotonic()))
                stopping = self._stopping
                self._commit_now = False
                commands = list(self._commands)
                self._commands.clear()
            ok = self._cycle(final=stopping)
            for command in commands:
                self._execute(command)
            if stopping:
                self._finish()
                return
            if ok:
                self._failures = 0
                next_tick = time.monotonic() + self.commit_interval
            else:
                self._failures += 1
                next_tick = time.monotonic() + min(self.commit_interval * 2**self._failures, RETRY_MAX_S)

    def _has_work(self, deadline: float) -> Callable[[], bool]:
        return lambda: bool(
            self._stopping or self._commands or self._commit_now
            or self._inbox_n >= WAKE_SAMPLES or time.monotonic() >= deadline
        )

    def _cycle(self, final: bool = False) -> bool:
        """Commit what waits, then compact/merge/purge when due; False after a database error."""
        step = "writing"
        try:
            self._take_inbox()
            self._commit()
            now = time.monotonic()
            recent_n = self.recent.count()
            if recent_n and (final or recent_n >= self.compact_samples
                             or now - self._last_compaction >= self.compact_interval):
                step = "compacting"
                self.compact()
            if not final:
                step = "merging"
                self._merge(everything=False)
                if now >= self._next_purge:
                    step = "purging"
                    self.purge(int(self.clock() * 1000))
                    self._next_purge = now + self.purge_interval
        except Exception as exc:
            self._fail(step, exc)
            return False
        self._recovered()
        return True

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def _disconnect(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def _execute(self, command: _Command) -> None:
        try:
            command.result = command.action(self._connection())
        except Exception as exc:
            command.error = exc
            self._disconnect()
        finally:
            command.done.set()

    def _take_inbox(self) -> None:
        with self._cond:
            items, self._inbox, self._inbox_n = self._inbox, [], 0
        blocks: list[Block] = []
        try:
            while items:
                block = self._convert(items[0])
                items.pop(0)
                if len(block):
                    blocks.append(block)
        finally:
            with self._cond:
                self._inbox[:0] = items  # what could not be converted waits for the next try
                self._inbox_n += sum(len(item) for item in items)
                if blocks:
                    merged = Block.concat(blocks).sorted()
                    self._unsaved.append(merged)
                    self._unsaved_n += len(merged)
                self._enforce_cap()

    def _enforce_cap(self) -> None:
        excess = self._inbox_n + self._unsaved_n - self.max_pending
        lost = 0
        while excess > 0 and self._unsaved:
            block = self._unsaved[0]
            if len(block) <= excess:
                self._unsaved.popleft()
                cut = len(block)
            else:
                keep = np.ones(len(block), bool)
                keep[np.argsort(block.ts, kind="stable")[:excess]] = False  # the oldest go first
                self._unsaved[0] = block.take(keep)
                cut = excess
            self._unsaved_n -= cut
            excess -= cut
            lost += cut
        while excess > 0 and self._inbox:
            item = self._inbox.pop(0)
            self._inbox_n -= len(item)
            excess -= len(item)
            lost += len(item)
        if lost:
            self._dropped += lost
            log.error("history: %d samples dropped (the oldest waiting) because more than %d waited "
                      "while the database could not be written; %d dropped since open",
                      lost, self.max_pending, self._dropped)
            self._cond.notify_all()

    def _convert(self, item: Sequence[Sample] | Arrays) -> Block:
        if isinstance(item, Arrays):
            names = [item.points] if isinstance(item.points, str) else item.points
            ids = self._ids(set(names))
            if isinstance(item.points, str):
                pid: Any = ids[item.points]
            else:
                pid = np.fromiter((ids[name] for name in item.points), np.int32, len(item))
            return Block.of(pid, item.ts, item.value, item.quality)
        try:
            names, ts, values, qualities = zip(*item, strict=True)
            ids = self._ids(set(names))
            pid = np.fromiter((ids[name] for name in names), np.int32, len(names))
            return Block.of(pid, np.array(ts, np.int64), np.array(values, np.float64),
                            np.array(qualities, np.uint8))
        except (TypeError, ValueError, OverflowError, KeyError, PolicyError):
            return self._convert_carefully(item)

    def _convert_carefully(self, samples: Sequence[Sample]) -> Block:
        """Sample by sample, refusing malformed ones with a message (the rest are kept)."""
        good: list[tuple[str, int, float, int]] = []
        bad: list[str] = []
        for sample in samples:
            try:
                name, ts, value, quality = sample
                if not isinstance(name, str) or isinstance(ts, bool) or int(ts) != ts:
                    raise ValueError("point must be a string and ts whole milliseconds")
                if not 0 <= int(quality) <= 3:
                    raise ValueError(f"quality {quality!r} is not 0..3")
                PointInfo(name)
                good.append((name, int(ts), float(value), int(quality)))
            except (TypeError, ValueError, OverflowError, PolicyError) as exc:
                bad.append(f"{sample!r}: {exc}")
        if bad:
            with self._cond:
                self._rejected += len(bad)
                self._cond.notify_all()
            log.warning("history: %d malformed samples refused, e.g. %s", len(bad), bad[0])
        if not good:
            return Block.empty()
        names, ts, values, qualities = zip(*good, strict=True)
        ids = self._ids(set(names))
        pid = np.fromiter((ids[name] for name in names), np.int32, len(names))
        return Block.of(pid, ts, values, qualities)

    def _ids(self, names: set[str]) -> dict[str, int]:
        ids = {name: self.points.id(name) for name in names}
        unknown = [name for name, pid in ids.items() if pid is None]
        if unknown:
            infos = [self.rules.get(name) or PointInfo(name) for name in sorted(unknown)]
            conn = self._connection()
            with conn.begin():
                entries = self.points.ensure(conn, self.sql, infos)
            self.points.publish(entries)
            unruled = [name for name in unknown if name not in self.rules]
            if unruled:
                log.info("history: %d points written before they were registered, stored with default "
                         "rules (e.g. %s)", len(unruled), unruled[0])
            ids.update({name: pid for name, (pid, _info) in entries.items()})
        return ids  # type: ignore[return-value]

    def _commit(self) -> None:
        with self._cond:
            blocks = list(self._unsaved)
        if not blocks:
            return
        block = blocks[0] if len(blocks) == 1 else Block.concat(blocks).sorted()
        data = encode_batch(block)
        conn = self._connection()
        with conn.begin():
            batch_id = self.sql.add_batch(conn, len(block), int(block.ts.min()), int(block.ts.max()), data)
        self.recent.add(batch_id, block)
        self.latest.update(block)
        self._recovered()  # before waking flush(): a caller that sees its samples written sees ok
        with self._cond:
            for _ in blocks:
                self._unsaved.popleft()
            self._unsaved_n -= len(block)
            self._written += len(block)
            self._cond.notify_all()

    def compact(self) -> None:
        """Move every committed batch into chunks and rollups (writer thread only)."""
        items = self.recent.items()
        if not items:
            return
        ids = {batch_id for batch_id, _ in items}
        block = Block.concat([b for _, b in items]).sorted()
        state = self.compactor.checkpoint()
        conn = self._connection()
        try:
            with conn.begin() as tx:
                self.compactor.compact(conn, block, self.latest)
                self.sql.drop_batches(conn, sorted(ids))
                with self.recent.changing():
                    tx.commit()
                    self.recent.drop(ids)
        except BaseException:
            self.compactor.restore(state)
            raise
        self._last_compaction = time.monotonic()

    def _merge(self, everything: bool) -> None:
        while True:
            now_ms = int(self.clock() * 1000)
            due = self.compactor.merge_due(now_ms, everything)
            if not due:
                return
            state = self.compactor.checkpoint()
            conn = self._connection()
            try:
                with conn.begin():
                    self.compactor.merge(conn, due, now_ms, everything)
            except BaseException:
                self.compactor.restore(state)
                raise
            if not everything:
                return

    def merge_all(self) -> None:
        """Merge every fresh chunk now (writer thread only; for close-time measurements)."""
        self._merge(everything=True)

    def purge(self, now_ms: int) -> dict[str, int]:
        """Enforce retention (writer thread only)."""
        conn = self._connection()
        with conn.begin():
            deleted = self.compactor.purge(conn, now_ms)
        if any(deleted.values()):
            log.info("history retention: deleted %s", ", ".join(f"{k} {v}" for k, v in deleted.items() if v))
            self._vacuum()
        return deleted

    def _vacuum(self) -> None:
        self._pragma("PRAGMA incremental_vacuum")

    def _pragma(self, statement: str) -> None:
        """SQLite maintenance outside any transaction (checkpoints and vacuum refuse to run inside one)."""
        if self.sql.dialect != "sqlite":
            return
        conn = self._connection()
        # executescript steps the statement to the end (execute stops after one page of a vacuum)
        conn.connection.dbapi_connection.executescript(statement + ";")  # type: ignore[union-attr]

    def _finish(self) -> None:
        """Closing: commit and compact what is left; say what could not be written."""
        if not self._cycle(final=True):
            pending = self.status().pending
            log.error("history: closing with %d samples that could not be written: %s", pending, self._error)
            return
        try:
            self._vacuum()
            self._pragma("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:
            log.warning("history: final checkpoint failed: %s", describe(exc))

    def _fail(self, step: str, exc: BaseException) -> None:
        self._disconnect()
        message = f"{step} the history failed: {describe(exc)}"
        with self._cond:
            self._error = message
            pending = self._inbox_n + self._unsaved_n
            self._cond.notify_all()
        last, when = self._logged
        if message != last or time.monotonic() - when >= REPEAT_LOG_S:
            # A database's own failure is said in words; anything else is a bug and needs its traceback.
            expected = isinstance(exc, DBAPIError | HistorianError | OSError)
            log.error("%s (%d samples waiting, kept and retried)", message, pending,
                      exc_info=not expected or log.isEnabledFor(logging.DEBUG))
            self._logged = (message, time.monotonic())

    def _recovered(self) -> None:
        if self._error:
            log.warning("history writing works again (%s)", self._error)
            with self._cond:
                self._error = ""
            self._logged = ("", 0.0)
