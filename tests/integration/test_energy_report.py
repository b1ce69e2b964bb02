"""The energy report end to end: readings in a real historian behind DirectSource, the workbook
read back with openpyxl, and opened by a real spreadsheet program (LibreOffice, headless)."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from app.analysis.tariff import tariff_from_mapping
from app.config import load_site
from app.historian import PointInfo
from app.reports.builtin import (
    alarm_statistics_report,
    bill_report,
    demand_pf_report,
    loss_report,
    transformer_load_report,
)
from app.reports.catalog import build_report
from app.reports.energy import Meter, NoData, energy_report
from app.reports.excel import FIRST_ROW, write_report
from app.reports.table import Cancelled, Column, Report, ReportTable
from app.sources.direct import DirectSource
from tests.unit.test_analysis_bill import TARIFF

H = 3_600_000
Q = 15 * 60_000
ZONE = dt.timezone(dt.timedelta(hours=8))
MARCH = int(dt.datetime(2026, 3, 1, tzinfo=ZONE).timestamp() * 1000)
APRIL = int(dt.datetime(2026, 4, 1, tzinfo=ZONE).timestamp() * 1000)
METERS = [Meter("F1-01", "1#出线", "F1-01.EPimp"), Meter("F1-02", "2#出线", "F1-02.EPimp"),
          Meter("F1-03", "3#出线", "F1-03.EPimp")]


async def started(sqlite_url, site=None):
    source = DirectSource(site or load_site(), sqlite_url, listen=("127.0.0.1", 0))
    await source.start()
    ts = np.arange(MARCH - Q, APRIL + 1, Q, dtype=np.int64)
    hours = (ts - MARCH) / H
    steady = 1000.0 + 100.0 * hours  # 100 kW all month
    gap = ts[(ts < MARCH + 10 * 24 * H) | (ts > MARCH + 12 * 24 * H)]  # two days without readings
    reset = np.where(ts < MARCH + 20 * 24 * H + 30 * 60_000, steady, 50.0 * (hours - 480.5))  # cleared at 20th 00:30
    for point, t, v in (("F1-01.EPimp", ts, steady), ("F1-02.EPimp", gap, 1000.0 + 50.0 * (gap - MARCH) / H),
                        ("F1-03.EPimp", ts, reset)):
        source.historian.import_history(PointInfo(point, "kWh"), t, v)
    return source


async def test_the_meter_reading_report_adds_up_and_opens_in_a_spreadsheet(sqlite_url, tmp_path):
    source = await started(sqlite_url)
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        seen = []
        report = await energy_report(source, tariff, METERS, MARCH, APRIL, "day", by="张工",
                                     progress=lambda n, total: seen.append((n, total)))
        path = write_report(report, tmp_path / "energy.xlsx")
    finally:
        await source.stop()
    assert seen[-1] == (3, 3)
    wb = load_workbook(path)
    readings, days = wb["抄表"], wb["分时段电量"]
    assert readings["A1"].value == "电能抄表报表" and "站点" in readings["A2"].value
    assert "张工" in readings["C3"].value
    assert readings.freeze_panes == f"B{FIRST_ROW}"
    assert [c.value for c in readings[5]][:4] == ["电表", "起始读数", "截止读数", "用电量"]
    assert readings["D6"].value == "(kWh)" and readings["D7"].number_format == "#,##0.00"
    f1, f2, f3 = (list(r) for r in readings.iter_rows(min_row=7, max_row=9, values_only=True))
    # F1-01: 100 kW x 744 h; valley 9 h a day at 100 kW = 900 kWh x 31 days
    assert f1[0] == "1#出线" and f1[3] == pytest.approx(74_400.0)
    assert f1[1] == pytest.approx(1000.0) and f1[2] == pytest.approx(1000.0 + 74_400.0)
    assert f1[4:8] == [pytest.approx(31 * 100.0), pytest.approx(31 * 400.0), pytest.approx(31 * 1000.0),
                       pytest.approx(31 * 900.0)]  # sharp 1 h, peak 4 h, flat 10 h, valley 9 h a day
    valley_yuan = 15 * 900 * 0.3 + 16 * 900 * 0.25
    assert f1[8] == pytest.approx(3100 * 1.2 + 12_400 * 1.0 + 31_000 * 0.6 + valley_yuan)
    assert not f1[9]  # nothing to remark
    # F1-02: the two days without readings keep their energy (50 kW x 744 h) but are flagged
    assert f2[3] == pytest.approx(50.0 * 744) and "数据缺失" in f2[9]
    # F1-03: reset at 00:30 on the 20th: one quarter hour unknown (25 kWh at 100 kW), then 50 kW
    assert f3[3] == pytest.approx(100.0 * 480.25 + 50.0 * (744 - 480.5)) and "清零" in f3[9]
    assert readings.cell(row=10, column=1).value == "合计"
    assert readings.cell(row=10, column=4).value == "=SUM(D7:D9)"
    assert days.max_row == FIRST_ROW + 31  # 31 days and the totals
    assert days.cell(row=FIRST_ROW, column=1).value == dt.datetime(2026, 3, 1)
    assert days.cell(row=FIRST_ROW, column=2).value == pytest.approx(2400.0)
    day11 = days.cell(row=FIRST_ROW + 10, column=5).value  # the total of the 11th: F1-02's gap spread evenly
    assert day11 == pytest.approx(2400.0 + 1200.0 + 2400.0) and "数据缺失" in days.cell(row=FIRST_ROW + 10,
                                                                                       column=6).value
    with zipfile.ZipFile(path) as z:
        assert sum(1 for n in z.namelist() if n.startswith("xl/charts/chart")) == 2
    opened_by_libreoffice(path, tmp_path)


def opened_by_libreoffice(path, tmp_path) -> None:
    """Convert the workbook to PDF with LibreOffice (a real spreadsheet program) and keep page 1 as PNG."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-calc-nogui): the workbook was not opened")
    out = tmp_path / "pdf"
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(out), str(path)], check=True, timeout=180,
                   capture_output=True)
    pdf = out / f"{path.stem}.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    artifacts = Path(__file__).resolve().parents[1] / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(pdf, artifacts / f"{path.stem}_report.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf),
                        str(artifacts / f"{path.stem}_report")], check=True, timeout=60)


