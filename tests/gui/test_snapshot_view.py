"""The alarm list marks alarms with a snapshot and opens it: picture, camera, time, save as file.

Smoke injected into the demo's simulated plant (its cameras served by the simulator on free
loopback ports) raises a real alarm; the core stores CAM-2's picture; the alarm list's
snapshot column marks the alarm, "View snapshot" opens the dialog, which loads the JPEG
through the bridge, shows it (screenshot in tests/artifacts/), and saves it byte for byte.
A snapshot whose camera gave no picture says why.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.sources.direct import DirectSource
from app.video.snapshot_store import SnapshotInfo
from drivers.simulator import Fault, FaultKind
from tests.integration.test_alarm_snapshots import free_port, url
from tests.integration.test_camera_source import PASSWORD_ENV, demo_site
from widgets.alarms.console import AlarmConsole
from widgets.bridge import SourceBridge
from widgets.video import snapshot_view
from widgets.video.snapshot_view import SnapshotView

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TZ = ZoneInfo("Asia/Shanghai")


def shot(widget: QWidget, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


def pixels(image) -> np.ndarray:
    """A QImage as an RGB array."""
    image = image.convertToFormat(image.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3)


@pytest.mark.timeout(150)
def test_the_alarm_list_marks_and_opens_the_smoke_alarms_snapshot(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    site = demo_site(url(free_port(), "cam1"), url(free_port(), "cam2"))
    bridge = SourceBridge(lambda: DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True,
                                               bus_timing=False))
    window = QWidget()
    qtbot.addWidget(window)
    console = AlarmConsole(bridge, TZ, window, lambda _p: None, lambda *_a: None)
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    try:
        lst = console.start(bridge.site())
        lst.resize(1400, 500)
        lst.show()

        async def smoke(source: DirectSource) -> None:
            assert source.simulator is not None and source.scan is not None
            for bus in source.scan.scans.values():
                for d in bus.devices:
                    d.period = 1.0
            source.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))

        bridge.request(smoke, lambda _: None)
        qtbot.waitUntil(lambda: any(a.point == "ENV-1.smoke" for a in console.active.alarms.values()), timeout=60_000)
        alarm = next(a for a in console.active.alarms.values() if a.point == "ENV-1.smoke")
        qtbot.waitUntil(lambda: any(s.has_picture for s in console.snapshots.of(alarm.id)), timeout=60_000)

        model = lst.active_model
        row = next(i for i, r in enumerate(model.rows) if r.id == alarm.id)
        cell = model.index(row, model.columns.index("snapshot"))
        assert not model.data(cell, Qt.ItemDataRole.DecorationRole).isNull()
        tip = model.data(cell, Qt.ItemDataRole.ToolTipRole)
        assert "LV room camera" in tip or "低压配电室摄像机" in tip
        shot(lst, "alarm_list_snapshot_mark")

        view_index = lst.active_proxy.mapFromSource(cell)
        menu = lst._context_menu(lst.active_view, lst.active_view.visualRect(view_index).center())
        assert menu is not None
        action = menu.actions()[0]
        assert action.isEnabled()
        action.trigger()
        menu.close()
        qtbot.waitUntil(lambda: console.snapshot_view is not None and console.snapshot_view.image is not None,
                        timeout=20_000)
        view = console.snapshot_view
        assert view is not None and view.image is not None  # a child of the console's window (deletes on close)
        assert (view.image.width(), view.image.height()) == (1280, 720)
        assert pixels(view.image).std() > 20  # the simulator's test picture, not a blank
        assert "低压" in view.caption.text() or "LV room camera" in view.caption.text()
        assert view.save_button.isEnabled()
        shot(view, "alarm_snapshot_view")

        target = tmp_path / "saved.jpg"
        monkeypatch.setattr(snapshot_view, "ask_path", lambda _parent, suggested: str(target))
        with qtbot.waitSignal(view.saved, timeout=10_000) as saved:
            view.ask_save()
        assert saved.args == [str(target), ""]
        assert target.read_bytes() == view.jpeg and view.jpeg[:2] == b"\xff\xd8"
        view.close()
    finally:
        bridge.stop()


def test_a_snapshot_without_a_picture_says_why(qtbot):
    bridge = SourceBridge(lambda: None)  # never started: nothing may be asked of it
    info = SnapshotInfo(7, 42, "CAM-1", 1_700_000_000_000, error="认证失败 / authentication failed: 401")
    view = SnapshotView(bridge, [info], lambda camera: f"{camera} HV room camera", TZ)
    qtbot.addWidget(view)
    view.show()
    assert view.picture.text() == "No snapshot: 认证失败 / authentication failed: 401"
    assert "CAM-1 HV room camera" in view.caption.text() and "2023-11-15 06:13:20" in view.caption.text()
    assert not view.save_button.isEnabled() and not view.chooser.isVisible()
    shot(view, "alarm_snapshot_view_no_picture")
