"""The historian's tables (SQLAlchemy Core): what the queries and the writer address.

Five tables, each shaped by how it is used:

* ``point``: point ids (``DEVICE.QUANTITY``) to small integers, plus each point's storage rule;
* ``batch``: one row per writer commit, all points mixed in one compressed blob: the durable
  log of the last seconds (appending one row a second is what makes ingest fast and crash-safe);
* ``chunk``: one point's samples over a stretch of time in one compressed blob (``level`` 0 =
  fresh from compaction, 1 = merged into its long-term size); the long-term raw store;
* ``rollup``: one row per point per bucket per resolution, clustered by (res, point, ts) so a
  trend query reads one contiguous range;
* ``latest``: each point's newest received sample and its last *stored* one (the deadband's
  reference), so a restart continues exactly where it stopped.

The migrations in ``migrations/versions`` create and change these; this module must always
describe the newest revision.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    text,
)

# Autoincrementing keys must be INTEGER on SQLite to alias the rowid; BIGINT elsewhere.
RowId = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

point = Table(
    "point",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("unit", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("deadband", Double, nullable=True),
    Column("max_interval_s", Double, nullable=True),
)

batch = Table(
    "batch",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("n", Integer, nullable=False),
    Column("t_min", BigInteger, nullable=False),
    Column("t_max", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

chunk = Table(
    "chunk",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("point_id", Integer, nullable=False),
    Column("t0", BigInteger, nullable=False),
    Column("t1", BigInteger, nullable=False),
    Column("n", Integer, nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("chunk_point_time", "point_id", "t0", "t1", "n"),
    Index(
        "chunk_fresh",
        "point_id",
        "t0",
        sqlite_where=text("level = 0"),
        postgresql_where=text("level = 0"),
    ),
)

rollup = Table(
    "rollup",
    metadata,
    Column("res", SmallInteger, primary_key=True),
    Column("point_id", Integer, primary_key=True),
    Column("ts", BigInteger, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("min", Double, nullable=False),
    Column("max", Double, nullable=False),
    Column("sum", Double, nullable=False),
    Column("first", Double, nullable=False),
    Column("last", Double, nullable=False),
    sqlite_with_rowid=False,
)

latest = Table(
    "latest",
    metadata,
    Column("point_id", Integer, primary_key=True, autoincrement=False),
    Column("ts", BigInteger, nullable=False),
    Column("value", Double, nullable=True),  # NULL: NaN (SQLite cannot store NaN)
    Column("quality", SmallInteger, nullable=False),
    Column("s_ts", BigInteger, nullable=True),
    Column("s_value", Double, nullable=True),
    Column("s_quality", SmallInteger, nullable=True),
)