async def test_a_range_without_readings_says_so(sqlite_url, tmp_path):
    source = await started(sqlite_url)
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        with pytest.raises(NoData, match="没有任何读数") as caught:
            await energy_report(source, tariff, METERS, APRIL + 30 * 24 * H, APRIL + 31 * 24 * H, "hour", by="x")
        assert "no readings" in caught.value.message_en
        with pytest.raises(Cancelled):
            await energy_report(source, tariff, METERS, MARCH, APRIL, "day", by="x", cancelled=lambda: True)
    finally:
        await source.stop()
    # a report cancelled while writing leaves the older file as it was and no part file
    old = tmp_path / "monthly.xlsx"
    old.write_bytes(b"last month's report")
    report = Report("t", "s", "p", "x", [ReportTable("s", [Column("a", "A")], ([i] for i in range(2000)))])
    with pytest.raises(Cancelled):
        write_report(report, old, cancelled=lambda: True)
    assert old.read_bytes() == b"last month's report" and not list(tmp_path.glob("*.part"))


async def test_the_bill_and_the_daily_demand_report(sqlite_url, tmp_path):
    source = await started(sqlite_url)
    try:
        ts = np.arange(MARCH - Q, APRIL + 1, Q, dtype=np.int64)
        # reactive energy of F1-01 at 48.43 kvar against its 100 kW: cos phi 0.8999 -> 0.90 (no adjustment)
        source.historian.import_history(PointInfo("F1-01.EQimp", "kvarh"), ts, 48.43 * (ts - MARCH) / H)
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        bill = await bill_report(source, tariff, METERS[:1], 2026, 3, by="李经理")
        daily = await demand_pf_report(source, tariff, METERS[:1], MARCH, MARCH + 2 * 24 * H, by="李经理")
        path = write_report(bill, tmp_path / "bill.xlsx")
        write_report(daily, tmp_path / "daily.xlsx")
        with pytest.raises(NoData, match="2026-05"):
            await bill_report(source, tariff, METERS[:1], 2026, 5, by="x")
    finally:
        await source.stop()
    ws = load_workbook(path)["电费"]
    row = [c.value for c in ws[FIRST_ROW]]
    header = [c.value for c in ws[5]]
    got = dict(zip(header, row, strict=True))
    valley_yuan = 15 * 900 * 0.3 + 16 * 900 * 0.25
    energy_yuan = 3100 * 1.2 + 12_400 * 1.0 + 31_000 * 0.6 + valley_yuan
    assert got["总电量"] == pytest.approx(74_400.0) and got["谷电费"] == pytest.approx(valley_yuan)
    assert got["基本电费计费量"] == pytest.approx(100.0) and got["基本电费"] == pytest.approx(4000.0)
    assert got["月功率因数"] == 0.90 and got["力调比例"] == 0.0
    assert got["应付电费"] == pytest.approx(energy_yuan + 4000.0)
    assert "力调电费" in ws["A4"].value
    days = load_workbook(tmp_path / "daily.xlsx").active
    first = [c.value for c in days[FIRST_ROW]]
    assert first[0] == dt.datetime(2026, 3, 1) and first[1] == "1#出线"
    assert first[2] == pytest.approx(2400.0) and first[3] == pytest.approx(100.0)
    assert first[5] == pytest.approx(100.0) and first[6] == 0.90  # a flat load: load factor 100 %
    assert days.max_row == FIRST_ROW + 2  # two days and the totals
    opened_by_libreoffice(path, tmp_path)


