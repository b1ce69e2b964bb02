"""Users and the audit log: who may use the console and the API, and what each of them did.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Purely additive.  The users live where what happened lives, so a console in direct mode and the
server (PostgreSQL) keep them the same way; the audit log is append-only (who, what, when, from
where, result).  A database of revision 0003 keeps its history and alarms and gains these tables,
empty: the first start then asks for the first administrator (there is no built-in account).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ROWID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "auth_user",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("rooms", sa.Text, nullable=False),  # JSON list of room ids; [] = every room
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.SmallInteger, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("first_failure_at", sa.BigInteger, nullable=True),  # start of the counted failures' window
        sa.Column("locked_until", sa.BigInteger, nullable=True),
        sa.Column("password_changed_at", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("auth_user_role", "auth_user", ["role"])
    op.create_table(
        "audit_log",
        sa.Column("id", _ROWID, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("user_name", sa.String(64), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
    )
    op.create_index("audit_log_ts", "audit_log", ["ts", "id"])
    op.create_index("audit_log_user", "audit_log", ["user_name", "ts"])
    op.create_index("audit_log_action", "audit_log", ["action", "ts"])


def downgrade() -> None:
    for index in ("audit_log_action", "audit_log_user", "audit_log_ts"):
        op.drop_index(index, "audit_log")
    op.drop_table("audit_log")
    op.drop_index("auth_user_role", "auth_user")
    op.drop_table("auth_user")
