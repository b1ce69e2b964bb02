"""The video pane against real RTSP cameras on loopback (the simulator's camera server).

Frames arrive and the tiles show the test picture (its colour bars checked in the painted
pixels), wrong credentials and a refused port are said in words, a snapshot is the camera's
full picture in a file and on the clipboard, a camera goes full screen and back, a hidden
pane (or a dock tabbed away) stops decoding, a restarted camera is shown again.  Screenshots
go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

pytest.importorskip("app.video.stream", reason="app/video/stream.py (the CameraStream) is not there yet")

from app.sources.base import CameraInfo
from app.video.model import StreamState
from drivers.simulator import SimCamera
from drivers.simulator.camera_pattern import bar_colours
from drivers.simulator.camera_thread import serve_in_thread
from widgets import runtime
from widgets.video import snapshot
from widgets.video import tile as tile_module
from widgets.video.overlay import fit
from widgets.video.pane import VideoPane
from widgets.video.tile import VideoTile
from widgets.video.urls import via_thread

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
OPTIONS = {"open_timeout_s": 3.0, "stall_s": 3.0, "backoff_first_s": 0.5, "backoff_most_s": 2.0}
PASSWORD = "s3cret-Pa55"
CAMERAS = [
    CameraInfo("CAM-1", "高压室摄像机", "HV room camera", "HV", ("HV-IN",)),
    CameraInfo("CAM-2", "低压配电室摄像机", "LV room camera", "LV", ("T1-LV-IN",)),
    CameraInfo("CAM-3", "变压器室摄像机", "Transformer room camera", "TR", ()),
    CameraInfo("CAM-4", "电缆夹层摄像机", "Cable floor camera", "LV", ()),
]
BARS = {bar.name: bar for bar in bar_colours()}


def sim(camera_id: str, path: str, **kw) -> SimCamera:
    kw.setdefault("width", 320)
    kw.setdefault("height", 240)
    return SimCamera(camera_id, path, fps=10, **kw)


@contextlib.contextmanager
def pane_on(qtbot, urls: dict[str, str], size: tuple[int, int] = (960, 600)) -> Iterator[VideoPane]:
    """A pane whose cameras' addresses come from ``urls`` (an unknown camera: KeyError)."""

    async def url_for(camera_id: str) -> str:
        return urls[camera_id]

    pane = VideoPane(CAMERAS, via_thread(url_for), stream_options=OPTIONS)
    qtbot.addWidget(pane)
    pane.resize(*size)
    try:
        yield pane
    finally:
        pane.shutdown()
        pane.close()


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    app = QApplication.instance()
    runtime.load_translations(app, code)
    try:
        yield
    finally:
        runtime.load_translations(app, "en")