async def test_alarm_statistics_from_a_real_alarm(tmp_path):
    from drivers.simulator import Fault, FaultKind

    source = DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True,
                          bus_timing=False)
    await source.start()
    try:
        begin = int(time.time() * 1000) - 1000
        source.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))
        for _ in range(300):
            smoke = [a for a in await source.alarms() if a.point == "ENV-1.smoke"]
            if smoke:
                break
            await asyncio.sleep(0.1)
        assert smoke, "the smoke alarm was not raised"
        await source.acknowledge([smoke[0].id], "值班员")
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        report = await alarm_statistics_report(source, tariff, begin, int(time.time() * 1000) + 1000, by="李经理")
        with pytest.raises(NoData, match="没有告警"):
            await alarm_statistics_report(source, tariff, 0, 1000, by="x")
    finally:
        await source.stop()
    path = write_report(report, tmp_path / "alarms.xlsx")
    wb = load_workbook(path)
    levels = [[c.value for c in row] for row in wb["按级别"].iter_rows(min_row=FIRST_ROW)]
    critical = next(r for r in levels if r[0] == "紧急")
    assert critical[1] >= 1 and critical[2] >= 1 and critical[3] is not None and critical[3] >= 0
    frequent = [r[0] for r in wb["频发测点"].iter_rows(min_row=FIRST_ROW, values_only=True)]
    assert any("ENV-1.smoke" in str(x) for x in frequent)


