"""The device browser on the demo plant: structure, row-only updates, filters, trend and drag.

The site model comes from a real `DirectSource`; one test runs the simulated plant over
loopback and feeds the browser what it measured.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.config import load_site
from app.model import Quality, Sample
from app.sources.base import SiteModel
from app.sources.direct import DirectSource
from widgets.devices import (
    COL_NAME,
    COL_QUALITY,
    COL_TIME,
    COL_VALUE,
    POINTS_MIME,
    STALE_COLOUR,
    DeviceBrowser,
)

# The offscreen platform says so when a top-level window is shown; it is not a defect of ours.
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TS = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC = 06:13:20 in Asia/Shanghai


def make_source(tmp_path: Path) -> DirectSource:
    return DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True, bus_timing=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    return make_source(tmp_path_factory.mktemp("site")).site()


def close_window(qtbot, widget) -> None:
    """Close a shown window and let Qt settle its focus before the widget is deleted.

    Deleting a window whose focus change is still queued crashes Qt 6.12 offscreen
    (QApplicationPrivate::notifyActiveWindowChange on the deleted window).
    """
    widget.close()
    qtbot.waitUntil(lambda: not widget.isVisible())
    qtbot.wait(20)


def walk(model, parent=QModelIndex()):  # noqa: B008 - the invisible root
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from walk(model, index)


def proxy_index(browser: DeviceBrowser, point_id: str, column: int = COL_NAME) -> QModelIndex:
    node = browser.model.points[point_id]
    return browser.proxy.mapFromSource(browser.model.index_of(node, column))


def visible_ids(browser: DeviceBrowser) -> set[str]:
    return {browser.proxy.data(i, Qt.ItemDataRole.UserRole) for i in walk(browser.proxy)}


def test_tree_holds_the_whole_plant(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    kinds: dict[str, int] = {}
    for index in walk(browser.model):
        kind = browser.model.node(index).kind
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds["gateway"] == 4
    assert kinds["device"] == 22
    assert kinds["point"] == len(site.points) == 971
    assert kinds["room"] == 2
    # a device sits under its gateway, a point under its device
    ti = browser.model.index_of(browser.model.points["T1-TCU.TA"])
    assert browser.model.node(ti.parent()).id == "T1-TCU"
    assert browser.model.node(ti.parent().parent()).id == "DTU-1"
    # derived points have no device: they are grouped under the site
    derived = browser.model.index_of(browser.model.points["T1.load_rate"])
    assert browser.model.data(derived.parent()) == "Calculated points"


def test_a_sample_changes_only_its_row(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    model = browser.model
    model.update({p.id: Sample(p.id, TS, 1.0) for p in site.points})  # every point has a value
    changes: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda a, b, roles=(): changes.append((a, b)))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.layoutChanged.connect(lambda: resets.append(1))
    device = browser.proxy.mapFromSource(model.index_of(model.devices["T1-LV-IN"]))
    browser.tree.expand(device)  # points of folded devices change silently (next test)

    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS + 1000, 812.34)})
    assert len(changes) == 1
    top, bottom = changes[0]
    assert model.node(top).id == model.node(bottom).id == "T1-LV-IN.Ia"
    assert (top.column(), bottom.column()) == (COL_VALUE, COL_TIME)
    assert not resets
    cell = model.index_of(model.points["T1-LV-IN.Ia"], COL_VALUE)
    assert model.data(cell) == "812.3"
    assert model.data(cell, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index_of(model.points["T1-LV-IN.Ia"], COL_TIME)) == "06:13:21"

    changes.clear()
    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS + 1000, 812.34)})  # the same sample again
    assert changes == []


def test_folded_points_update_silently_and_show_when_unfolded(qtbot, site):
    """Rows nobody can see send no signal (the cost of a big site); unfolding shows the newest value."""
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    model = browser.model
    changes: list[QModelIndex] = []
    model.dataChanged.connect(lambda a, b, roles=(): changes.append(a))
    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS, 812.34)})
    assert [model.node(i).id for i in changes] == ["T1-LV-IN"]  # only the device's state (now answering)
    device = browser.proxy.mapFromSource(model.index_of(model.devices["T1-LV-IN"]))
    browser.tree.expand(device)
    row = browser.proxy.mapFromSource(model.index_of(model.points["T1-LV-IN.Ia"], COL_VALUE))
    assert browser.proxy.data(row) == "812.3"
    changes.clear()
    browser.tree.collapse(device)
    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS + 1000, 820.0)})
    assert changes == []
    # a text filter shows every match unfolded, so every change is signalled again
    browser.filter_box.setText("T1-LV-IN")
    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS + 2000, 830.0)})
    assert [model.node(i).id for i in changes] == ["T1-LV-IN.Ia"]
    browser.filter_box.clear()
    changes.clear()
    browser.on_samples({"T1-LV-IN.Ia": Sample("T1-LV-IN.Ia", TS + 3000, 840.0)})
    assert changes == []


def test_quality_is_visible(qtbot, site):
    browser = DeviceBrowser(site, lang="en")
    qtbot.addWidget(browser)
    model = browser.model
    browser.on_samples({
        "ENV-1.temp": Sample("ENV-1.temp", TS, 26.0, Quality.STALE),
        "T2-TCU.TA": Sample("T2-TCU.TA", TS, 0.0, Quality.COMM_FAIL),
        "F1-01.Ia": Sample("F1-01.Ia", TS, 9999.0, Quality.BAD_VALUE),
    })
    stale = model.index_of(model.points["ENV-1.temp"], COL_VALUE)
    assert model.data(stale, Qt.ItemDataRole.FontRole).italic()
    assert model.data(stale, Qt.ItemDataRole.ForegroundRole).color() == STALE_COLOUR
    quality = model.index_of(model.points["T2-TCU.TA"], COL_QUALITY)
    assert model.data(quality) == "comm fail"
    assert model.data(quality, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index_of(model.devices["T2-TCU"], COL_QUALITY)) == "comm fail"
    bad = model.index_of(model.points["F1-01.Ia"], COL_VALUE)
    assert model.data(bad, Qt.ItemDataRole.ForegroundRole).color().name() == "#e65100"

    browser.on_gateway_state("DTU-3", False)
    assert model.data(model.index_of(model.gateways["DTU-3"], COL_QUALITY)) == "offline"
    browser.on_gateway_state("DTU-3", True)
    assert model.data(model.index_of(model.gateways["DTU-3"], COL_QUALITY)) == "online"
    browser.on_gateway_state("NO-SUCH-DTU", False)  # ignored, not an error


def test_filter_by_chinese_name_keeps_parents(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    browser.filter_box.setText("绕组温度")  # winding temperature: only the TCUs have it
    shown = visible_ids(browser)
    points = {i for i in shown if "." in i}
    assert points == {f"T{t}-TCU.T{p}" for t in (1, 2) for p in "ABC"}
    assert {"T1-TCU", "T2-TCU", "DTU-1", "DTU-2", "LV"} <= shown
    assert "F1-01" not in shown
    browser.filter_box.setText("transformer 1 temperature")  # English names match too, any case
    assert "T1-TCU.Tcore" in visible_ids(browser)  # a matching device brings its points
    browser.filter_box.setText("hv-in.epimp")  # and ids
    assert {i for i in visible_ids(browser) if "." in i} >= {"HV-IN.EPimp"}
    browser.filter_box.clear()
    assert len([i for i in visible_ids(browser) if i and "." in i]) == 971


def test_problems_only(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    browser.on_samples({p.id: Sample(p.id, TS, 1.0) for p in site.points})
    for g in site.gateways:
        browser.on_gateway_state(g.id, True)
    browser.problems_only.setChecked(True)
    assert {i for i in visible_ids(browser) if "." in i} == set()
    browser.on_samples({"F2-03.Ia": Sample("F2-03.Ia", TS + 1000, 3.0, Quality.STALE)})
    shown = visible_ids(browser)  # the proxy follows dataChanged: the new problem appears by itself
    assert "F2-03.Ia" in shown and "F2-03" in shown
    assert {i for i in shown if "." in i} == {"F2-03.Ia"}
    browser.on_gateway_state("DTU-4", False)
    assert "DTU-4" in visible_ids(browser)
    browser.problems_only.setChecked(False)
    assert "F1-01.Ia" in visible_ids(browser)


def test_double_click_opens_trend(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    browser.resize(700, 500)
    browser.show()
    qtbot.waitExposed(browser)
    assert browser.select_point("T1-TCU.TB")
    index = proxy_index(browser, "T1-TCU.TB", COL_VALUE)
    rect = browser.tree.visualRect(index)
    assert rect.isValid()
    viewport = browser.tree.viewport()
    with qtbot.waitSignal(browser.open_trend, timeout=2000) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())  # a view double-clicks its pressed row
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["T1-TCU.TB"]
    # a device row is not a trend
    device = browser.proxy.mapFromSource(browser.model.index_of(browser.model.devices["T1-TCU"]))
    with qtbot.assertNotEmitted(browser.open_trend):
        browser._on_double_click(device)
    close_window(qtbot, browser)


def test_dragged_points_as_mime(qtbot, site):
    browser = DeviceBrowser(site)
    qtbot.addWidget(browser)
    ids = ["T1-LV-IN.P", "T2-LV-IN.P", "T1.load_rate"]
    indexes = [proxy_index(browser, i, col) for i in ids for col in (COL_NAME, COL_VALUE)]
    indexes.append(browser.proxy.mapFromSource(browser.model.index_of(browser.model.devices["T1-TCU"])))
    assert POINTS_MIME in browser.proxy.mimeTypes()
    mime = browser.proxy.mimeData(indexes)
    assert bytes(mime.data(POINTS_MIME).data()).decode("utf-8").split("\n") == ids
    assert browser.proxy.flags(indexes[0]) & Qt.ItemFlag.ItemIsDragEnabled
    assert not browser.proxy.flags(indexes[-1]) & Qt.ItemFlag.ItemIsDragEnabled


async def run_plant(tmp_path: Path) -> tuple[SiteModel, list[list[Sample]], dict[str, Sample]]:
    """Run the simulated demo plant until (nearly) every point has reported; what did it say?"""
    source = make_source(tmp_path)
    await source.start()
    try:
        batches: list[list[Sample]] = []
        sub = source.subscribe(batches.append)
        for _ in range(200):  # bounded: every device answers within a few polls
            await asyncio.sleep(0.05)
            if len({s.point for b in batches for s in b}) >= 800:
                break
        sub.close()
        return source.site(), batches, {s.point: s for s in await source.latest()}
    finally:
        await source.stop()


# Synchronous on purpose: a shown window must not outlive a test's event loop (an async test that
# shows a window with focus crashes Qt at teardown, in notifyActiveWindowChange on the deleted window).
def test_live_values_from_the_simulated_plant(qtbot, tmp_path):
    site, batches, latest = asyncio.run(run_plant(tmp_path))
    browser = DeviceBrowser(site, lang="zh")
    qtbot.addWidget(browser)
    for g in site.gateways:
        browser.on_gateway_state(g.id, g.state == "online")
    for batch in batches:
        browser.on_samples({s.point: s for s in batch})
    browser.on_samples(latest)
    model = browser.model
    shown = [model.data(model.index_of(model.points[pid], COL_VALUE)) for pid in latest]
    assert len(shown) > 800 and all(shown)
    assert model.data(model.index_of(model.devices["T1-LV-IN"], COL_QUALITY)) == "ok"
    assert model.data(model.index_of(model.gateways["DTU-1"], COL_QUALITY)) == "online"

    browser.resize(820, 640)
    browser.show()
    qtbot.waitExposed(browser)
    browser.tree.expand(browser.proxy.mapFromSource(model.index_of(model.devices["T1-TCU"])))
    browser.tree.expand(browser.proxy.mapFromSource(model.index_of(model.devices["ENV-1"])))
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.grab().save(str(ARTIFACTS / "device_browser_zh.png"))
    browser.set_language("en")
    browser.on_samples({"ENV-1.temp": Sample("ENV-1.temp", latest["ENV-1.temp"].ts, 31.0, Quality.STALE),
                        "T1-TCU.TB": Sample("T1-TCU.TB", latest["T1-TCU.TB"].ts, 0.0, Quality.COMM_FAIL)})  # fmt: skip
    assert browser.grab().save(str(ARTIFACTS / "device_browser_en.png"))
    close_window(qtbot, browser)


def test_plant_names_follow_the_consoles_language_when_it_is_switched(qtbot, site):
    from PySide6.QtCore import QCoreApplication

    from widgets.runtime import load_translations

    app = QCoreApplication.instance()
    load_translations(app, "en")
    browser = DeviceBrowser(site)  # no language given: the console's
    qtbot.addWidget(browser)
    model = browser.model
    device = model.index_of(model.devices["T1-TCU"])
    assert model.data(device) == "Transformer 1 temperature controller (T1-TCU)"
    try:
        load_translations(app, "zh_CN")
        qtbot.waitUntil(lambda: model.lang == "zh", timeout=3_000)
        assert model.data(device) == "1号变压器温控器 (T1-TCU)"
    finally:
        load_translations(app, "en")
    qtbot.waitUntil(lambda: model.lang == "en", timeout=3_000)
