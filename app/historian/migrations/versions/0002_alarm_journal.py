"""Alarm handling's tables: the journal, each occurrence's newest snapshot, fault records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-20

Purely additive: the historian's own tables are not touched, so a database of revision 0001
keeps all its history and simply gains these tables on its next open.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ROWID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarm_journal",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("alarm_id", sa.BigInteger, nullable=False),
        sa.Column("alarm_key", sa.String, nullable=False),
        sa.Column("rule", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("point", sa.String, nullable=False),
        sa.Column("device", sa.String, nullable=True),
        sa.Column("room", sa.String, nullable=True),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("change", sa.String, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("user_name", sa.String, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("raised_at", sa.BigInteger, nullable=False),
    )
    op.create_index("alarm_journal_ts", "alarm_journal", ["ts", "id"])
    op.create_index("alarm_journal_alarm", "alarm_journal", ["alarm_id", "id"])
    op.create_index("alarm_journal_point", "alarm_journal", ["point", "ts"])
    op.create_index("alarm_journal_device", "alarm_journal", ["device", "ts"])
    op.create_index("alarm_journal_level", "alarm_journal", ["level", "ts"])
    op.create_table(
        "alarm",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("alarm_key", sa.String, nullable=False),
        sa.Column("rule", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("point", sa.String, nullable=False),
        sa.Column("device", sa.String, nullable=True),
        sa.Column("room", sa.String, nullable=True),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.Column("raised_at", sa.BigInteger, nullable=False),
        sa.Column("acked_at", sa.BigInteger, nullable=True),
        sa.Column("acked_by", sa.String, nullable=True),
        sa.Column("ack_comment", sa.Text, nullable=True),
        sa.Column("cleared_at", sa.BigInteger, nullable=True),
        sa.Column("shelved_until", sa.BigInteger, nullable=True),
        sa.Column("shelve_reason", sa.Text, nullable=True),
        sa.Column("suppressed_by", sa.String, nullable=True),
        sa.Column("flood", sa.BigInteger, nullable=True),
        sa.Column("updated", sa.BigInteger, nullable=False),
    )
    op.create_index("alarm_state", "alarm", ["state", "raised_at"])
    op.create_index("alarm_raised", "alarm", ["raised_at", "id"])
    op.create_index("alarm_updated", "alarm", ["updated"])
    op.create_table(
        "fault_record",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("alarm_id", sa.BigInteger, nullable=False),
        sa.Column("alarm_key", sa.String, nullable=False),
        sa.Column("device", sa.String, nullable=False),
        sa.Column("started", sa.BigInteger, nullable=False),
        sa.Column("trigger_ts", sa.BigInteger, nullable=False),
        sa.Column("ends", sa.BigInteger, nullable=False),
        sa.Column("points", sa.Text, nullable=False),
        sa.Column("complete", sa.SmallInteger, nullable=False),
    )
    op.create_index("fault_record_trigger", "fault_record", ["trigger_ts"])
    op.create_index("fault_record_device", "fault_record", ["device", "trigger_ts"])
    op.create_table(
        "fault_trigger",
        sa.Column("record_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("alarm_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("alarm_key", sa.String, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )
    op.create_index("fault_trigger_alarm", "fault_trigger", ["alarm_id"])
    op.create_table(
        "fault_segment",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.BigInteger, nullable=False),
        sa.Column("point", sa.String, nullable=False),
        sa.Column("t0", sa.BigInteger, nullable=False),
        sa.Column("t1", sa.BigInteger, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_index("fault_segment_record", "fault_segment", ["record_id", "point", "t0"])
    if op.get_bind().dialect.name == "postgresql":
        # compressed already (the historian's chunk codec)
        op.execute("ALTER TABLE fault_segment ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    for name in ("fault_segment", "fault_trigger", "fault_record", "alarm", "alarm_journal"):
        op.drop_table(name)
