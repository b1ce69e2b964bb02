"""The historian: one object the DataSource opens, writes samples into and asks for history.

    historian = Historian(data_dir / "history.sqlite")          # or "postgresql+psycopg://..."
    historian.register_points([PointInfo("T1-LV-IN.Ia", "A"), ...])
    historian.open()                    # migrate, start the writer thread
    historian.write(samples)            # from the event loop: never blocks on the disk
    await loop.run_in_executor(None, historian.history, "T1-LV-IN.Ia", start, end, 2000)
    historian.close()                   # flush, compact, stop (idempotent)

What it promises: samples are committed at least every ``commit_interval`` seconds (a crash or
``kill -9`` loses at most the commit in progress); database trouble (disk full, read-only file,
locked database, server down) never loses what it holds in memory, is said in `status` and in
the log, and is retried; queries see everything committed, on one consistent view.  Use one
Historian per database: a second process writing the same database is not detected, and each
would miss the other's not yet compacted samples.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.model import Quality, Sample

from .block import Block, Series
from .codec import CorruptData, decode_batch
from .compactor import Compactor
from .database import check_schema, database_url, describe, make_engine, migrate, where
from .errors import BadQuery, DatabaseUnavailable, HistorianError, NotOpen
from .points import PointRegistry
from .policy import PointInfo, StoragePolicy
from .query import DEFAULT_LOOKBACK_MS, History, Queries
from .recent import LatestValues, Recent
from .store import Sql
from .writer import Arrays, HistorianStatus, Writer

log = logging.getLogger(__name__)


class Historian:
    """Stores samples in SQLite (a file path) or PostgreSQL (a URL) and answers history queries.

    ``commit_interval``: seconds between commits (at most 1).  ``compact_interval`` /
    ``compact_samples``: compact batches into chunks and rollups this often, or when this many
    samples wait in the batch log.  ``max_pending``: samples kept in memory while the database
    cannot be written; beyond it the oldest are dropped (counted).  ``purge_interval``: seconds
    between retention purges.  ``busy_timeout``: how long SQLite waits for a lock before the
    attempt counts as failed.  ``clock``: the wall clock (seconds) that retention and merging go
    by; tests pass a fixed one.
    """

    def __init__(
        self,
        url: str | Path,
        *,
        policy: StoragePolicy | None = None,
        commit_interval: float = 1.0,
        compact_interval: float = 60.0,
        compact_samples: int = 2_000_000,
        max_pending: int = 5_000_000,
        purge_interval: float = 3600.0,
        busy_timeout: float = 2.0,
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ) -> None:
        if not 0 < commit_interval <= 1.0:
            raise HistorianError(f"commit_interval must be within (0, 1] s, not {commit_interval!r}")
        if compact_interval <= 0 or compact_samples < 1 or max_pending < 1 or purge_interval <= 0:
            raise HistorianError("compact_interval, compact_samples, max_pending and purge_interval must be > 0")
        self.url = database_url(url)
        self.policy = policy or StoragePolicy()
        self._options = {
            "commit_interval": commit_interval,
            "compact_interval": compact_interval,
            "compact_samples": compact_samples,
            "max_pending": max_pending,
            "purge_interval": purge_interval,
            "clock": clock,
        }
        self._busy_timeout = busy_timeout
        self._sql = Sql(self.url.get_backend_name())
        self._points = PointRegistry()
        self._recent = Recent()
        self._latest = LatestValues()
        self._compactor = Compactor(self._sql, self._points, self.policy)
        self._registered: dict[str, PointInfo] = {}
        self._writer: Writer | None = None
        self._queries: Queries | None = None
        self._engines: list = []
        self._lock = threading.Lock()
        self._closed = False
        #: Read-only: no writer thread, no migration, no compaction - for tools that look at a
        #: database a running server owns (`python -m app points`).  Queries see what was
        #: committed when it was opened, plus later chunks and rollups.
        self.read_only = read_only

    @property
    def where(self) -> str:
        """The database, named for a person (file path, or server URL without password)."""
        return where(self.url)

    # -- life cycle -----------------------------------------------------------------------------

    def open(self) -> None:
        """Create or upgrade the database, load its state, start the writer thread."""
        with self._lock:
            if self._writer is not None or self._queries is not None:
                return
            if self._closed:
                raise NotOpen("this historian was closed; make a new one to open the database again")
            reader = make_engine(self.url, "reader", self._busy_timeout)
            if self.read_only:
                self._engines = [reader]
                self._load_from(reader, check_schema)  # never changes the database
                return
            writer_engine = make_engine(self.url, "writer", self._busy_timeout)
            self._engines = [reader, writer_engine]
            # Through the reader's deferred transactions: a database that cannot be written
            # just now (read-only file, full disk) still opens, serves its history, and the
            # writer reports the problem and retries.
            self._load_from(reader, migrate)
            self._writer = Writer(
                writer_engine,
                self._sql,
                self._points,
                self._recent,
                self._latest,
                self._compactor,
                rules=self._registered,
                **self._options,  # type: ignore[arg-type]
            )
            self._writer.start()
        if self._registered:
            self._store_rules(list(self._registered.values()))
        log.info(
            "history database %s open (%d points, %d samples not yet compacted)",
            self.where,
            len(self._points.ids()),
            self._recent.count(),
        )

    def _load_from(self, reader: Engine, prepare: Callable[[Engine], object]) -> None:
        """Bring the schema in line (``prepare``), load the database's state, set up the queries."""
        try:
            prepare(reader)
            with reader.connect() as conn, conn.begin():
                self._load(conn)
        except HistorianError:
            self._dispose()
            raise
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            self._dispose()
            raise DatabaseUnavailable(f"cannot open the history database {self.where}: {describe(exc)}") from exc
        self._queries = Queries(
            reader, self._sql, self._points, self._recent, self._latest, self.policy, self._options["clock"]
        )  # type: ignore[arg-type]

    def _load(self, conn: Connection) -> None:
        self._points.load(conn, self._sql)
        self._latest.load(self._compactor.load(conn))
        # Batches left by a crash (or by a close that could not compact): back into memory,
        # so queries see them and the first compaction stores them.
        for batch_id, data in self._sql.batches(conn):
            try:
                block = decode_batch(data)
            except CorruptData as exc:
                log.error("history: batch %s is damaged and skipped: %s", batch_id, exc)
                block = Block.empty()
            self._recent.add(int(batch_id), block)
            self._latest.update(block)

    def close(self, timeout: float = 30.0) -> None:
        """Commit and compact what is left, stop the writer, release the database (idempotent)."""
        with self._lock:
            writer, self._writer = self._writer, None
            self._queries = None
            self._closed = True
        if writer is not None:
            writer.stop(timeout)
            log.info("history database %s closed: %s", self.where, writer.status().as_dict())
        self._dispose()

    def _dispose(self) -> None:
        for engine in self._engines:
            engine.dispose()
        self._engines = []

    def __enter__(self) -> Historian:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _running(self) -> Writer:
        writer = self._writer
        if writer is None:
            if self.read_only:
                raise NotOpen(f"the history database {self.where} is open read-only: nothing can be written")
            raise NotOpen("the historian is not open")
        return writer

    def _reader(self) -> Queries:
        if self._queries is None:
            raise NotOpen("the historian is not open")
        return self._queries

    @property
    def status(self) -> HistorianStatus:
        """Whether writing works, in words, and the counts the console shows."""
        writer = self._writer
        if writer is None:
            if self.read_only and self._queries is not None:
                return HistorianStatus(True, "open read-only", 0, 0, 0, 0)
            return HistorianStatus(False, "the historian is not open", 0, 0, 0, 0)
        return writer.status()

    # -- writing --------------------------------------------------------------------------------

    def register_points(self, points: Iterable[PointInfo]) -> None:
        """Declare points and their storage rules (before or after `open`); changed rules apply from now.

        The rules are kept even when the database cannot be written just now: the writer stores
        them with the points' first samples.
        """
        infos = list(points)
        for info in infos:
            if not isinstance(info, PointInfo):
                raise HistorianError(f"register_points takes PointInfo objects, not {info!r}")
            self._registered[info.id] = info
        if self._writer is not None and infos:
            self._store_rules(infos)

    def _store_rules(self, infos: list[PointInfo]) -> None:
        def action(conn: Connection) -> None:
            with conn.begin():
                entries = self._points.ensure(conn, self._sql, infos)
            self._points.publish(entries)

        try:
            self._running().call(action, timeout=30)
        except HistorianError as exc:
            log.warning(
                "history: %d point rules not stored yet (%s); they are applied when the points are first written",
                len(infos),
                exc,
            )

    def write(self, samples: Sequence[Sample]) -> None:
        """Hand samples over for storage; thread-safe and non-blocking (safe on the event loop).

        Unregistered points are registered with default rules; malformed samples are refused and
        counted in `status` (the others are stored).
        """
        if not isinstance(samples, Sequence) or isinstance(samples, str | bytes | Sample):
            raise HistorianError(f"write takes a sequence of Sample, not {type(samples).__name__}")
        self._running().put(samples)

    def write_arrays(
        self, points: str | Sequence[str], ts: object, values: object, quality: object = Quality.GOOD
    ) -> None:
        """Hand over samples as columns: one point id or one per sample, timestamps, values, qualities."""
        try:
            ts_a = np.asarray(ts, np.int64)
            n = len(ts_a)
            value_a = np.asarray(values, np.float64)
            quality_a = np.asarray(quality, np.uint8)
            if quality_a.ndim == 0:
                quality_a = np.full(n, quality_a, np.uint8)
        except (TypeError, ValueError, OverflowError) as exc:
            raise BadQuery(f"write_arrays: the columns are not numbers ({exc})") from None
        count_points = 1 if isinstance(points, str) else len(points)
        if (
            len(value_a) != n
            or len(quality_a) != n
            or count_points not in (1, n)
            or (not isinstance(points, str) and count_points != n)
        ):
            raise BadQuery(
                f"write_arrays: columns differ in length ({count_points} points, {n} timestamps, "
                f"{len(value_a)} values, {len(quality_a)} qualities)"
            )
        if n and int(quality_a.max()) > max(Quality):
            raise BadQuery(f"write_arrays: quality {int(quality_a.max())} is not 0..{int(max(Quality))}")
        for name in {points} if isinstance(points, str) else set(points):
            if self._points.id(name) is None:
                PointInfo(name)  # a clear error for a malformed new id, before anything is queued
        self._running().put(Arrays(points, ts_a, value_a, quality_a))

    def flush(self, timeout: float = 10.0) -> None:
        """Block until every sample written so far is committed; HistorianError after ``timeout``."""
        self._running().flush(timeout)

    def compact(self, merge: bool = False, timeout: float = 600.0) -> None:
        """Commit, then move all committed batches into chunks and rollups now (tests, benchmarks).

        ``merge`` also merges every fresh chunk into long-term chunks.
        """
        writer = self._running()
        writer.flush(timeout)

        def action(_conn: Connection) -> None:
            writer.compact()
            if merge:
                writer.merge_all()

        writer.call(action, timeout)

    def purge(self, now_ms: int | None = None, timeout: float = 600.0) -> dict[str, int]:
        """Enforce retention now (as if the time were ``now_ms``); returns rows deleted per resolution."""
        writer = self._running()
        clock = self._options["clock"]
        now = int(clock() * 1000) if now_ms is None else int(now_ms)  # type: ignore[operator]
        return writer.call(lambda _conn: writer.purge(now), timeout)

    def import_history(
        self, point: str | PointInfo, ts: object, values: object, quality: object = Quality.GOOD, timeout: float = 600.0
    ) -> None:
        """Store a block of one point's past samples straight into long-term storage.

        For back-filling (a meter's load profile, a migration, benchmarks): the samples are stored
        as given (no deadband) with their rollups, bypassing the batch log; it blocks until done.
        """
        info = point if isinstance(point, PointInfo) else PointInfo(point)
        try:
            series = Series(
                np.asarray(ts, np.int64),
                np.asarray(values, np.float64),
                np.broadcast_to(np.asarray(quality, np.uint8), np.shape(ts)).copy(),
            )
        except (TypeError, ValueError, OverflowError) as exc:
            raise BadQuery(f"import_history: the columns are not numbers ({exc})") from None
        if len(series.value) != len(series.ts):
            raise BadQuery("import_history: timestamps and values differ in length")
        if len(series) and (np.diff(series.ts) < 0).any():
            order = np.argsort(series.ts, kind="stable")
            series = Series(series.ts[order], series.value[order], series.quality[order])
        writer = self._running()

        def action(conn: Connection) -> None:
            state = self._compactor.checkpoint()
            try:
                with conn.begin():
                    known = self._points.id(info.id)
                    entries = self._points.ensure(conn, self._sql, [info]) if known is None else {}
                    pid = entries[info.id][0] if entries else known
                    self._compactor.import_series(conn, int(pid), series)  # type: ignore[arg-type]
            except BaseException:
                self._compactor.restore(state)
                raise
            self._points.publish(entries)

        writer.call(action, timeout)

    # -- queries (synchronous, thread-safe: never call them on the event loop) --------------------

    def raw(self, point: str, start: int, end: int, limit: int | None = None) -> list[tuple[int, float, Quality]]:
        """Stored samples with start <= ts < end, oldest first (at most ``limit``, the oldest ones)."""
        series = self._reader().series(point, start, end)
        if limit is not None:
            if limit < 0:
                raise BadQuery(f"limit must be >= 0, not {limit}")
            series = Series(series.ts[:limit], series.value[:limit], series.quality[:limit])
        return series.tuples()

    def raw_arrays(self, point: str, start: int, end: int) -> Series:
        """Like `raw`, as numpy arrays (ts, value, quality) for bulk consumers."""
        return self._reader().series(point, start, end)

    def history(self, point: str, start: int, end: int, max_points: int) -> History:
        """Raw samples if at most ``max_points``, else at most ``max_points`` buckets (the API's /history)."""
        return self._reader().history(point, start, end, max_points)

    def histories(self, points: Iterable[str], start: int, end: int, max_points: int,
                  rows: bool = True) -> list[History]:
        """`history` of many points over one range in a few statements (a console's backfill), in the
        order asked; a point the historian does not know is left out.  ``rows=False``: raw samples
        as arrays (`History.series`), not tuples."""
        return self._reader().histories(points, start, end, max_points, rows)

    def latest(self, points: Iterable[str] | None = None) -> dict[str, Sample]:
        """The newest received sample of each point (all points when None)."""
        return self._reader().latest(points)

    def as_of(self, point: str, ts: int, lookback_ms: int = DEFAULT_LOOKBACK_MS) -> Sample | None:
        """The last stored sample of a point at or before ``ts``, not older than ``lookback_ms``."""
        return self._reader().as_of_many([point], ts, lookback_ms).get(point)

    def as_of_many(self, points: Iterable[str], ts: int, lookback_ms: int = DEFAULT_LOOKBACK_MS) -> dict[str, Sample]:
        """`as_of` for many points in one pass (the diagram replay); points without a value are absent."""
        return self._reader().as_of_many(points, ts, lookback_ms)

    def points(self) -> dict[str, PointInfo]:
        """The points the historian knows, with their storage rules."""
        names = self._points.names()
        return {name: info for pid, name in names.items() if (info := self._points.info(pid)) is not None}
