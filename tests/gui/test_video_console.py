"""The video pane in the console: the demo site's cameras live through the DataSource, show_camera, layout.

The demo site with its two cameras moved to a free loopback port: the in-process simulator
serves them there (as `python -m app` does on 8554), the console asks `DataSource.camera_url`
through the bridge, and the video dock shows them.  A faceplate's and the console's
`show_camera` bring a camera up; the grid's layout comes back with the next window.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("app.video.stream", reason="app/video/stream.py (the CameraStream) is not there yet")

from app.config import load_site
from app.config.site import Site
from app.sources.direct import DirectSource
from app.video.model import StreamState
from widgets import settings
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_on(port: int) -> Site:
    """The demo site, its cameras served on ``port`` instead of 8554."""
    site = load_site()
    cameras = [c.model_copy(update={"url": c.url.replace(":8554/", f":{port}/")}) for c in site.file.cameras]
    return Site(site.file.model_copy(update={"cameras": cameras}), site.path)


def open_window(qtbot, tmp_path: Path, site: Site) -> tuple[MainWindow, SourceBridge]:
    def factory() -> DirectSource:
        return DirectSource(site, tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=True, bus_timing=False)

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    return window, bridge


def test_the_consoles_video_dock(qtbot, tmp_path):
    settings.use_file(tmp_path / "settings.ini")
    site = demo_on(free_port())
    try:
        window, bridge = open_window(qtbot, tmp_path, site)
        try:
            video = window.video
            assert video is not None and window._docks["video"].windowTitle() == "Video"
            one, two = video.grid.tiles[:2]
            assert [one.camera.id, two.camera.id] == ["CAM-1", "CAM-2"]  # the default: the site's cameras

            def live(tile) -> bool:
                return tile.status is not None and tile.status.state is StreamState.LIVE and tile.frames_painted >= 3

            qtbot.waitUntil(lambda: live(one) and live(two), timeout=40_000)
            assert one.status.width == 1280 and one.status.height == 720
            qtbot.wait(500)
            ARTIFACTS.mkdir(exist_ok=True)
            window.grab().save(str(ARTIFACTS / "main-window-video-en.png"))

            # A faceplate's "Show camera" and the console's show_camera (an alarm's popup).
            window._docks["alarms"].raise_()
            window.diagrams.show_camera.emit("CAM-2")
            assert video.grid.visible_tiles()[1].camera.id == "CAM-2"
            window.show_camera("CAM-1", "10kV进线 断路器跳闸")
            assert one.banner == "10kV进线 断路器跳闸"
            window.show_camera("CAM-9")
            assert "CAM-9" in window.statusBar().currentMessage()

            # A real alarm: smoke in the LV room pops its linked camera with the alarm's words
            from drivers.simulator import Fault, FaultKind

            done: list = []
            bridge.request(lambda s: s.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1")), done.append, done.append)

            def smoke_shown() -> bool:
                return any(t.camera is not None and t.camera.id == "CAM-2" and t.banner
                           for t in video.grid.visible_tiles())

            qtbot.waitUntil(smoke_shown, timeout=40_000)

            # minimised, the console decodes nothing; restored, the pictures come back
            window.showMinimized()
            qtbot.waitUntil(lambda: one.stream is None and two.stream is None, timeout=10_000)
            window.showNormal()
            qtbot.waitUntil(lambda: live(one), timeout=40_000)

            video.set_grid_size(9)
            video.grid.put(8, "CAM-1")
            window.close()
        finally:
            bridge.stop()
        saved = json.loads(settings.value(settings.VIDEO_LAYOUT))
        assert saved["size"] == 9 and saved["cells"][8] == "CAM-1"
        assert one.stream is None and two.stream is None  # closing stopped every stream

        again, bridge = open_window(qtbot, tmp_path, site)
        try:
            assert again.video is not None and again.video.grid.size == 9
            assert [t.camera.id if t.camera else None for t in again.video.grid.tiles] == saved["cells"]
            again.close()
        finally:
            bridge.stop()
    finally:
        settings.use_file(None)