def shot(widget, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    widget.grab().save(str(ARTIFACTS / f"{name}.png"))


def live(tile: VideoTile, frames: int = 3) -> bool:
    status = tile.status
    return status is not None and status.state is StreamState.LIVE and tile.frames_painted >= frames


def painted(tile: VideoTile, bar: str) -> tuple[int, int, int]:
    """The colour the tile painted at the middle of a colour bar of the test picture."""
    frame = tile.frame
    assert frame is not None
    height, width = frame.image.shape[:2]
    area = fit(width, height, QRectF(tile.rect()))
    b = BARS[bar]
    x = area.x() + (b.x0 + b.x1) / 2 * area.width()
    y = area.y() + (b.y0 + b.y1) / 2 * area.height()
    colour = tile.grab().toImage().pixelColor(int(x), int(y))
    return colour.red(), colour.green(), colour.blue()


def near(got: tuple[int, int, int], want: tuple[int, int, int], tolerance: int = 60) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


def test_two_live_cameras_in_a_4_grid_in_chinese(qtbot):
    cameras = [sim("CAM-1", "cam1"), sim("CAM-2", "cam2", username="admin", password=PASSWORD)]
    with serve_in_thread(cameras) as server, language("zh_CN"):
        urls = {"CAM-1": server.url("CAM-1"), "CAM-2": server.url("CAM-2", "admin", PASSWORD)}
        with pane_on(qtbot, urls) as pane:
            pane.restore_layout_state("")  # the default: the site's first cameras
            pane.list_action.setChecked(True)
            pane.grid.put(2, None)
            pane.grid.put(3, None)
            pane.show()
            one, two = pane.grid.tiles[:2]
            qtbot.waitUntil(lambda: live(one) and live(two), timeout=20_000)
            for tile in (one, two):
                assert near(painted(tile, "red"), BARS["red"].rgb), painted(tile, "red")
                assert near(painted(tile, "blue"), BARS["blue"].rgb), painted(tile, "blue")
                assert near(painted(tile, "green"), BARS["green"].rgb), painted(tile, "green")
            seen = one.frames_painted
            qtbot.waitUntil(lambda: one.frames_painted >= seen + 5, timeout=10_000)  # the picture moves
            assert one.status_text().startswith("实时 · 320×240 ·")
            assert server.viewers("CAM-1") == 1 and server.viewers("CAM-2") == 1
            # The password is nowhere a person could read it.
            for tile in (one, two):
                assert PASSWORD not in tile.toolTip() + tile.status_text() + tile.windowTitle()
            assert PASSWORD not in pane.layout_state()
            qtbot.wait(300)
            shot(pane, "video-pane-4-grid-zh")


def test_wrong_credentials_a_refused_port_and_an_unknown_address_in_words(qtbot):
    cameras = [sim("CAM-1", "cam1", username="admin", password=PASSWORD)]
    with serve_in_thread(cameras) as server:
        refused = f"rtsp://127.0.0.1:{_closed_port()}/cam"
        urls = {"CAM-1": server.url("CAM-1", "admin", "wrong"), "CAM-2": refused}  # CAM-3: not known
        with language("zh_CN"), pane_on(qtbot, urls) as pane:
            pane.restore_layout_state("")
            pane.show()
            auth, gone, unknown, _ = pane.grid.tiles[:4]

            def says(tile: VideoTile, state: StreamState) -> bool:
                return tile.status is not None and tile.status.state is state

            qtbot.waitUntil(lambda: says(auth, StreamState.AUTH_FAILED), timeout=20_000)
            qtbot.waitUntil(lambda: says(gone, StreamState.NO_SIGNAL), timeout=20_000)
            qtbot.waitUntil(lambda: unknown.status_lines()[:1] == ["无法获得摄像机地址"], timeout=10_000)
            assert auth.status_lines()[0] == "认证失败（用户名或密码错误）"
            assert gone.status_lines()[0] == "无信号"
            assert gone.status_lines()[-1].endswith(("秒后重试", "正在重新连接…"))
            assert "wrong" not in auth.status_text() and "CAM-3" in unknown.status_lines()[1]
            assert auth.frame is None and gone.frame is None
            qtbot.wait(300)
            shot(pane, "video-pane-states-zh")
        with language("en"), pane_on(qtbot, urls, size=(800, 300)) as pane:
            pane.set_grid_size(1)
            pane.grid.put(0, "CAM-1")
            pane.show()
            tile = pane.grid.tiles[0]
            qtbot.waitUntil(lambda: tile.status is not None and tile.status.state is StreamState.AUTH_FAILED,
                            timeout=20_000)  # fmt: skip
            assert tile.status_lines()[0] == "authentication failed (wrong user name or password)"
            shot(pane, "video-pane-auth-failed-en")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed when the block ends: nothing listens there


def test_snapshot_to_file_and_clipboard_is_the_full_picture(qtbot, tmp_path, monkeypatch):
    with (serve_in_thread([sim("CAM-1", "cam1", width=640, height=480)]) as server,
          pane_on(qtbot, {"CAM-1": server.url("CAM-1")}, size=(600, 380)) as pane):
            pane.grid.put(0, "CAM-1")
            pane.show()
            tile = pane.grid.tiles[0]
            qtbot.waitUntil(lambda: live(tile), timeout=20_000)
            assert tile.frame is not None and tile.frame.image.shape[1] < 640  # the tile's copy is scaled

            asked: list[str] = []

            def ask(parent, suggested: str) -> str:
                asked.append(suggested)
                return str(tmp_path / "快照" / suggested) if len(asked) == 1 else str(tmp_path / "door.jpg")

            (tmp_path / "快照").mkdir()
            monkeypatch.setattr(snapshot, "ask_path", ask)
            with qtbot.waitSignal(pane.grid.snapshots.saved, timeout=10_000) as saved:
                path = pane.grid.snapshot_to_file(0)
            assert saved.args[0] == path and asked[0].startswith("CAM-1_") and asked[0].endswith(".png")
            picture = cv2.imdecode(_bytes(Path(path)), cv2.IMREAD_COLOR)  # non-ASCII folder: decode the bytes
            assert picture.shape == (480, 640, 3)
            b = BARS["red"]
            x, y = b.centre(640, 480)
            assert near(tuple(int(v) for v in picture[y, x][::-1]), b.rgb)
            with qtbot.waitSignal(pane.grid.snapshots.saved, timeout=10_000):
                pane.grid.snapshot_to_file(0)
            assert cv2.imread(str(tmp_path / "door.jpg")).shape == (480, 640, 3)

            monkeypatch.setattr(snapshot, "ask_path", lambda parent, suggested: "")  # cancelled
            assert pane.grid.snapshot_to_file(0) == ""

            assert pane.grid.snapshot_to_clipboard(0)
            image = QGuiApplication.clipboard().image()
            assert (image.width(), image.height()) == (640, 480)
            colour = image.pixelColor(x, y)
            assert near((colour.red(), colour.green(), colour.blue()), b.rgb)


def _bytes(path: Path):
    import numpy as np

    return np.frombuffer(path.read_bytes(), dtype=np.uint8)


def test_full_screen_by_double_click_and_back_with_esc(qtbot):
    with (serve_in_thread([sim("CAM-1", "cam1", width=640, height=480)]) as server,
          pane_on(qtbot, {"CAM-1": server.url("CAM-1")}, size=(600, 380)) as pane):
            pane.grid.put(0, "CAM-1")
            pane.show()
            tile = pane.grid.tiles[0]
            qtbot.waitUntil(lambda: live(tile), timeout=20_000)
            small = tile.frame.image.shape
            qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
            view = pane.grid.full_screen_view
            assert view is not None and view.isVisible() and view.windowState() & Qt.WindowState.WindowFullScreen
            assert view.windowTitle() == "HV room camera"
            # The stream now sends pictures for the screen (no larger than the camera's).
            qtbot.waitUntil(lambda: tile.frame.image.shape == (480, 640, 3), timeout=10_000)
            qtbot.wait(200)
            shot(view, "video-full-screen")
            assert server.viewers("CAM-1") == 1  # the same stream, not a second connection
            # The pane out of sight (its dock tabbed away on the other monitor): the full-screen view goes on.
            pane.set_on_screen(False)
            seen = tile.frames_painted
            qtbot.waitUntil(lambda: tile.frames_painted >= seen + 3, timeout=10_000)
            assert tile.stream is not None
            pane.set_on_screen(True)
            with qtbot.waitSignal(view.closed):
                qtbot.keyClick(view, Qt.Key.Key_Escape)
            assert pane.grid.full_screen_view is None
            qtbot.waitUntil(lambda: tile.frame.image.shape == small, timeout=10_000)

            # Double-click in the full-screen view returns too; the menu's action opens it.
            view = pane.grid.full_screen(0)
            assert view is not None
            pane.hide()  # out of sight, but shown full screen: still decoding
            assert tile.stream is not None
            with qtbot.waitSignal(view.closed):
                qtbot.mouseDClick(view, Qt.MouseButton.LeftButton)
            assert tile.stream is None  # neither the view nor the tile is seen now
            qtbot.waitUntil(lambda: server.viewers("CAM-1") == 0, timeout=10_000)


def test_hidden_tiles_stop_decoding_and_start_again_when_shown(qtbot):
    with serve_in_thread([sim("CAM-1", "cam1"), sim("CAM-2", "cam2")]) as server:
        urls = {"CAM-1": server.url("CAM-1"), "CAM-2": server.url("CAM-2")}
        with pane_on(qtbot, urls) as pane:
            window = QMainWindow()
            qtbot.addWidget(window)
            video = QDockWidget("video", window)
            video.setObjectName("dock-video")
            video.setWidget(pane)
            other = QDockWidget("log", window)
            other.setObjectName("dock-log")
            other.setWidget(QLabel("log"))
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, video)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, other)
            window.tabifyDockWidget(video, other)
            pane.follow(video)
            pane.grid.put(0, "CAM-1")
            pane.grid.put(1, "CAM-2")
            window.resize(1000, 700)
            window.show()
            video.raise_()
            one, two = pane.grid.tiles[:2]
            qtbot.waitUntil(lambda: live(one) and live(two), timeout=20_000)
            first = one.stream
            assert first is not None and first.running

            other.raise_()  # the video dock tabbed away
            qtbot.waitUntil(lambda: one.stream is None and two.stream is None, timeout=5_000)
            assert not first.running
            qtbot.waitUntil(lambda: server.viewers("CAM-1") == 0 and server.viewers("CAM-2") == 0, timeout=10_000)
            qtbot.waitUntil(lambda: not server.encoding("CAM-1"), timeout=10_000)

            video.raise_()  # back in front: decoding again
            seen = one.frames_painted
            qtbot.waitUntil(lambda: one.stream is not None and live(one, seen + 2), timeout=20_000)
            assert one.stream is not first

            pane.set_grid_size(1)  # cell 2 is hidden: its stream stops, its camera stays
            qtbot.waitUntil(lambda: server.viewers("CAM-2") == 0, timeout=10_000)
            assert two.stream is None and two.camera is not None and one.stream is not None

            video.close()  # the dock closed
            qtbot.waitUntil(lambda: server.viewers("CAM-1") == 0, timeout=10_000)
            assert one.stream is None


