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

Alarm handling keeps what happened in the same database (revision 0002, see `app.alarms.journal`
and `app.alarms.fault_store`): ``alarm_journal`` (every transition), ``alarm`` (each occurrence's
newest snapshot), and fault records (``fault_record``, ``fault_trigger``, ``fault_segment``).
Runtime limit changes are ``alarm_limit`` and ``alarm_limit_change`` (0003, `app.alarms.limits`);
users and the audit log are ``auth_user`` and ``audit_log`` (0004, `app.auth`); the pictures
cameras gave when alarms were raised are ``alarm_snapshot`` (0005, `app.video.snapshot_store`).

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
    Text,
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

# -- alarms (revision 0002): the journal, each alarm's newest snapshot, fault records ------------
#
# Strings without a length: PostgreSQL would refuse a too-long rule key, and a refused row must
# never hold back a journal batch (SQLite ignores lengths anyway).

alarm_journal = Table(  # one row per alarm transition (AlarmEvent), never changed afterwards
    "alarm_journal",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("alarm_id", BigInteger, nullable=False),
    Column("alarm_key", String, nullable=False),
    Column("rule", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("point", String, nullable=False),
    Column("device", String, nullable=True),
    Column("room", String, nullable=True),
    Column("level", SmallInteger, nullable=False),
    Column("state", String, nullable=False),
    Column("change", String, nullable=False),
    Column("value", Double, nullable=True),
    Column("user_name", String, nullable=True),
    Column("comment", Text, nullable=True),
    Column("message", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("raised_at", BigInteger, nullable=False),
    Index("alarm_journal_ts", "ts", "id"),
    Index("alarm_journal_alarm", "alarm_id", "id"),
    Index("alarm_journal_point", "point", "ts"),
    Index("alarm_journal_device", "device", "ts"),
    Index("alarm_journal_level", "level", "ts"),
)

alarm = Table(  # one row per alarm occurrence: its newest snapshot (GET /alarms, restart)
    "alarm",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("alarm_key", String, nullable=False),
    Column("rule", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("point", String, nullable=False),
    Column("device", String, nullable=True),
    Column("room", String, nullable=True),
    Column("level", SmallInteger, nullable=False),
    Column("state", String, nullable=False),
    Column("message", Text, nullable=False),
    Column("message_en", Text, nullable=False),
    Column("value", Double, nullable=True),
    Column("raised_at", BigInteger, nullable=False),
    Column("acked_at", BigInteger, nullable=True),
    Column("acked_by", String, nullable=True),
    Column("ack_comment", Text, nullable=True),
    Column("cleared_at", BigInteger, nullable=True),
    Column("shelved_until", BigInteger, nullable=True),
    Column("shelve_reason", Text, nullable=True),
    Column("suppressed_by", String, nullable=True),
    Column("flood", BigInteger, nullable=True),
    Column("updated", BigInteger, nullable=False),  # ts of its newest journal row
    Index("alarm_state", "state", "raised_at"),
    Index("alarm_raised", "raised_at", "id"),
    Index("alarm_updated", "updated"),
)

fault_record = Table(  # one fault record: a device's points around one or more alarms
    "fault_record",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("alarm_id", BigInteger, nullable=False),  # the alarm that started it
    Column("alarm_key", String, nullable=False),
    Column("device", String, nullable=False),
    Column("started", BigInteger, nullable=False),  # first ms of the pre-window
    Column("trigger_ts", BigInteger, nullable=False),
    Column("ends", BigInteger, nullable=False),  # last ms of the post-window (moves on merges)
    Column("points", Text, nullable=False),  # JSON list of the point ids recorded
    Column("complete", SmallInteger, nullable=False),  # 1 once the post-window is stored
    Index("fault_record_trigger", "trigger_ts"),
    Index("fault_record_device", "device", "trigger_ts"),
)

fault_trigger = Table(  # every alarm that started or extended a record (merged triggers)
    "fault_trigger",
    metadata,
    Column("record_id", BigInteger, primary_key=True, autoincrement=False),
    Column("alarm_id", BigInteger, primary_key=True, autoincrement=False),
    Column("alarm_key", String, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Index("fault_trigger_alarm", "alarm_id"),
)

fault_segment = Table(  # one point's samples of a record over a stretch, as a historian chunk blob
    "fault_segment",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("record_id", BigInteger, nullable=False),
    Column("point", String, nullable=False),
    Column("t0", BigInteger, nullable=False),
    Column("t1", BigInteger, nullable=False),
    Column("n", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index("fault_segment_record", "record_id", "point", "t0"),
)

alarm_limit = Table(  # a point's limits as changed at runtime (over the site file's)
    "alarm_limit",
    metadata,
    Column("point", String, primary_key=True),
    Column("spec", Text, nullable=True),
    Column("user_name", String, nullable=False),
    Column("ts", BigInteger, nullable=False),
)

alarm_limit_change = Table(  # every runtime change of a point's limits: who, when, from what to what
    "alarm_limit_change",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("point", String, nullable=False),
    Column("old", Text, nullable=True),
    Column("new", Text, nullable=True),
    Column("user_name", String, nullable=False),
    Index("alarm_limit_change_point", "point", "ts"),
)

auth_user = Table(  # one row per user; the password as an Argon2id hash only (see app.auth.users)
    "auth_user",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("rooms", Text, nullable=False),
    Column("display_name", String(128), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", SmallInteger, nullable=False),
    Column("failed_logins", Integer, nullable=False),
    Column("first_failure_at", BigInteger, nullable=True),
    Column("locked_until", BigInteger, nullable=True),
    Column("password_changed_at", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("created_by", String(64), nullable=False),
    Index("auth_user_role", "role"),
)

audit_log = Table(  # who did what, when, from where, with what result; never changed afterwards
    "audit_log",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False),
    Column("user_name", String(64), nullable=True),
    Column("action", String(32), nullable=False),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("address", String(128), nullable=False),
    Column("result", String(16), nullable=False),
    Index("audit_log_ts", "ts", "id"),
    Index("audit_log_user", "user_name", "ts"),
    Index("audit_log_action", "action", "ts"),
)

alarm_snapshot = Table(  # one camera's picture taken when an alarm was raised, or why there is none
    "alarm_snapshot",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("alarm_id", BigInteger, nullable=False),
    Column("camera_id", String(64), nullable=False),
    Column("taken_at", BigInteger, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("jpeg", LargeBinary, nullable=True),
    Column("error", Text, nullable=True),
    Index("alarm_snapshot_alarm", "alarm_id", "camera_id"),
    Index("alarm_snapshot_taken", "taken_at"),
)
