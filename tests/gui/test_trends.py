"""Trend view over a real historian (SQLite in tmp_path) filled with a known day of data.

The fetcher calls back through QTimer.singleShot(0, ...) so answers arrive later on the GUI
thread, as the bridge's do.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QPalette

from app.historian import Historian
from app.historian import PointInfo as StoredPoint
from app.model import Quality, Sample
from app.sources.base import PointInfo
from widgets.trends import MIME_POINTS, TrendError, TrendSetError, TrendView

# The offscreen platform cannot pass size hints to a window it does not have; not a defect of ours.

TZ = ZoneInfo("Asia/Shanghai")
DAY0 = int(datetime(2024, 5, 1, tzinfo=TZ).timestamp() * 1000)
DAY1 = DAY0 + 86_400_000
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TS = np.arange(DAY0, DAY1, 1000, dtype=np.int64)
POWER = 500 + 300 * np.sin((TS - DAY0) / 86_400_000 * 2 * np.pi)
CURRENT = 700 + 200 * np.cos((TS - DAY0) / 3_600_000 * 2 * np.pi)
TEMP = 25 + (TS - DAY0) / 86_400_000 * 10
TEMP_Q = np.zeros(len(TS), np.uint8)
TEMP_Q[43_200:43_800] = int(Quality.STALE)  # ten stale minutes at noon

INFOS = {
    "T1-LV-IN.P": PointInfo(
        "T1-LV-IN.P", "T1-LV-IN", "1号变低压进线有功功率", "T1 LV incomer active power", "kW", "analog"
    ),
    "F1.P": PointInfo("F1.P", "F1", "馈线1有功功率", "Feeder 1 active power", "kW", "analog"),
    "ENV-1.temp": PointInfo("ENV-1.temp", "ENV-1", "1号配电房温度", "Room 1 temperature", "°C", "analog"),
}


@pytest.fixture(scope="module")
def historian(tmp_path_factory):
    path = tmp_path_factory.mktemp("trend") / "h.sqlite"
    hist = Historian(path, clock=lambda: DAY1 / 1000)
    hist.open()
    hist.import_history(StoredPoint("T1-LV-IN.P", "kW", deadband=None), TS, POWER)
    hist.import_history(StoredPoint("F1.P", "kW", deadband=None), TS, CURRENT)
    hist.import_history(StoredPoint("ENV-1.temp", "°C", deadband=None), TS, TEMP, TEMP_Q)
    yield hist
    hist.close()


class Fetcher:
    """A HistoryFetcher over a real historian, answering asynchronously; records every call."""

    def __init__(self, historian: Historian) -> None:
        self.historian = historian
        self.calls: list[tuple[str, int, int, int]] = []
        self.answers: list[tuple[str, bool]] = []

    def __call__(self, point, start, end, max_points, on_done, on_error) -> None:
        from PySide6.QtCore import QTimer

        self.calls.append((point, start, end, max_points))
        try:
            history = self.historian.history(point, start, end, max_points)
        except Exception as exc:
            QTimer.singleShot(0, lambda error=exc: on_error(error))
            return
        self.answers.append((point, history.raw))
        QTimer.singleShot(0, lambda: on_done(history))


@pytest.fixture
def view(qtbot, historian):
    fetcher = Fetcher(historian)
    trend = TrendView(fetcher, INFOS.get, TZ, clock=lambda: DAY1 / 1000)
    trend.fetcher = fetcher
    trend.resize(1100, 520)
    qtbot.addWidget(trend)
    trend.show()
    qtbot.waitExposed(trend)
    return trend


def _settle(qtbot, view, calls_before: int) -> None:
    """Wait until a new history request was made and every pen has its answer."""
    qtbot.waitUntil(lambda: len(view.fetcher.calls) > calls_before, timeout=5000)
    qtbot.waitUntil(lambda: all(view.pen(p).series.fetched is not None for p in view.pens()), timeout=5000)
    qtbot.wait(50)
    view.flush()


def _load_day(qtbot, view) -> None:
    for point in ("T1-LV-IN.P", "F1.P", "ENV-1.temp"):
        view.add_pen(point)
    n = len(view.fetcher.calls)
    view.set_range(DAY0, DAY1)
    _settle(qtbot, view, n)
    qtbot.waitUntil(lambda: all(view.pen(p).series.fetched[0] <= DAY0 for p in view.pens()), timeout=5000)
    view.flush()


def test_pens_share_axes_by_unit(qtbot, view):
    _load_day(qtbot, view)
    assert view.pens() == ["T1-LV-IN.P", "F1.P", "ENV-1.temp"]
    assert sorted(view.axes.groups) == ["unit:kW", "unit:°C"]
    view.set_pen_axis("F1.P", "own")
    assert sorted(view.axes.groups) == ["pen:F1.P", "unit:kW", "unit:°C"]
    view.remove_pen("ENV-1.temp")
    assert sorted(view.axes.groups) == ["pen:F1.P", "unit:kW"]
    colours = {view.pen(p).colour for p in view.pens()}
    assert len(colours) == 2


def test_unknown_point_is_a_typed_error(view):
    with pytest.raises(TrendError, match=r"NOPE\.x"):
        view.add_pen("NOPE.x")


def test_zoom_in_asks_raw_zoom_out_asks_buckets(qtbot, view):
    _load_day(qtbot, view)
    series = view.pen("T1-LV-IN.P").series
    assert series.bucket_ms > 0  # a day of 1 s samples comes as buckets
    n = len(view.fetcher.calls)
    noon = DAY0 + 43_200_000
    view.viewbox.setXRange(noon / 1000, noon / 1000 + 600, padding=0)  # ten minutes
    _settle(qtbot, view, n)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.bucket_ms == 0, timeout=5000)
    assert ("T1-LV-IN.P", True) in view.fetcher.answers[-3:]
    n = len(view.fetcher.calls)
    view.viewbox.scaleBy(x=100)  # far out again: outside the raw range held
    _settle(qtbot, view, n)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.bucket_ms > 0, timeout=5000)
    # A pan to the next hour re-queries too.
    view.viewbox.setXRange(noon / 1000, noon / 1000 + 600, padding=0)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.bucket_ms == 0, timeout=5000)
    n = len(view.fetcher.calls)
    view.viewbox.translateBy(x=3600)
    _settle(qtbot, view, n)
    start, end = view.visible_range()
    assert all(call[1] <= start and call[2] >= end for call in view.fetcher.calls[n:])


def test_cursor_reads_every_pen(qtbot, view):
    _load_day(qtbot, view)
    noon = DAY0 + 43_200_000
    view.set_range(noon + 60_000, noon + 660_000)
    qtbot.waitUntil(lambda: all(view.pen(p).series.bucket_ms == 0 for p in view.pens()), timeout=5000)
    at = noon + 300_500  # half a second after a sample: the sample is held
    readings = view.set_cursor(at)
    i = (at - DAY0) // 1000
    assert readings["T1-LV-IN.P"].value == pytest.approx(POWER[i])
    assert readings["F1.P"].value == pytest.approx(CURRENT[i])
    assert readings["ENV-1.temp"].quality is Quality.STALE
    assert view.table.cell_text("T1-LV-IN.P", 2) == f"{POWER[i]:.4g}"
    assert "stale" in view.table.cell_text("ENV-1.temp", 2)
    # Moving the mouse over the plot moves the cursor.
    scene_pos = view.viewbox.mapViewToScene(QPointF((noon + 400_000) / 1000, 0))
    view.plot.scene().sigMouseMoved.emit(scene_pos)
    assert abs(view._cursor_ms - (noon + 400_000)) < 2000


def test_visible_stats_match_numpy(qtbot, view):
    _load_day(qtbot, view)
    start, end = DAY0 + 3_600_000, DAY0 + 4_200_000
    view.set_range(start, end)
    qtbot.waitUntil(lambda: all(view.pen(p).series.bucket_ms == 0 for p in view.pens()), timeout=5000)
    lo, hi = view.visible_range()
    mask = (lo <= TS) & (hi >= TS)
    stats = view.visible_stats()["T1-LV-IN.P"]
    assert stats.min == pytest.approx(POWER[mask].min())
    assert stats.max == pytest.approx(POWER[mask].max())
    assert stats.avg == pytest.approx(POWER[mask].mean())
    assert stats.count == mask.sum()
    view.flush()
    assert view.table.cell_text("T1-LV-IN.P", 3) == f"{POWER[mask].min():.4g}"
    # Zoomed out to the day: bucket extremes keep the true extremes; stale values are left out.
    view.set_range(DAY0, DAY1)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.bucket_ms > 0, timeout=5000)
    day = view.visible_stats()
    assert day["T1-LV-IN.P"].max == pytest.approx(POWER.max())
    assert day["T1-LV-IN.P"].avg == pytest.approx(POWER.mean(), rel=1e-3)


def test_csv_and_png_export(qtbot, view, tmp_path):
    _load_day(qtbot, view)
    start = DAY0 + 43_200_000 - 120_000
    view.set_range(start, start + 300_000)
    qtbot.waitUntil(lambda: all(view.pen(p).series.bucket_ms == 0 for p in view.pens()), timeout=5000)
    path = tmp_path / "trend.csv"
    count = view.export_csv(path)
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count == 3 * 301
    temp = [r for r in rows if r["point"] == "ENV-1.temp"]
    assert temp[0]["name"] == "1号配电房温度" and temp[0]["unit"] == "°C"
    assert temp[0]["time"] == datetime.fromtimestamp(start / 1000, TZ).isoformat(timespec="milliseconds")
    assert temp[0]["time"].endswith("+08:00")
    assert {r["quality"] for r in temp} == {"good", "stale"}
    power = [r for r in rows if r["point"] == "T1-LV-IN.P"]
    assert float(power[10]["value"]) == pytest.approx(POWER[(start - DAY0) // 1000 + 10])
    png = tmp_path / "trend.png"
    view.export_png(png)
    assert png.stat().st_size > 1000


def test_trend_set_round_trip(qtbot, view, historian):
    _load_day(qtbot, view)
    view.set_pen_axis("ENV-1.temp", "own")
    view.pen("F1.P").set_colour("#123456")
    view.set_range(DAY0 + 1000, DAY0 + 7_200_000)
    saved = json.loads(json.dumps(view.to_dict()))
    other = TrendView(Fetcher(historian), INFOS.get, TZ, clock=lambda: DAY1 / 1000)
    qtbot.addWidget(other)
    assert other.from_dict(saved) == []
    assert other.to_dict() == saved
    assert other.pen("ENV-1.temp").axis == "own" and other.pen("F1.P").colour == "#123456"
    live = dict(saved, range={"mode": "live", "span_s": 900})
    other.from_dict(live)
    assert other.is_live and other.to_dict()["range"] == {"mode": "live", "span_s": 900.0}
    # Points this site lacks are reported, the others shown.
    lacking = dict(saved, pens=[*saved["pens"], {"point": "GONE.x", "colour": "#2f86d6"}])
    assert other.from_dict(lacking) == ["GONE.x"]
    for bad, words in (
        ({"version": 9, "pens": []}, "version"),
        ({"version": 1, "pens": [{"point": "F1.P", "colour": "red"}]}, "pens\\[0\\].colour"),
        ({"version": 1, "pens": [], "range": {"mode": "fixed", "start_ms": 5, "end_ms": 1}}, "not after"),
        ("[]", "JSON object"),
    ):
        with pytest.raises(TrendSetError, match=words):
            other.from_dict(bad)


def test_live_samples_extend_the_curve(qtbot, view):
    view.add_pen("T1-LV-IN.P")
    view.set_live(600)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.fetched is not None, timeout=5000)
    qtbot.waitUntil(lambda: view.pen("T1-LV-IN.P").series.bucket_ms == 0, timeout=5000)  # ten minutes: raw
    view.flush()
    series = view.pen("T1-LV-IN.P").series
    before = series.draw.size
    last = int(series.rows["ts"][-1])
    for k in range(1, 6):
        view.on_samples({"T1-LV-IN.P": Sample("T1-LV-IN.P", last + k * 1000, 42.0 + k)})
    view.on_samples({"T1-LV-IN.P": Sample("T1-LV-IN.P", last + 6000, 50.0, Quality.COMM_FAIL)})
    view.on_samples({"F1.P": Sample("F1.P", last + 6000, 1.0)})  # not drawn: ignored
    view.flush()
    assert series.draw.size == before + 6
    x, y = view.pen("T1-LV-IN.P").curve.getOriginalDataset()
    assert x[-2] == pytest.approx((last + 5000) / 1000) and y[-2] == 47.0
    assert np.isnan(y[-1])  # comm_fail: a gap in the pen's line ...
    _bx, by = view.pen("T1-LV-IN.P").bad_curve.getOriginalDataset()
    assert by[-1] == 50.0 and by[-2] == 47.0  # ... and a grey dash from the last good value
    assert view.set_cursor(last + 3500)["T1-LV-IN.P"].value == 45.0


def test_drop_of_points_adds_pens(qtbot, view):
    mime = QMimeData()
    mime.setData(MIME_POINTS, b"T1-LV-IN.P\nENV-1.temp\n\nNOPE.x\n")
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(200, 200), *args)  # C++ takes a QPoint here, a QPointF for drops
    view.dragEnterEvent(enter)  # Qt delivers drops only inside a real drag session: call the handlers
    assert enter.isAccepted()
    event = QDropEvent(QPointF(200, 200), *args)
    view.dropEvent(event)
    assert event.isAccepted()
    assert view.pens() == ["T1-LV-IN.P", "ENV-1.temp"]
    assert "NOPE.x" in view.message.text()
    other = QMimeData()
    other.setText("F1.P")
    plain = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, other, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    view.dragEnterEvent(plain)
    assert not plain.isAccepted()
    assert view.drop_mime(other) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot(qtbot, view, theme):
    if theme == "dark":
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#202226"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#e0e0e0"))
        palette.setColor(QPalette.ColorRole.Base, QColor("#17191c"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
        view.setPalette(palette)
    _load_day(qtbot, view)
    view.set_range(DAY0 + 40_000_000, DAY0 + 48_000_000)
    qtbot.wait(400)
    view.flush()
    view.set_cursor(DAY0 + 43_500_000)
    qtbot.mouseMove(view.plot_widget, QPoint(300, 200))
    ARTIFACTS.mkdir(exist_ok=True)
    assert view.grab().save(str(ARTIFACTS / f"trends_{theme}.png"))


def test_long_range_stats_and_grey_stretches_match_numpy():
    from widgets.trends.series import PenSeries

    series = PenSeries()
    n = 20_000
    ts = DAY0 + np.arange(n, dtype=np.int64) * 1000
    values = np.sin(np.arange(n) / 500.0) * 100 + np.arange(n) * 0.01
    quality = np.zeros(n, np.uint8)
    quality[5_000:5_300] = int(Quality.STALE)
    quality[12_345] = int(Quality.COMM_FAIL)
    series.load_arrays(ts, values, quality, int(ts[0]), int(ts[-1]))
    for i0, i1 in ((0, n - 1), (17, 19_000), (4_999, 9_000), (1_000, 6_000)):  # long ranges use block summaries
        stats = series.stats(int(ts[i0]), int(ts[i1]))
        good = values[i0 : i1 + 1][quality[i0 : i1 + 1] == 0]
        assert stats.count == len(good)
        assert stats.min == good.min() and stats.max == good.max()
        assert stats.avg == pytest.approx(good.mean())
    x, y = series.bad_stretches()
    # Two stretches, each led by the last good value, one NaN between them: no million NaNs.
    assert len(x) == (300 + 1) + 1 + (1 + 1)
    assert np.isnan(y).sum() == 1 and y[0] == values[4_999] and y[-1] == values[12_345]
    assert np.all(np.diff(x) >= 0)


def test_reread_after_an_outage_asks_every_pen_again(qtbot, view):
    """A cloud outage was backfilled on the server: the open trend reads its range again, every pen."""
    _load_day(qtbot, view)
    n = len(view.fetcher.calls)
    view.reread()
    _settle(qtbot, view, n)
    asked = {call[0] for call in view.fetcher.calls[n:]}
    assert asked == {"T1-LV-IN.P", "F1.P", "ENV-1.temp"}