def test_a_restarted_camera_is_shown_again(qtbot):
    port = _closed_port()
    with pane_on(qtbot, {"CAM-1": f"rtsp://127.0.0.1:{port}/cam1"}) as pane:
        pane.set_grid_size(1)
        pane.grid.put(0, "CAM-1")
        pane.show()
        tile = pane.grid.tiles[0]
        with serve_in_thread([sim("CAM-1", "cam1")], port=port):
            qtbot.waitUntil(lambda: live(tile), timeout=20_000)
        # The camera went away: said in words, with the next attempt counting down.
        qtbot.waitUntil(lambda: tile.status.state in (StreamState.ENDED, StreamState.NO_SIGNAL), timeout=20_000)
        qtbot.waitUntil(lambda: tile.status_lines()[-1].startswith(("Retrying in", "Reconnecting")), timeout=10_000)
        shot(pane, "video-camera-gone-en")
        with serve_in_thread([sim("CAM-1", "cam1")], port=port):
            seen = tile.frames_painted
            qtbot.waitUntil(lambda: live(tile) and tile.frames_painted > seen, timeout=30_000)


def test_an_address_that_failed_is_asked_for_again(qtbot, monkeypatch):
    monkeypatch.setattr(tile_module, "URL_RETRY_S", 0.3)
    with serve_in_thread([sim("CAM-1", "cam1")]) as server:
        urls: dict[str, str] = {}  # the source cannot give it yet (a cloud reconnecting, a variable unset)
        with pane_on(qtbot, urls) as pane:
            pane.set_grid_size(1)
            pane.grid.put(0, "CAM-1")
            pane.show()
            tile = pane.grid.tiles[0]
            qtbot.waitUntil(lambda: tile.status_lines()[:1] == ["Camera address unknown"], timeout=10_000)
            urls["CAM-1"] = server.url("CAM-1")
            qtbot.waitUntil(lambda: live(tile), timeout=20_000)
