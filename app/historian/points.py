"""The points the historian knows: ids to small integers, and each point's storage rule.

Stored rows carry a small integer instead of the ``DEVICE.QUANTITY`` string (4 bytes instead of
twenty, and numpy can sort and group them).  The registry is read by query threads and
extended by the writer thread; lookups are plain dict reads, which the GIL keeps atomic, and
every change goes through one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import Connection

from app.model import PointKind

from .policy import PointInfo
from .store import Sql


class PointRegistry:
    """Point id <-> number, and the `PointInfo` in force for each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, int] = {}
        self._info: dict[int, PointInfo] = {}

    def load(self, conn: Connection, sql: Sql) -> None:
        """Read the point table (on open)."""
        with self._lock:
            for pid, name, unit, kind, deadband, max_interval_s in sql.points(conn):
                try:
                    info = PointInfo(name, unit, PointKind(kind), deadband, max_interval_s)
                except ValueError:  # a kind from a newer version: keep the point, store it as analog
                    info = PointInfo(name, unit, PointKind.ANALOG, deadband, max_interval_s)
                self._by_name[name] = int(pid)
                self._info[int(pid)] = info

    def ensure(self, conn: Connection, sql: Sql, infos: Iterable[PointInfo]) -> dict[str, tuple[int, PointInfo]]:
        """Add new points and update changed ones (writer thread, inside its transaction).

        New points go in as one bulk insert: a statement per point cost ~0.2 ms of interpreter
        time each, seconds for a big site, all of it taken from the GUI thread of a console.
        Returns what changed, to `publish` once the transaction committed.
        """
        result: dict[str, tuple[int, PointInfo]] = {}
        new: dict[str, PointInfo] = {}
        for info in infos:
            pid = result[info.id][0] if info.id in result else self._by_name.get(info.id)
            if pid is None:
                new[info.id] = info  # the last given wins, as for known points
            elif self._info.get(pid) != info:
                sql.change_point(conn, pid, _values(info))
                result[info.id] = (pid, info)
        if new:
            ids = sql.add_points(conn, [{"name": name, **_values(info)} for name, info in new.items()])
            for name, info in new.items():
                result[name] = (ids[name], info)
        return result

    def publish(self, entries: dict[str, tuple[int, PointInfo]]) -> None:
        """Make points visible after their transaction committed."""
        with self._lock:
            for name, (pid, info) in entries.items():
                self._by_name[name] = pid
                self._info[pid] = info

    def id(self, name: str) -> int | None:
        return self._by_name.get(name)

    def ids(self) -> dict[str, int]:
        """A snapshot of name -> number."""
        with self._lock:
            return dict(self._by_name)

    def info(self, pid: int) -> PointInfo | None:
        return self._info.get(pid)

    def names(self) -> dict[int, str]:
        with self._lock:
            return {pid: name for name, pid in self._by_name.items()}


def _values(info: PointInfo) -> dict[str, object]:
    """A point's stored columns besides its name."""
    return {"unit": info.unit[:32], "kind": info.kind.value, "deadband": info.deadband,
            "max_interval_s": info.max_interval_s}  # fmt: skip
