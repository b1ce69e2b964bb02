"""The first historian schema: points, batches, chunks, rollups, latest values.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ROWID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "point",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("deadband", sa.Double, nullable=True),
        sa.Column("max_interval_s", sa.Double, nullable=True),
    )
    op.create_table(
        "batch",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("t_min", sa.BigInteger, nullable=False),
        sa.Column("t_max", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "chunk",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("point_id", sa.Integer, nullable=False),
        sa.Column("t0", sa.BigInteger, nullable=False),
        sa.Column("t1", sa.BigInteger, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("chunk_point_time", "chunk", ["point_id", "t0", "t1", "n"])
    op.create_index(
        "chunk_fresh",
        "chunk",
        ["point_id", "t0"],
        sqlite_where=sa.text("level = 0"),
        postgresql_where=sa.text("level = 0"),
    )
    op.create_table(
        "rollup",
        sa.Column("res", sa.SmallInteger, primary_key=True),
        sa.Column("point_id", sa.Integer, primary_key=True),
        sa.Column("ts", sa.BigInteger, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("min", sa.Double, nullable=False),
        sa.Column("max", sa.Double, nullable=False),
        sa.Column("sum", sa.Double, nullable=False),
        sa.Column("first", sa.Double, nullable=False),
        sa.Column("last", sa.Double, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "latest",
        sa.Column("point_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("quality", sa.SmallInteger, nullable=False),
        sa.Column("s_ts", sa.BigInteger, nullable=True),
        sa.Column("s_value", sa.Double, nullable=True),
        sa.Column("s_quality", sa.SmallInteger, nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        # The blobs are compressed already: spare PostgreSQL the attempt to compress them again.
        op.execute("ALTER TABLE chunk ALTER COLUMN data SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE batch ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    for name in ("latest", "rollup", "chunk", "batch", "point"):
        op.drop_table(name)
