"""Bad days for the disk: a read-only database, a full one, a locked one — said in words, nothing lost.

All real SQLite conditions, no mocks: the file's permissions (when the tests run as root, whom
permissions do not stop, the historian runs with the effective uid of ``nobody`` for the
read-only part), SQLite's own size limit ``max_page_count`` (it fails exactly like a full disk:
"database or disk is full"), and a second connection holding the write lock.  Each time the
writer must keep its samples, say what is wrong in `status`, retry, and write everything once
the problem is gone; only beyond ``max_pending`` are the oldest samples dropped, counted.
The PostgreSQL case stops a throwaway server under a running historian and starts it again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, event

from app.historian import Historian, PointInfo
from app.model import Quality, Sample

NOW = 1_780_000_000_000
T0 = NOW - 3_600_000


def wait_until(condition: Callable[[], bool], guard_s: float = 30.0) -> None:
    """Poll until true; the guard only keeps a broken build from hanging (nothing is timed)."""
    deadline = time.monotonic() + guard_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never came true")
        time.sleep(0.02)


def make(path: Path, **options) -> Historian:
    options.setdefault("commit_interval", 0.05)
    options.setdefault("compact_interval", 3600)
    options.setdefault("clock", lambda: NOW / 1000)
    h = Historian(path, **options)
    h.open()
    return h


def seq(start: int, n: int, point: str = "A.x") -> list[Sample]:
    return [Sample(point, T0 + i * 1000, float(i)) for i in range(start, start + n)]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="switchroom-historian-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """The database file cannot be written inside the block (and can again after it)."""
    mode = path.stat().st_mode
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if as_root:
        os.seteuid(65534)  # nobody: root ignores file permissions
    try:
        yield
    finally:
        if as_root:
            os.seteuid(0)
        path.chmod(mode)


def test_read_only_database_keeps_samples_and_recovers(shared_dir):
    path = shared_dir / "history.sqlite"
    with make(path) as h:
        h.write(seq(0, 10))
    with unwritable(path):
        h = make(path)  # opens for reading although it cannot be written
        try:
            assert len(h.raw("A.x", T0, NOW)) == 10
            h.write(seq(10, 5))
            wait_until(lambda: not h.status.ok)
            status = h.status
            assert "read-only" in status.message and "permissions" in status.message
            assert status.pending == 5 and status.dropped == 0
            assert len(h.raw("A.x", T0, NOW)) == 10  # queries still answer
        except BaseException:
            h.close()
            raise
    try:
        h.flush()  # the writer reconnects and writes what it kept
        assert h.status.ok and h.status.message == ""
        assert [v for _, v, _ in h.raw("A.x", T0, NOW)] == [float(i) for i in range(15)]
    finally:
        h.close()


@contextlib.contextmanager
def size_limit(path: Path) -> Iterator[dict[str, int]]:
    """Cap the SQLite file at ``limit["pages"]`` pages for connections opened from now on."""
    limit = {"pages": 0}

    def on_connect(dbapi_connection, _record) -> None:
        files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
        if limit["pages"] and str(path) in files:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

    event.listen(Engine, "connect", on_connect)
    try:
        yield limit
    finally:
        event.remove(Engine, "connect", on_connect)


def test_full_disk_keeps_the_newest_samples_up_to_the_cap(tmp_path):
    path = tmp_path / "history.sqlite"
    with make(path):
        pass
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    rng = np.random.default_rng(1)
    noise = rng.random(20_000)  # incompressible values fill pages fast
    with size_limit(path) as limit:
        limit["pages"] = pages + 24  # room for a little more than the first batch
        h = make(path, max_pending=15_000)
        try:
            h.write_arrays("A.x", T0 + np.arange(1000) * 1000, noise[:1000])
            h.flush()
            h.write_arrays("A.x", T0 + np.arange(1000, 21_000) * 1000, rng.random(20_000))
            wait_until(lambda: not h.status.ok)
            status = h.status
            assert "disk is full" in status.message
            assert status.dropped == 5_000  # 20 000 waited, 15 000 may: the oldest 5 000 went
            assert "5000 samples were dropped" in status.message
            assert status.pending == 15_000
            limit["pages"] = 0  # space again (for the writer's next connection)
            h.flush()
            assert h.status.ok
            got = h.raw_arrays("A.x", T0, T0 + 10**8)
            assert len(got) == 16_000
            assert np.array_equal(got.value[:1000], noise[:1000])
            assert got.ts[1000] == T0 + 6000 * 1000  # the newest 15 000 of the second write
        finally:
            h.close()


def test_locked_database_waits_and_loses_nothing(tmp_path):
    path = tmp_path / "history.sqlite"
    with make(path, busy_timeout=0.1) as h:
        h.write(seq(0, 3))
        h.flush()
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
            h.write(seq(3, 4))
            h.write([Sample("A.x", T0 + 7000, 0.0, Quality.COMM_FAIL)])
            wait_until(lambda: not h.status.ok)
            assert "locked by another program" in h.status.message
            assert h.status.pending == 5
            assert len(h.raw("A.x", T0, NOW)) == 3  # readers are not blocked (WAL)
            other.execute("COMMIT")
        finally:
            other.close()
        h.flush()
        assert h.status.ok
        got = h.raw("A.x", T0, NOW)
        assert [v for _, v, _ in got] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0]
        assert got[-1][2] is Quality.COMM_FAIL


def test_flush_says_why_it_could_not_finish(tmp_path):
    path = tmp_path / "history.sqlite"
    with make(path, busy_timeout=0.05) as h:
        h.register_points([PointInfo("A.x", deadband=None)])
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            h.write(seq(0, 2))
            with pytest.raises(Exception, match=r"not written within 0.3 s \(2 samples waiting\).*locked"):
                h.flush(timeout=0.3)
            other.execute("COMMIT")
        finally:
            other.close()
        h.flush()
        assert len(h.raw("A.x", T0, NOW)) == 2


def test_postgresql_server_going_down_and_coming_back(tmp_path):
    from tests.integration import pg

    try:
        server = pg.start_server()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        h = make(server.database())  # type: ignore[arg-type]
        try:
            h.write(seq(0, 5))
            h.flush()
            server.pause()
            h.write(seq(5, 5))
            wait_until(lambda: not h.status.ok)
            assert h.status.pending == 5
            assert "database server cannot be reached" in h.status.message
            server.resume()
            h.flush()
            assert h.status.ok
            assert [v for _, v, _ in h.raw("A.x", T0, NOW)] == [float(i) for i in range(10)]
        finally:
            h.close()
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "cannot be reached"),
        ("mysql://someone@127.0.0.1/db", "SQLite or PostgreSQL only"),
        ("sqlite:///:memory:", "not an in-memory database"),
    ],
)
def test_databases_that_cannot_be_used_are_said_in_words(url, words):
    from app.historian import DatabaseUnavailable

    with pytest.raises(DatabaseUnavailable, match=words):
        Historian(url).open()
