"""The reports pane against a real DirectSource (through the bridge): export, refusals, the analysis view."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt

from app.config import load_site
from app.historian import PointInfo
from app.reports.energy import energy_meters
from app.sources.direct import DirectSource
from widgets.bridge import SourceBridge
from widgets.reports import pane as pane_module
from widgets.reports.pane import ReportsPane

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ZONE = dt.timezone(dt.timedelta(hours=8))
H = 3_600_000
Q = 15 * 60_000
MARCH = int(dt.datetime(2026, 3, 1, tzinfo=ZONE).timestamp() * 1000)
APRIL = int(dt.datetime(2026, 4, 1, tzinfo=ZONE).timestamp() * 1000)


def fill(source: DirectSource) -> None:
    ts = np.arange(MARCH - Q, APRIL + Q, Q, dtype=np.int64)
    hour = ((ts - MARCH) // H) % 24
    kw = np.where((hour >= 8) & (hour < 22), 300.0, 100.0)
    for point, scale in (("F1-01.EPimp", 1.0), ("F1-02.EPimp", 0.5)):
        energy = 5000.0 + np.concatenate(([0.0], np.cumsum(kw[:-1] * scale * 0.25)))
        source.historian.import_history(PointInfo(point, "kWh"), ts, energy)


@pytest.fixture
def bridge(qtbot, tmp_path):
    site = load_site()
    b = SourceBridge(lambda: DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=False))
    with qtbot.waitSignal(b.started, timeout=30_000):
        b.start()
    done: list = []
    b.request(fill, done.append, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    yield b
    b.stop()


def make_pane(qtbot, bridge, tmp_path) -> ReportsPane:
    pane = ReportsPane(bridge, tmp_path / "reports", user=lambda: "李经理")
    qtbot.addWidget(pane)
    pane.set_site(bridge.site())
    pane.start.setDate(QDate(2026, 3, 1))
    pane.end.setDate(QDate(2026, 3, 31))
    pane.resize(1200, 800)
    pane.show()
    return pane


def test_export_to_excel_and_refusals_in_words(qtbot, bridge, tmp_path, monkeypatch):
    pane = make_pane(qtbot, bridge, tmp_path)
    assert pane.kind.count() >= 4 and pane.kind.itemData(0) == "energy"
    target = tmp_path / "out" / "energy.xlsx"
    target.parent.mkdir()
    monkeypatch.setattr(pane_module, "ask_save_path", lambda parent, suggested: target)
    with qtbot.waitSignal(pane.exported, timeout=60_000) as got:
        pane.export()
    assert got.args[0] == target and str(target) in pane.status.text()
    ws = load_workbook(target)["抄表"]
    name = next(m.name for m in energy_meters(bridge.site(), "zh") if m.point == "F1-01.EPimp")
    f1 = next(r for r in ws.iter_rows(min_row=7, values_only=True) if r[0] == name)
    assert f1[3] == pytest.approx(31 * (14 * 300 + 10 * 100))
    # a range without readings: said in words, no file
    pane.start.setDate(QDate(2025, 1, 1))
    pane.end.setDate(QDate(2025, 1, 31))
    empty = tmp_path / "out" / "empty.xlsx"
    monkeypatch.setattr(pane_module, "ask_save_path", lambda parent, suggested: empty)
    with qtbot.waitSignal(pane.failed, timeout=60_000) as refused:
        pane.export()
    assert "no readings" in refused.args[0] or "没有任何读数" in refused.args[0]
    assert not empty.exists() and pane.export_button.isEnabled() and not pane.bar.isVisible()


def test_the_analysis_view_sums_meters_and_prices_them(qtbot, bridge, tmp_path):
    pane = make_pane(qtbot, bridge, tmp_path)
    view = pane.analysis
    view.select(["F1-01.EPimp", "F1-02.EPimp"])
    assert len(view.chosen()) == 2
    with qtbot.waitSignal(view.shown, timeout=60_000):
        view.refresh()
    o = view.overview
    assert o is not None and o.total_kwh == pytest.approx(1.5 * 31 * (14 * 300 + 10 * 100))
    assert o.max_kw == pytest.approx(450.0) and len(o.day_starts) == 31
    assert "241,800.0" in view.figures.text() and "450.0" in view.figures.text()
    ARTIFACTS.mkdir(exist_ok=True)
    qtbot.wait(100)  # the figures' new lines laid out
    pane.grab().save(str(ARTIFACTS / "reports_pane.png"))


def test_a_custom_template_is_made_run_and_deleted(qtbot, bridge, tmp_path, monkeypatch):
    pane = make_pane(qtbot, bridge, tmp_path)
    editor = pane.editor
    editor.save()
    assert "name" in editor.problem.text()  # refused in words: no name
    editor.name.setText("出线日电量")
    editor.filter.setText("F1-0")
    visible = [editor.points.item(i) for i in range(editor.points.count()) if not editor.points.item(i).isHidden()]
    assert visible and all("F1-0" in i.text() for i in visible)
    for i in range(editor.points.count()):
        item = editor.points.item(i)
        if item.data(0x0100) in ("F1-01.EPimp", "F1-02.EPimp"):
            item.setCheckState(Qt.CheckState.Checked)
    editor.aggregation.setCurrentIndex(editor.aggregation.findData("delta"))
    editor.interval.setCurrentIndex(editor.interval.findData("day"))
    editor.save()
    assert pane.kind.findData("custom:出线日电量") >= 0
    pane.kind.setCurrentIndex(pane.kind.findData("custom:出线日电量"))
    target = tmp_path / "custom.xlsx"
    monkeypatch.setattr(pane_module, "ask_save_path", lambda parent, suggested: target)
    with qtbot.waitSignal(pane.exported, timeout=60_000):
        pane.export()
    rows = list(load_workbook(target).active.iter_rows(min_row=7, max_row=7, values_only=True))
    assert rows[0][1] == pytest.approx(14 * 300 + 10 * 100) and rows[0][2] == pytest.approx(2600.0)
    pane.tabs.setCurrentWidget(editor)
    editor.existing.setCurrentRow(0)
    qtbot.wait(50)
    ARTIFACTS.mkdir(exist_ok=True)
    pane.grab().save(str(ARTIFACTS / "reports_custom.png"))
    editor.delete()
    assert pane.kind.findData("custom:出线日电量") < 0


def test_a_scheduled_job_is_saved_refused_in_words_and_deleted(qtbot, bridge, tmp_path, monkeypatch):
    from widgets.reports import schedules

    pane = make_pane(qtbot, bridge, tmp_path)
    jobs = pane.jobs
    jobs.name.setText("月度电费")
    jobs.report.setCurrentIndex(jobs.report.findData("bill"))
    jobs.every.setCurrentIndex(jobs.every.findData("month"))
    jobs.day.setValue(2)
    jobs.email.setText("boss@example.com, not-an-address")
    jobs.save()
    assert "folder" in jobs.problem.text() and jobs.table.rowCount() == 0  # refused: no folder
    monkeypatch.setattr(schedules, "ask_folder", lambda parent, start: str(tmp_path / "monthly"))
    jobs._browse()
    jobs.save()
    assert "not-an-address" in jobs.problem.text()  # refused: a bad address, named
    jobs.email.setText("boss@example.com")
    jobs.save()
    assert jobs.table.rowCount() == 1 and "monthly on day 2 at 01:00" in jobs.table.item(0, 2).text()
    saved = json.loads((tmp_path / "reports" / "jobs.json").read_text(encoding="utf-8"))["jobs"][0]
    assert saved["report"] == "bill" and saved["email_to"] == ["boss@example.com"] and saved["day"] == 2
    pane.tabs.setCurrentWidget(jobs)
    jobs.table.selectRow(0)
    qtbot.wait(50)
    pane.grab().save(str(ARTIFACTS / "reports_schedule.png"))
    jobs.delete()
    assert jobs.table.rowCount() == 0


def test_the_pane_in_chinese(qtbot, bridge, tmp_path):
    from PySide6.QtWidgets import QApplication

    from widgets.runtime import load_translations

    app = QApplication.instance()
    assert load_translations(app, "zh_CN")
    try:
        pane = make_pane(qtbot, bridge, tmp_path)
        assert pane.export_button.text() == "导出 Excel…" and pane.tabs.tabText(0) == "能耗分析"
        pane.analysis.select(["F1-01.EPimp"])
        with qtbot.waitSignal(pane.analysis.shown, timeout=60_000):
            pane.analysis.refresh()
        assert "用电量" in pane.analysis.figures.text() and "峰谷比" in pane.analysis.figures.text()
        qtbot.wait(100)
        pane.grab().save(str(ARTIFACTS / "reports_pane_zh.png"))
    finally:
        load_translations(app, "en")


def test_losses_and_transformer_load(qtbot, bridge, tmp_path):
    def more(source: DirectSource) -> None:
        ts = np.arange(MARCH - Q, APRIL + Q, Q, dtype=np.int64)
        hours = (ts - MARCH) / H
        for point, kw in (("T1-HV.EPimp", 605.0), ("T1-LV-IN.EPimp", 600.0), ("T1-LV-IN.EQimp", 0.0)):
            source.historian.import_history(PointInfo(point, "kWh"), ts, 1000.0 + kw * hours)

    done: list = []
    bridge.request(more, done.append, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=60_000)
    pane = make_pane(qtbot, bridge, tmp_path)
    pane.tabs.setCurrentWidget(pane.plant)
    with qtbot.waitSignal(pane.plant.shown, timeout=60_000):
        pane.plant.refresh()
    table = pane.plant.losses
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())}
    t1 = next(v for k, v in rows.items() if "1" in k and v[1] in ("变压器损耗", "transformer"))
    assert t1[4] == "3,720.00"  # 5 kW for 31 days
    assert len(pane.plant.bars) == 2  # both transformers' distributions (the second without readings)
    assert pane.plant.days.rowCount() == 62
    qtbot.wait(100)
    pane.grab().save(str(ARTIFACTS / "reports_plant.png"))
