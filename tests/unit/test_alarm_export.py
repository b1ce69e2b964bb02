"""Excel export of alarm lists, read back with openpyxl: values, formats, frozen header, fills, filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from app.alarms.export import EVENT_TIME_FORMAT, LEVEL_FILLS, TIME_FORMAT, export_alarms
from app.alarms.journal import JournalEntry
from app.alarms.journal_db import BadJournalQuery
from app.alarms.model import Alarm, AlarmState, Change, Level

T0 = 1_780_000_000_123  # 2026-05-28 20:26:40.123 UTC = 2026-05-29 04:26:40.123 in Shanghai
MADE = datetime(2026, 5, 29, 1, 0, 0, tzinfo=UTC)


def entry(i: int, level: Level = Level.CRITICAL, **kw) -> JournalEntry:
    base = dict(id=i, ts=T0 + i * 1000, alarm_id=i, key="T1-TCU.Ta:HH", rule="T1-TCU.Ta:HH", kind="limit",
                point="T1-TCU.Ta", device="T1-TCU", room="高压室", level=level, state=AlarmState.ACTIVE_UNACKED,
                change=Change.RAISED, value=131.5, user=None, comment=None, message="1号变压器A相绕组温度过高",
                message_en="T1 winding A over-temperature", raised_at=T0 + i * 1000)
    base.update(kw)
    return JournalEntry(**base)


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


@pytest.mark.parametrize("streaming", [False, True])
def test_journal_export_in_chinese(tmp_path, streaming):
    entries = [entry(1), entry(2, Level.MAJOR, change=Change.ACKED, state=AlarmState.ACTIVE_ACKED, user="张工",
                            comment="已通知检修"),
               entry(3, Level.MINOR), entry(4, Level.NOTICE, value=None, comment="=HYPERLINK(\"x\")")]
    path = export_alarms(tmp_path / "alarms.xlsx", entries, site_name="演示配电房", title="报警记录",
                         generated_by="张工", filters="2026-05-29 00:00 – 2026-05-30 00:00；级别 1–4",
                         generated_at=MADE, streaming=streaming)
    ws = load_workbook(path).active
    rows = rows_of(ws)
    assert rows[0][0] == "报警记录"
    assert rows[1][:2] == ("站点", "演示配电房")
    assert rows[2][:2] == ("范围/筛选", "2026-05-29 00:00 – 2026-05-30 00:00；级别 1–4")
    assert rows[3][:2] == ("生成时间", datetime(2026, 5, 29, 9, 0, 0))  # shown in the site's time zone
    assert rows[4][:2] == ("生成人", "张工") and rows[5][:2] == ("条数", 4)
    assert rows[7][:5] == ("时间", "级别", "变化", "状态", "报警内容")
    first = rows[8]
    assert first[0] == datetime(2026, 5, 29, 4, 26, 41, 123000)  # a real datetime, Shanghai wall clock
    assert first[1:9] == ("1 紧急", "发生", "报警未确认", "1号变压器A相绕组温度过高", "T1-TCU.Ta", "T1-TCU",
                          "高压室", 131.5)
    assert rows[9][9:11] == ("张工", "已通知检修") and rows[9][2] == "确认"
    assert rows[11][8] is None and rows[11][10] == '=HYPERLINK("x")'
    assert ws["K12"].data_type == "s"  # text from the field is never a formula
    assert ws["A9"].is_date and ws["A9"].number_format == EVENT_TIME_FORMAT
    assert ws["M9"].number_format == TIME_FORMAT
    assert ws.freeze_panes == "A9"
    assert ws.auto_filter.ref == "A8:M12"
    colours = [ws.cell(9 + i, 2).fill.fgColor.rgb[-6:] for i in range(4)]
    assert colours == [LEVEL_FILLS[lv] for lv in Level]
    assert ws.cell(9, 2).fill.fill_type == "solid"
    assert ws.column_dimensions["E"].width >= 2 * len("1号变压器A相绕组温度过高") - 2  # CJK counts double
    assert ws.column_dimensions["B"].width < ws.column_dimensions["E"].width


def test_active_list_export_in_english(tmp_path):
    alarm = Alarm(7, "F03.Ia:H", "F03.Ia:H", "F03.Ia", Level.MAJOR, AlarmState.ACTIVE_ACKED, "馈线3 A相电流越上限",
                  "Feeder 3 phase A current HIGH", 412.0, T0, device="F03", room="LV", acked_at=T0 + 60_000,
                  acked_by="li", ack_comment="load transfer")
    path = export_alarms(tmp_path / "active.xlsx", [alarm], site_name="Demo", title="Active alarms",
                         generated_by="li", lang="en", generated_at=MADE, tz="UTC")
    ws = load_workbook(path).active
    rows = rows_of(ws)
    assert ws.title == "Alarms"
    assert rows[2][:2] == ("Period / filter", "all")
    assert rows[7][:4] == ("Raised", "Level", "State", "Message")
    r = rows[8]
    assert r[0] == datetime(2026, 5, 28, 20, 26, 40, 123000)
    assert r[1:8] == ("2 major", "active, acknowledged", "Feeder 3 phase A current HIGH", "F03.Ia", "F03", "LV",
                      412.0)
    assert r[8] == datetime(2026, 5, 28, 20, 27, 40, 123000) and r[9:11] == ("li", "load transfer")
    assert r[11] is None and r[13] == 7
    assert ws["B9"].fill.fgColor.rgb[-6:] == LEVEL_FILLS[Level.MAJOR]


def test_large_lists_are_written_streaming(tmp_path):
    entries = [entry(i, Level(1 + i % 4)) for i in range(12_000)]
    path = export_alarms(tmp_path / "year.xlsx", entries, site_name="站", title="全年报警", generated_by="admin")
    wb = load_workbook(path, read_only=True)
    ws = wb.active
    n = 0
    last = None
    for row in ws.iter_rows(min_row=9, values_only=True):
        n += 1
        last = row
    assert n == 12_000 and last[11] == 11_999
    wb.close()
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A9" and ws.auto_filter.ref == "A8:M12008"
    assert ws["B12008"].fill.fgColor.rgb[-6:] == LEVEL_FILLS[Level(1 + 11_999 % 4)]


def test_bad_requests_are_said_in_words(tmp_path):
    with pytest.raises(BadJournalQuery, match=r"Chinese .* or English"):
        export_alarms(tmp_path / "x.xlsx", [], site_name="s", title="t", generated_by="u", lang="fr")
    with pytest.raises(BadJournalQuery, match="not a time zone"):
        export_alarms(tmp_path / "x.xlsx", [], site_name="s", title="t", generated_by="u", tz="Mars/Base")
    with pytest.raises(BadJournalQuery, match="not both"):
        alarm = Alarm(1, "k", "r", "p", Level.MINOR, AlarmState.NORMAL, "m", "m", None, T0)
        export_alarms(tmp_path / "x.xlsx", [entry(1), alarm], site_name="s", title="t", generated_by="u")
    with pytest.raises(BadJournalQuery, match="not dict"):
        export_alarms(tmp_path / "x.xlsx", [{}], site_name="s", title="t", generated_by="u")  # type: ignore[list-item]
    empty = export_alarms(tmp_path / "empty.xlsx", [], site_name="s", title="t", generated_by="u")
    assert rows_of(load_workbook(empty).active)[5][:2] == ("条数", 0)
