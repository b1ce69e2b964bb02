"""The alarm limits dialog against a real DirectSource on the demo site (through the bridge)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_site
from app.sources.direct import DirectSource
from widgets.bridge import SourceBridge
from widgets.devices import DeviceBrowser
from widgets.limits import LimitsDialog

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def bridge(qtbot, tmp_path):
    site = load_site()
    b = SourceBridge(lambda: DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=False))
    with qtbot.waitSignal(b.started, timeout=30_000):
        b.start()
    yield b
    b.stop()


def answer(qtbot, bridge, call):
    got: list = []
    bridge.request(call, got.append, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def test_limits_are_shown_changed_refused_in_words_and_reverted(qtbot, bridge):
    dialog = LimitsDialog(bridge, "T1-TCU.TA", "1号变压器 A相绕组温度", "°C")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.buttons.isEnabled, timeout=10_000)
    on, value, level = dialog.rows["H"]
    assert on.isChecked() and value.value() == 130 and level.currentData() == 2
    assert dialog.rows["HH"][1].value() == 150 and not dialog.rows["L"][0].isChecked()
    assert "site file" in dialog.origin.text() and not dialog.revert.isEnabled()
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "alarm_limits_dialog.png"))

    # out of order: the source refuses, the dialog says why and stays open
    value.setValue(160)
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.problem.text()), timeout=10_000)
    assert "LL < L < H < HH" in dialog.problem.text() and dialog.isVisible()

    value.setValue(120)
    level.setCurrentIndex(2)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    limits, origin = answer(qtbot, bridge, lambda s: s.point_limits("T1-TCU.TA"))
    assert origin == "runtime" and limits["H"] == {"value": 120.0, "level": 3} and limits["HH"]["value"] == 150

    again = LimitsDialog(bridge, "T1-TCU.TA", "T1 winding A", "°C")
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(again.revert.isEnabled, timeout=10_000)
    assert "runtime" in again.origin.text()
    with qtbot.waitSignal(again.accepted, timeout=10_000):
        again.back_to_site()
    assert answer(qtbot, bridge, lambda s: s.point_limits("T1-TCU.TA"))[1] == "site"


def test_the_browser_offers_limits_for_analog_points_only(qtbot, tmp_path):
    model = DirectSource(load_site(), tmp_path / "h.sqlite", simulate=False).site()  # the structure only
    browser = DeviceBrowser(model)
    qtbot.addWidget(browser)
    asked: list[str] = []
    browser.edit_limits.connect(asked.append)
    analog = browser.point_menu("T1-TCU.TA").actions()
    digital = browser.point_menu("ENV-1.smoke").actions()
    assert analog[1].isEnabled() and not digital[1].isEnabled()
    analog[1].trigger()
    assert asked == ["T1-TCU.TA"]


def test_the_main_window_opens_the_dialog_for_a_point(qtbot, tmp_path):
    from zoneinfo import ZoneInfo

    from widgets import settings
    from widgets.main_window import MainWindow

    settings.use_file(tmp_path / "settings.ini")
    site = load_site()
    bridge = SourceBridge(lambda: DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=False))
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    try:
        assert window.browser is not None
        window.browser.edit_limits.emit("T1-TCU.TB")
        dialog = window.findChild(LimitsDialog)
        assert dialog is not None and dialog.point == "T1-TCU.TB"
        qtbot.waitUntil(dialog.buttons.isEnabled, timeout=10_000)
        assert dialog.rows["HH"][1].value() == 150
        dialog.close()
    finally:
        window.close()
        bridge.stop()
        settings.use_file(None)