async def test_losses_and_transformer_load_from_the_topology(sqlite_url, tmp_path):
    source = await started(sqlite_url)
    try:
        ts = np.arange(MARCH - Q, APRIL + Q, Q, dtype=np.int64)
        hours = (ts - MARCH) / H
        # T1: 605 kW in at HV, 600 kW out at LV (0 kvar); its six feeders: started()'s F1-01 100 kW, F1-02
        # 50 kW, F1-03 100 kW (on the 2nd) and these 270 kW: 520 kW together
        flows = {"T1-HV.EPimp": 605.0, "T1-LV-IN.EPimp": 600.0, "T1-LV-IN.EQimp": 0.0,
                 "F1-04.EPimp": 100.0, "F1-05.EPimp": 100.0, "F1-06.EPimp": 70.0}
        for point, kw in flows.items():
            source.historian.import_history(PointInfo(point, "kWh"), ts, 1000.0 + kw * hours)
        minutes = np.arange(MARCH, APRIL, 60_000, dtype=np.int64)
        for phase, amps in (("a", 100.0), ("b", 90.0), ("c", 80.0)):  # (100 - 80) / 100: 20 % unbalance
            source.historian.import_history(PointInfo(f"T1-LV-IN.I{phase}", "A"), minutes, np.full(len(minutes), amps))
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        day = (MARCH + 24 * H, MARCH + 48 * H)
        losses = await loss_report(source, tariff, *day, by="李经理")
        load = await transformer_load_report(source, tariff, *day, by="李经理")
        path = write_report(losses, tmp_path / "losses.xlsx")
        write_report(load, tmp_path / "load.xlsx")
    finally:
        await source.stop()
    rows = {r[0]: r for r in load_workbook(path).active.iter_rows(min_row=FIRST_ROW, values_only=True) if r[1]}
    t1 = next(r for name, r in rows.items() if "1" in name and r[1] == "变压器损耗")
    # 5 kW for 24 h; nameplate: 1.2 x 24 + 8.13 x 0.6^2 x 24 = 28.8 + 70.2432
    assert t1[4] == pytest.approx(120.0) and t1[6] == pytest.approx(28.8 + 8.13 * 0.36 * 24)
    assert t1[5] == pytest.approx(100 * 120 / (605 * 24))
    section = next(r for r in rows.values() if r[1] == "线路/母线损耗" and r[2] == pytest.approx(600 * 24))
    assert section[4] == pytest.approx(80 * 24) and "超过阈值" in section[8]  # 13.3 % > 2 %
    t2 = next(r for r in rows.values() if r[1] == "变压器损耗" and r is not t1)
    assert t2[4] is None and "缺少电表读数" in t2[8]  # transformer 2 has no readings: said, not zero
    daily = load_workbook(tmp_path / "load.xlsx")
    day_rows = list(daily["日负载"].iter_rows(min_row=FIRST_ROW, values_only=True))
    t1_day = next(r for r in day_rows if r[2] is not None)
    assert t1_day[2] == pytest.approx(600.0) and t1_day[3] == pytest.approx(60.0) and t1_day[5] == 0.0
    assert t1_day[6] == pytest.approx(20.0) and t1_day[7] == pytest.approx(20.0)
    dist = list(daily["负载率分布"].iter_rows(min_row=FIRST_ROW, values_only=True))
    assert next(r for r in dist if r[0] == "60-70%")[1] == pytest.approx(100.0)
    opened_by_libreoffice(path, tmp_path)


def demo_text() -> str:
    return (Path(__file__).resolve().parents[2] / "resources" / "sites" / "demo.yaml").read_text(encoding="utf-8")


