"""The audit log on real SQLite and PostgreSQL (filters, order, odd text), the Excel export read back,
and revision 0004: an existing 0003 database keeps its data and gains the users and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from argon2 import profiles
from openpyxl import load_workbook
from sqlalchemy import create_engine, inspect

from app.alarms.limits import LimitStore
from app.auth import Action, Argon2Hasher, AuditLog, BadUserInput, Result, UserStore, export_audit
from app.historian import Historian, PointInfo
from app.historian.database import MIGRATIONS, database_url
from app.historian.schema import metadata
from app.model import Sample

T0 = 1_780_000_000_000  # 2026-05-28 20:26:40 UTC = 2026-05-29 04:26:40 in Shanghai


@pytest.fixture
def audit(db_url):
    log = AuditLog(db_url)
    yield log
    log.close()


def fill(audit: AuditLog) -> None:
    audit.record(Action.LOGIN, user="zhang", address="10.0.0.7", ts=T0)
    audit.record(Action.ACKNOWLEDGE, user="zhang", target="alarm 17", detail="已通知检修", address="10.0.0.7",
                 ts=T0 + 1000)
    audit.record(Action.SHELVE, user="zhang", target="alarm 18", detail="60 min: sensor replaced", ts=T0 + 2000)
    audit.record(Action.LOGIN_FAILED, user="li", detail="wrong password", result=Result.FAILED, ts=T0 + 2000)
    audit.record(Action.LIMIT_CHANGE, user="wang", target="T1-TCU.Ta", detail="H 130 -> 135", ts=T0 + 3000)
    audit.record("report_export", user="wang", target="energy 2026-05", ts=T0 + 4000)  # a later kind of action


def test_queries_filter_and_come_newest_first(audit):
    fill(audit)
    everything = audit.query()
    assert [e.ts for e in everything] == sorted((e.ts for e in everything), reverse=True)
    assert [e.action for e in everything][:2] == ["report_export", Action.LIMIT_CHANGE]
    same_ts = [e for e in everything if e.ts == T0 + 2000]
    assert [e.action for e in same_ts] == [Action.LOGIN_FAILED, Action.SHELVE]  # by id within one millisecond
    assert [e.action for e in audit.query(user="zhang")] == [Action.SHELVE, Action.ACKNOWLEDGE, Action.LOGIN]
    assert [e.ts for e in audit.query(since=T0 + 1000, until=T0 + 3000)] == [T0 + 2000, T0 + 2000, T0 + 1000]
    assert [e.user for e in audit.query(actions=[Action.LOGIN, Action.LOGIN_FAILED])] == ["li", "zhang"]
    assert [e.user for e in audit.query(results=[Result.FAILED])] == ["li"]
    assert len(audit.query(limit=2)) == 2
    assert [e.action for e in audit.query(target="alarm 17")] == [Action.ACKNOWLEDGE]
    ack = audit.query(actions=[Action.ACKNOWLEDGE])[0]
    assert ack.to_json() == {"id": ack.id, "ts": T0 + 1000, "user": "zhang", "action": "acknowledge",
                             "target": "alarm 17", "detail": "已通知检修", "address": "10.0.0.7", "result": "ok"}
    for bad in (dict(limit=0), dict(since=T0 + 1, until=T0)):
        with pytest.raises(BadUserInput):
            audit.query(**bad)
    with pytest.raises(BadUserInput):
        audit.record("", user="x")
    with pytest.raises(BadUserInput):
        audit.record(Action.LOGIN, user="x", result="maybe")


def test_odd_text_is_stored(audit):
    entry = audit.record(Action.SITE_EDIT, user="zh\x00ang", target="=cmd|' /C calc'!A0", detail="x" * 5000,
                         address="a" * 500, ts=T0)
    (back,) = audit.query()
    assert back == entry and back.user == "zhang" and len(back.address) == 128 and len(back.detail) == 5000


def test_export_reads_back_in_the_sites_time_zone(audit, tmp_path):
    fill(audit)
    audit.record(Action.SITE_EDIT, user="=HYPERLINK(\"x\")", target="diagram main", ts=T0 + 5000,
                 result=Result.REFUSED)
    entries = audit.query()
    path = export_audit(entries, tmp_path / "audit.xlsx", "Asia/Shanghai", "zh", site_name="演示配电房",
                        generated_by="admin", filters="2026-05-29", generated_at=datetime(2026, 5, 29, 1, tzinfo=UTC))
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "操作审计记录" and rows[1][:2] == ("站点", "演示配电房")
    assert rows[3][:2] == ("生成时间", datetime(2026, 5, 29, 9, 0)) and rows[5][:2] == ("条数", 7)
    assert rows[7] == ("时间", "用户", "操作", "对象", "详情", "来源地址", "结果", "编号")
    assert rows[8][:7] == (datetime(2026, 5, 29, 4, 26, 45), '=HYPERLINK("x")', "修改站点", "diagram main", None,
                           None, "被拒绝")
    assert ws["B9"].data_type == "s"  # a user name is never run as a formula
    assert ws["G9"].fill.fgColor.rgb[-6:] == "FB8C00"
    assert rows[9][2] == "report_export"  # an action without words is shown as recorded
    assert rows[13][:7] == (datetime(2026, 5, 29, 4, 26, 41), "zhang", "确认报警", "alarm 17", "已通知检修",
                            "10.0.0.7", "成功")
    assert rows[14][0] == datetime(2026, 5, 29, 4, 26, 40) and rows[14][8 - 1] == entries[-1].id
    assert ws.freeze_panes == "A9" and ws.auto_filter.ref == "A8:H15"
    assert ws["A9"].is_date and ws["A9"].number_format == "yyyy-mm-dd hh:mm:ss.000"
    assert ws.column_dimensions["E"].width >= len("60 min: sensor replaced")
    english = load_workbook(export_audit(entries, tmp_path / "en.xlsx", "UTC", "en")).active
    en_rows = list(english.iter_rows(values_only=True))
    assert en_rows[0][0] == "Audit log" and en_rows[7][0] == "Time"
    assert en_rows[13][:3] == (datetime(2026, 5, 28, 20, 26, 41), "zhang", "acknowledge")
    with pytest.raises(BadUserInput, match="time zone"):
        export_audit(entries, tmp_path / "x.xlsx", "Mars/Olympus", "en")
    with pytest.raises(BadUserInput, match="language"):
        export_audit(entries, tmp_path / "x.xlsx", "UTC", "fr")


def migrate_to(url: str, revision: str, direction: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
    finally:
        engine.dispose()


def tables_and_revision(url: str) -> tuple[set[str], tuple[str, ...]]:
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names()), tuple(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def test_upgrade_of_a_0003_database_keeps_its_data_and_adds_users_and_audit(db_url):
    with Historian(db_url, commit_interval=0.05) as h:
        h.register_points([PointInfo("T1-LV-IN.Ia", "A", deadband=None)])
        h.write([Sample("T1-LV-IN.Ia", T0 + i * 1000, float(i)) for i in range(50)])
    limits = LimitStore(db_url)
    limits.open()
    stored = limits.set("T1-TCU.Ta", {"H": 130, "HH": 150}, "wang", ts=T0).new
    limits.close()
    migrate_to(db_url, "0003", "downgrade")
    tables, revision = tables_and_revision(db_url)
    assert revision == ("0003",) and not {"auth_user", "audit_log"} & tables

    users = UserStore(db_url, hasher=Argon2Hasher(profiles.CHEAPEST))
    try:
        assert users.needs_first_admin()  # opening upgraded it; no account came with the upgrade
        users.create_first_admin("admin", "Tr0ub4dor&3-horse")
        assert [e.action for e in users.audit.query()] == [Action.USER_CREATE]
    finally:
        users.close()
    tables, revision = tables_and_revision(db_url)
    assert revision == ("0005",) and {"auth_user", "audit_log", "alarm_limit", "chunk"} <= tables
    limits = LimitStore(db_url)
    limits.open()
    try:
        assert limits.current() == {"T1-TCU.Ta": stored} and stored["HH"]["value"] == 150
    finally:
        limits.close()
    with Historian(db_url) as h:
        assert [v for _, v, _ in h.raw("T1-LV-IN.Ia", T0, T0 + 50_000)] == [float(i) for i in range(50)]


def test_the_schema_module_describes_the_newest_revision(db_url):
    log = AuditLog(db_url)
    log.open()  # brings a new database to the newest revision
    log.close()
    engine = create_engine(database_url(db_url))
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
    migrate_to(db_url, "0003", "downgrade")  # and 0004 goes back down cleanly
    assert not {"auth_user", "audit_log"} & tables_and_revision(db_url)[0]
