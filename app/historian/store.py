"""Every SQL statement of the historian, in one place, for SQLite and PostgreSQL alike.

The writer thread and the queries call these with a connection they hold; nothing here keeps
state between calls except the prepared statement objects.  Upserts differ between the two
dialects only in spelling (SQLite's two-argument ``min``/``max`` are PostgreSQL's
``LEAST``/``GREATEST``), so both are built once from the dialect's ``insert``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from . import schema as s

Row = Sequence[Any]


class Sql:
    """The statements for one dialect ("sqlite" or "postgresql")."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
        smaller = func.least if dialect == "postgresql" else func.min
        larger = func.greatest if dialect == "postgresql" else func.max
        r = s.rollup
        merged = ins(r)
        common = {
            "n": r.c.n + merged.excluded.n,
            "min": smaller(r.c.min, merged.excluded.min),
            "max": larger(r.c.max, merged.excluded.max),
            "sum": r.c.sum + merged.excluded.sum,
        }
        keys = [r.c.res, r.c.point_id, r.c.ts]
        # In time order: the new part follows what is stored, so its last value is the bucket's last.
        self.rollup_in_order = merged.on_conflict_do_update(
            index_elements=keys, set_={**common, "last": merged.excluded["last"]}
        )
        # Late samples (older than data already rolled up) leave first and last as they are.
        self.rollup_late = merged.on_conflict_do_update(index_elements=keys, set_=common)
        lt = s.latest
        up = ins(lt)
        self.latest_upsert = up.on_conflict_do_update(
            index_elements=[lt.c.point_id],
            set_={c: up.excluded[c] for c in ("ts", "value", "quality", "s_ts", "s_value", "s_quality")},
        )

    # -- points -------------------------------------------------------------------------------

    def points(self, conn: Connection) -> list[Row]:
        p = s.point
        return list(conn.execute(select(p.c.id, p.c.name, p.c.unit, p.c.kind, p.c.deadband, p.c.max_interval_s)))

    def add_points(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert points in one statement; their new numbers by name."""
        p = s.point
        conn.execute(insert(p), list(rows))
        names = [r["name"] for r in rows]
        ids: dict[str, int] = {}
        for i in range(0, len(names), 500):  # bounded IN lists (SQLite's variable limit)
            part = names[i : i + 500]
            found = conn.execute(select(p.c.id, p.c.name).where(p.c.name.in_(part)))
            ids.update((name, int(pid)) for pid, name in found)
        return ids

    def change_point(self, conn: Connection, pid: int, values: dict[str, Any]) -> None:
        conn.execute(update(s.point).where(s.point.c.id == pid).values(**values))

    # -- batches ------------------------------------------------------------------------------

    def add_batch(self, conn: Connection, n: int, t_min: int, t_max: int, data: bytes) -> int:
        stmt = insert(s.batch).values(n=n, t_min=t_min, t_max=t_max, data=data).returning(s.batch.c.id)
        return int(conn.execute(stmt).scalar_one())

    def batches(self, conn: Connection) -> list[Row]:
        b = s.batch
        return list(conn.execute(select(b.c.id, b.c.data).order_by(b.c.id)))

    def drop_batches(self, conn: Connection, ids: Sequence[int]) -> None:
        if ids:
            conn.execute(delete(s.batch).where(s.batch.c.id.in_(list(ids))))

    # -- chunks -------------------------------------------------------------------------------

    def add_chunks(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(s.chunk), list(rows))

    def fresh_chunks(self, conn: Connection) -> list[Row]:
        c = s.chunk
        stmt = select(c.c.id, c.c.point_id, c.c.t0, c.c.t1, c.c.n).where(c.c.level == 0)
        return list(conn.execute(stmt.order_by(c.c.point_id, c.c.t0)))

    def chunk_data(self, conn: Connection, ids: Sequence[int]) -> list[Row]:
        c = s.chunk
        return list(conn.execute(select(c.c.id, c.c.data).where(c.c.id.in_(list(ids))).order_by(c.c.t0)))

    def drop_chunks(self, conn: Connection, ids: Sequence[int]) -> None:
        if ids:
            conn.execute(delete(s.chunk).where(s.chunk.c.id.in_(list(ids))))

    def chunks_between(self, conn: Connection, pid: int, start: int, end: int, span: int) -> list[Row]:
        """Chunks of a point holding samples in [start, end): ``(t0, t1, n, data)`` by t0."""
        c = s.chunk
        stmt = (
            select(c.c.t0, c.c.t1, c.c.n, c.c.data)
            .where(c.c.point_id == pid, c.c.t0 < end, c.c.t0 >= start - span, c.c.t1 >= start)
            .order_by(c.c.t0)
        )
        return list(conn.execute(stmt))

    def chunk_counts(self, conn: Connection, pid: int, start: int, end: int, span: int) -> list[Row]:
        """``(t0, t1, n)`` of the chunks overlapping [start, end), from the index alone."""
        c = s.chunk
        stmt = select(c.c.t0, c.c.t1, c.c.n).where(
            c.c.point_id == pid, c.c.t0 < end, c.c.t0 >= start - span, c.c.t1 >= start
        )
        return list(conn.execute(stmt))

    def chunk_counts_many(self, conn: Connection, pids: list[int], start: int, end: int,
                          span: int) -> dict[int, int]:
        """`chunk_counts` of many points summed per point (points without chunks are left out)."""
        c = s.chunk
        out: dict[int, int] = {}
        for i in range(0, len(pids), 500):  # well under every driver's bound-parameter limit
            stmt = (
                select(c.c.point_id, func.sum(c.c.n))
                .where(c.c.point_id.in_(pids[i:i + 500]), c.c.t0 < end, c.c.t0 >= start - span, c.c.t1 >= start)
                .group_by(c.c.point_id)
            )
            out.update((int(pid), int(n)) for pid, n in conn.execute(stmt))
        return out

    def chunks_between_many(self, conn: Connection, pids: list[int], start: int, end: int,
                            span: int) -> dict[int, list[Row]]:
        """`chunks_between` of many points in one statement (callers keep ``pids`` to at most 500)."""
        c = s.chunk
        out: dict[int, list[Row]] = {pid: [] for pid in pids}
        if not pids:
            return out
        stmt = (
            select(c.c.point_id, c.c.t0, c.c.t1, c.c.n, c.c.data)
            .where(c.c.point_id.in_(pids), c.c.t0 < end, c.c.t0 >= start - span, c.c.t1 >= start)
            .order_by(c.c.point_id, c.c.t0)
        )
        for row in conn.execute(stmt):
            out[row[0]].append(row[1:])
        return out

    def chunks_before_many(self, conn: Connection, pids: list[int], ts: int, since: int,
                           span: int) -> dict[int, list[Row]]:
        """`chunks_before` for many points in a few statements (the diagram replay asks ~1,000 at once;
        one statement per point cost ~0.3 ms each in statement overhead alone)."""
        c = s.chunk
        out: dict[int, list[Row]] = {pid: [] for pid in pids}
        for i in range(0, len(pids), 500):  # well under every driver's bound-parameter limit
            stmt = (
                select(c.c.point_id, c.c.t0, c.c.t1, c.c.data)
                .where(c.c.point_id.in_(pids[i:i + 500]), c.c.t0 <= ts, c.c.t0 >= since - span, c.c.t1 >= since)
                .order_by(c.c.point_id, c.c.t1.desc())
            )
            for row in conn.execute(stmt):
                out[row[0]].append(row[1:])
        return out

    def last_chunk_ends(self, conn: Connection) -> list[Row]:
        """``(point_id, max t1)``: where each point's stored raw data ends."""
        c = s.chunk
        return list(conn.execute(select(c.c.point_id, func.max(c.c.t1)).group_by(c.c.point_id)))

    # -- rollups ------------------------------------------------------------------------------

    def merge_rollups(self, conn: Connection, res: int, rows: Iterable[Row], in_order: bool) -> None:
        params = [
            {"res": res, "point_id": p, "ts": t, "n": n, "min": lo, "max": hi, "sum": sm, "first": f, "last": la}
            for p, t, n, lo, hi, sm, f, la in rows
        ]
        if params:
            conn.execute(self.rollup_in_order if in_order else self.rollup_late, params)

    def rollups(self, conn: Connection, res: int, pid: int, start: int, end: int) -> list[Row]:
        r = s.rollup
        stmt = (
            select(r.c.point_id, r.c.ts, r.c.n, r.c.min, r.c.max, r.c.sum, r.c.first, r.c.last)
            .where(r.c.res == res, r.c.point_id == pid, r.c.ts >= start, r.c.ts < end)
            .order_by(r.c.ts)
        )
        return list(conn.execute(stmt))

    def rollup_count(self, conn: Connection, res: int, pid: int, start: int, end: int) -> int:
        r = s.rollup
        stmt = select(func.count()).where(r.c.res == res, r.c.point_id == pid, r.c.ts >= start, r.c.ts < end)
        return int(conn.execute(stmt).scalar_one())

    # -- latest -------------------------------------------------------------------------------

    def latest(self, conn: Connection) -> list[Row]:
        lt = s.latest
        cols = (lt.c.point_id, lt.c.ts, lt.c.value, lt.c.quality, lt.c.s_ts, lt.c.s_value, lt.c.s_quality)
        return list(conn.execute(select(*cols)))

    def save_latest(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            conn.execute(self.latest_upsert, list(rows))

    # -- retention ----------------------------------------------------------------------------

    def purge_chunks(self, conn: Connection, pid: int, before: int) -> int:
        c = s.chunk
        stmt = delete(c).where(c.c.point_id == pid, c.c.t0 < before, c.c.t1 < before)
        return int(conn.execute(stmt).rowcount or 0)

    def purge_rollups(self, conn: Connection, res: int, pid: int, before: int) -> int:
        r = s.rollup
        stmt = delete(r).where(r.c.res == res, r.c.point_id == pid, r.c.ts < before)
        return int(conn.execute(stmt).rowcount or 0)

    def give_back_space(self, conn: Connection) -> None:
        """SQLite: return free pages to the file system (incremental auto-vacuum)."""
        if self.dialect == "sqlite":
            conn.exec_driver_sql("PRAGMA incremental_vacuum")