async def test_a_recorded_meter_change_and_a_register_rollover_are_exact(sqlite_url, tmp_path):
    from app.config.site import site_from_text

    text = demo_text()
    line = next(x for x in text.splitlines() if x.strip().startswith("- {id: F1-04,"))
    # F1-04's meter changed on the 10th at 12:00 local: the old one read 9,000 kWh, the new one starts at 20
    changed = text.replace(line, line.replace("- {id: F1-04,", "- {meter_changes: [{at: 2026-03-10T12:00:00, "
                                              "old_final: 9000.0, new_initial: 20.0}], id: F1-04,"))
    source = await started(sqlite_url, site_from_text(changed, "demo.yaml"))
    try:
        site = source.site()
        top = next(p.rollover for p in site.points if p.id == "F1-05.EPimp")
        ts = np.arange(MARCH - Q, APRIL + 1, Q, dtype=np.int64)
        hours = (ts - MARCH) / H
        swap = MARCH + (9 * 24 + 12) * H
        before = 9000.0 - 100.0 * (swap - ts) / H  # 100 kW: the old meter reaches 9,000 at the change
        after = 20.0 + 100.0 * (ts - swap) / H
        source.historian.import_history(PointInfo("F1-04.EPimp", "kWh"), ts, np.where(ts <= swap, before, after))
        source.historian.import_history(PointInfo("F1-05.EPimp", "kWh"), ts, (top - 5000.0 + 100.0 * hours) % top)
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        meters = [Meter("F1-04", "4#", "F1-04.EPimp"), Meter("F1-05", "5#", "F1-05.EPimp")]
        report = await energy_report(source, tariff, meters, MARCH, APRIL, "day", by="x")
        rows = list(report.tables[0].rows)
    finally:
        await source.stop()
    assert rows[0][3] == pytest.approx(74_400.0) and "换表" in rows[0][-1]  # exact across the change
    assert rows[1][3] == pytest.approx(74_400.0) and "翻转" in rows[1][-1]  # and across the wrap


async def test_a_yearly_report_still_splits_by_period(sqlite_url):
    source = await started(sqlite_url)
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        year = (int(dt.datetime(2026, 1, 1, tzinfo=ZONE).timestamp() * 1000),
                int(dt.datetime(2027, 1, 1, tzinfo=ZONE).timestamp() * 1000))
        report = await energy_report(source, tariff, METERS[:1], *year, "month", by="x")
        reading = next(iter(report.tables[0].rows))
        months = list(report.tables[1].rows)
    finally:
        await source.stop()
    # March and the quarter hour before it (the first reading is at 23:45 on February 28th, valley)
    assert reading[3] == pytest.approx(74_425.0) and "无数据" in reading[-1]  # the other months are said
    assert reading[4:8] == [pytest.approx(3100.0), pytest.approx(12_400.0), pytest.approx(31_000.0),
                            pytest.approx(27_925.0)]  # split by period, read from hours
    assert len(months) == 12 and months[2][1] == pytest.approx(74_400.0)
    assert math.isnan(months[0][1]) and "无数据" in months[0][-1]  # January: no readings (an empty cell), said


async def test_the_daily_energy_report_is_the_interval_sheet_alone(sqlite_url):
    source = await started(sqlite_url)
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        report = await build_report(source, tariff, "daily_energy", MARCH, APRIL, by="x")
    finally:
        await source.stop()
    assert report.title == "日电量报表" and [t.sheet for t in report.tables] == ["分时段电量"]
    rows = list(report.tables[0].rows)
    assert len(rows) == 31 and rows[0][0] == dt.datetime(2026, 3, 1)


async def test_the_same_report_through_the_cloud_api(sqlite_url, tmp_path):
    """A cloud console's report (CloudSource over the real server) equals the direct one, cell for cell."""
    from tests.integration.cloud_rig import cloud_client, served

    source = await started(sqlite_url)
    try:
        tariff = tariff_from_mapping(TARIFF, "Asia/Shanghai")
        direct = await energy_report(source, tariff, METERS, MARCH, APRIL, "day", by="x")
        direct_rows = [list(t.rows) for t in direct.tables]
        async with served(source) as api, cloud_client(api.url) as cloud:
            assert cloud.site().tariff == source.site().tariff
            remote = await energy_report(cloud, tariff, METERS, MARCH, APRIL, "day", by="x")
            remote_rows = [list(t.rows) for t in remote.tables]
    finally:
        await source.stop()
    assert len(remote_rows[0]) == 3 and len(remote_rows[1]) == 31
    for ours, theirs in zip(direct_rows, remote_rows, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            assert [x if not isinstance(x, float) else pytest.approx(x, nan_ok=True) for x in a] == b
