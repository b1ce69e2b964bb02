"""Alarm limits changed at runtime: the limits in force per point and every change made to them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Purely additive.  The site file holds the engineer's limits; a permitted user may change a
point's limits from the console without editing the file, and those changes live here (with
who and when) so that every console and the server run the same limits after a restart.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ROWID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarm_limit",
        sa.Column("point", sa.String, primary_key=True),
        sa.Column("spec", sa.Text, nullable=True),  # JSON of the point's limit rule; NULL: no limits at all
        sa.Column("user_name", sa.String, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "alarm_limit_change",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("point", sa.String, nullable=False),
        sa.Column("old", sa.Text, nullable=True),
        sa.Column("new", sa.Text, nullable=True),
        sa.Column("user_name", sa.String, nullable=False),
    )
    op.create_index("alarm_limit_change_point", "alarm_limit_change", ["point", "ts"])


def downgrade() -> None:
    op.drop_index("alarm_limit_change_point", "alarm_limit_change")
    op.drop_table("alarm_limit_change")
    op.drop_table("alarm_limit")
