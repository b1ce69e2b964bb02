"""Alarm snapshots: one picture per linked camera, taken when an alarm is raised (issue 8).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Purely additive.  A row holds the JPEG a camera gave at the alarm (``jpeg``, with its size and
resolution) or, when the camera gave none, why not in words (``error``), so the alarm list can
say "no snapshot: authentication failed" instead of nothing.  ``size`` keeps the bytes stored
countable without reading the blobs, for the store's bound (`app.video.snapshot_store`).
LargeBinary is BLOB on SQLite and BYTEA on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ROWID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarm_snapshot",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("alarm_id", sa.BigInteger, nullable=False),
        sa.Column("camera_id", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.BigInteger, nullable=False),  # ms UTC
        sa.Column("width", sa.Integer, nullable=False),  # 0 without a picture
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),  # bytes of jpeg (0 without a picture)
        sa.Column("jpeg", sa.LargeBinary, nullable=True),
        sa.Column("error", sa.Text, nullable=True),  # why there is no picture, in words (both languages)
    )
    op.create_index("alarm_snapshot_alarm", "alarm_snapshot", ["alarm_id", "camera_id"])
    op.create_index("alarm_snapshot_taken", "alarm_snapshot", ["taken_at"])


def downgrade() -> None:
    op.drop_index("alarm_snapshot_taken", "alarm_snapshot")
    op.drop_index("alarm_snapshot_alarm", "alarm_snapshot")
    op.drop_table("alarm_snapshot")
