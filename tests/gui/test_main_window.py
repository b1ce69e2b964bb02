"""The console's main window on the demo site, simulated over real sockets, as an operator uses it.

Opens the window, waits for live values, opens a trend from the device browser, loses and regains
a gateway, saves and restores the layout, switches language; saves screenshots of every view to
tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication

from app.config import load_site
from app.model import Quality
from app.sources.direct import DirectSource
from drivers.simulator import Fault, FaultKind
from widgets import runtime, settings
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def console(qtbot, tmp_path):
    settings.use_file(tmp_path / "settings.ini")
    site = load_site()
    made: list[DirectSource] = []

    def factory() -> DirectSource:
        source = DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
        made.append(source)
        return source

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    yield window, bridge, made
    window.close()
    bridge.stop()
    settings.use_file(None)


def shot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"{name}.png"))


def test_live_values_trend_gateway_loss_and_layout(qtbot, console):
    window, bridge, _ = console
    qtbot.waitUntil(lambda: len(bridge.latest) >= 900, timeout=30_000)
    qtbot.waitUntil(lambda: "Gateways online: 4/4" in window.gateways_label.text(), timeout=10_000)
    assert window.browser is not None and window.overview is not None
    shot(window, "main-window-en")

    # A trend from the device browser's double-click signal, with history and a live tail.
    window.browser.open_trend.emit("T1-LV-IN.Ia")
    assert len(window.trends) == 1
    qtbot.wait(2500)
    shot(window.trends[0], "trend-from-browser")

    # Lose a gateway: its points go comm_fail in the GUI; it comes back by itself.
    async def drop(source: DirectSource) -> None:
        assert source.simulator is not None
        source.simulator.inject(Fault(FaultKind.DISCONNECT, "DTU-4", reconnect_after=2.0))

    bridge.request(drop, lambda _: None)
    qtbot.waitUntil(lambda: bridge.latest["ENV-1.temp"].quality is Quality.COMM_FAIL, timeout=15_000)
    qtbot.waitUntil(lambda: "Gateways online: 3/4" in window.gateways_label.text(), timeout=5_000)
    shot(window, "main-window-gateway-lost")
    qtbot.waitUntil(lambda: bridge.latest["ENV-1.temp"].quality is Quality.GOOD, timeout=20_000)
    qtbot.waitUntil(lambda: "Gateways online: 4/4" in window.gateways_label.text(), timeout=5_000)

    # Layout: move the log dock away, save, reset, restore.
    log_dock = window._docks["log"]
    log_dock.hide()
    window.save_layout()
    window.reset_layout()
    assert log_dock.isVisible()
    window._restore_layout()
    assert not log_dock.isVisible()

    # The trends open at closing come back; a stored set naming a point the site lacks is reported.
    window._remember_open_trends()
    before = len(window.trends)
    window._reopen_trends()
    assert len(window.trends) == 2 * before
    assert window.trends[-1].pens() == ["T1-LV-IN.Ia"]


def test_language_switch_at_runtime(qtbot, console):
    window, bridge, _ = console
    qtbot.waitUntil(lambda: len(bridge.latest) >= 900, timeout=30_000)
    app = QCoreApplication.instance()
    try:
        window._choose(settings.LANGUAGE, "zh_CN")
        # LanguageChange is a posted event: the window retranslates on the next turn of the loop.
        qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "文件(&F)", timeout=2_000)
        assert window._docks["devices"].windowTitle() == "设备"
        assert window.banner.label.text() == "无活动报警"
        qtbot.waitUntil(lambda: "网关在线：4/4" in window.gateways_label.text(), timeout=5_000)
        shot(window, "main-window-zh")
        window.open_trend("T1-LV-IN.P")
        qtbot.wait(2500)
        shot(window.trends[0], "trend-zh")
    finally:
        runtime.load_translations(app, "en")
    qtbot.waitUntil(lambda: window.menuBar().actions()[0].text() == "&File", timeout=2_000)
    assert settings.value(settings.LANGUAGE) == "zh_CN"
