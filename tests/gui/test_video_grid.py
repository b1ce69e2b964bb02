"""The video grid without a camera: drops, 1/4/9 cells, the layout saved and restored, show_camera.

The pane is never shown here, so no tile starts a stream: what is tested is where cameras go.
Live pictures are tests/gui/test_video_pane.py's.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt

pytest.importorskip("app.video.stream", reason="app/video/stream.py (the CameraStream) is not there yet")

from app.sources.base import CameraInfo, DeviceInfo, GatewayInfo, RoomInfo, SiteModel
from widgets import settings
from widgets.devices import DEVICES_MIME, POINTS_MIME, DeviceTreeModel
from widgets.video import CAMERA_MIME
from widgets.video.camera_list import camera_mime
from widgets.video.pane import VideoPane

CAMERAS = [
    CameraInfo("CAM-1", "高压室摄像机", "HV room camera", "HV", ("HV-IN", "REV-1")),
    CameraInfo("CAM-2", "低压配电室摄像机", "LV room camera", "LV", ("T1-LV-IN", "BUS-TIE")),
    CameraInfo("CAM-3", "变压器室摄像机", "Transformer room camera", "TR", ("T1-LV-IN",)),
]


def never(camera_id, on_done, on_error):
    raise AssertionError(f"a hidden pane asked for the address of {camera_id}")


@pytest.fixture
def pane(qtbot):
    made = VideoPane(CAMERAS, never)
    qtbot.addWidget(made)
    yield made
    made.shutdown()


def cells(pane: VideoPane) -> list[str | None]:
    return [t.camera.id if t.camera else None for t in pane.grid.tiles]


def test_drop_a_camera_or_a_device_on_a_cell(pane):
    assert pane.grid.drop(2, camera_mime("CAM-2"))
    assert cells(pane)[2] == "CAM-2"

    # A device from the device browser: its first linked camera.
    mime = QMimeData()
    mime.setData(DEVICES_MIME, QByteArray(b"T1-LV-IN"))
    assert pane.grid.drop(0, mime)
    assert cells(pane)[0] == "CAM-2"
    mime.setData(DEVICES_MIME, QByteArray(b"REV-1"))
    assert pane.grid.drop(0, mime)
    assert cells(pane)[0] == "CAM-1"

    # What is not a known camera is refused and changes nothing.
    for fmt, data in ((CAMERA_MIME, b"CAM-9"), (DEVICES_MIME, b"ENV-1"), (POINTS_MIME, b"T1-LV-IN.Ia")):
        other = QMimeData()
        other.setData(fmt, QByteArray(data))
        assert not pane.grid.drop(1, other)
    assert cells(pane)[:4] == ["CAM-1", None, "CAM-2", None]


def test_the_camera_list_drags_a_camera_id(pane):
    items = [pane.camera_list.item(i) for i in range(pane.camera_list.count())]
    assert [i.text() for i in items] == ["HV room camera (CAM-1)", "LV room camera (CAM-2)",
                                         "Transformer room camera (CAM-3)"]
    mime = pane.camera_list.mimeData([items[2]])
    assert bytes(mime.data(CAMERA_MIME).data()) == b"CAM-3"


def test_the_device_browser_drags_the_devices_a_camera_watches():
    devices = [DeviceInfo("T1-LV-IN", "1#主变低压进线", "meter", "DTU-1", "LV", "ok"),
               DeviceInfo("ENV-1", "环境", "env", "DTU-1", "LV", "ok")]  # fmt: skip
    gateway = GatewayInfo("DTU-1", "DTU-1", "dtu", "online", None, "LV")
    site = SiteModel(name="s", name_en="s", timezone="Asia/Shanghai", rooms=[RoomInfo("LV", "低压室", "LV room")],
                     gateways=[gateway], devices=devices, points=[], cameras=CAMERAS)  # fmt: skip
    model = DeviceTreeModel(site)
    watched, unwatched = (model.index_of(model.devices[d]) for d in ("T1-LV-IN", "ENV-1"))
    assert model.flags(watched) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(unwatched) & Qt.ItemFlag.ItemIsDragEnabled
    mime = model.mimeData([watched, unwatched])
    assert bytes(mime.data(DEVICES_MIME).data()) == b"T1-LV-IN"
    assert not mime.hasFormat(POINTS_MIME)  # a trend takes nothing from it


def test_grid_of_1_4_9_cells_keeps_the_cameras_of_hidden_cells(pane):
    assert pane.grid.size == 4 and pane._size_actions[4].isChecked()
    for cell in range(9):
        pane.grid.put(cell, CAMERAS[cell % 3].id)
    pane.set_grid_size(9)
    assert len(pane.grid.visible_tiles()) == 9 and pane._size_actions[9].isChecked()
    pane._size_actions[1].trigger()  # the toolbar's button
    assert pane.grid.size == 1
    assert [t.isVisibleTo(pane) for t in pane.grid.tiles] == [True] + [False] * 8
    assert cells(pane)[8] == "CAM-3"  # kept, hidden, not decoding
    pane.set_grid_size(4)
    assert [t.isVisibleTo(pane) for t in pane.grid.tiles] == [True] * 4 + [False] * 5
    with pytest.raises(ValueError, match="1, 4 or 9"):
        pane.set_grid_size(6)


def test_layout_saved_and_restored_through_the_settings(qtbot, pane, tmp_path):
    settings.use_file(tmp_path / "settings.ini")
    try:
        pane.set_grid_size(9)
        pane.grid.put(4, "CAM-3")
        pane.grid.put(8, "CAM-1")
        pane.list_action.setChecked(False)
        settings.set_value(settings.VIDEO_LAYOUT, pane.layout_state())

        again = VideoPane(CAMERAS, never)
        qtbot.addWidget(again)
        again.restore_layout_state(settings.value(settings.VIDEO_LAYOUT))
        assert again.grid.size == 9
        assert cells(again) == cells(pane)
        assert not again.list_action.isChecked()
        again.shutdown()
    finally:
        settings.use_file(None)


def test_a_missing_or_unreadable_layout_shows_the_sites_first_cameras(qtbot, pane):
    pane.restore_layout_state("")
    assert pane.grid.size == 4 and cells(pane)[:4] == ["CAM-1", "CAM-2", "CAM-3", None]
    assert not pane.list_action.isChecked()  # folded: the grid gets the dock's width
    pane.grid.put(0, None)
    pane.restore_layout_state("{not json")
    assert cells(pane)[0] == "CAM-1"
    # A camera the site no longer has is left out; the rest of the layout stays.
    pane.restore_layout_state(json.dumps({"size": 1, "cells": ["CAM-7", "CAM-2"]}))
    assert pane.grid.size == 1 and cells(pane)[:2] == [None, "CAM-2"]


def test_show_camera_takes_a_free_cell_then_cell_1_and_shows_the_reason(qtbot, pane):
    with qtbot.waitSignal(pane.raise_requested):
        tile = pane.show_camera("CAM-2", "1#主变 超温跳闸")
    assert tile is pane.grid.tiles[0] and tile.banner == "1#主变 超温跳闸"
    assert pane.show_camera("CAM-1") is pane.grid.tiles[1]
    assert pane.show_camera("CAM-2", "again") is pane.grid.tiles[0]  # where it is shown already
    assert pane.grid.tiles[0].banner == "again"
    pane.set_grid_size(1)
    assert pane.show_camera("CAM-3") is pane.grid.tiles[0]  # no free cell: cell 1
    assert cells(pane)[:2] == ["CAM-3", "CAM-1"]
    with qtbot.waitSignal(pane.message) as said:
        assert pane.show_camera("CAM-9") is None
    assert "CAM-9" in said.args[0]


def test_a_cells_menu(pane):
    pane.grid.put(1, "CAM-1")
    texts = {a.text(): a for a in pane.grid.menu_for(1).actions() if a.text()}
    assert set(texts) == {"Choose camera", "Clear", "Snapshot to file…", "Copy snapshot", "Full screen"}
    assert texts["Clear"].isEnabled() and texts["Full screen"].isEnabled()
    assert not texts["Copy snapshot"].isEnabled()  # no picture yet
    chooser = texts["Choose camera"].menu()
    chosen = [a for a in chooser.actions() if a.isChecked()]
    assert [a.text() for a in chosen] == ["HV room camera (CAM-1)"]
    chooser.actions()[2].trigger()
    assert cells(pane)[1] == "CAM-3"
    texts["Clear"].trigger()
    assert cells(pane)[1] is None
    empty = {a.text(): a for a in pane.grid.menu_for(1).actions() if a.text()}
    assert not empty["Clear"].isEnabled() and not empty["Full screen"].isEnabled()


def test_the_frame_pump_hands_frames_over_in_goes(qtbot):
    """Nine workers posting 25 times each: each is called back at most once a go, in far fewer goes than posts."""
    import threading

    from widgets.video.pump import FramePump

    pump = FramePump(rate_hz=20)
    calls = [0] * 9

    def callback(i: int):
        def run() -> None:
            calls[i] += 1

        return run

    def worker(i: int) -> None:
        for _ in range(25):
            pump.post(i, callback(i))
            threading.Event().wait(0.004)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    qtbot.waitUntil(lambda: not any(t.is_alive() for t in threads), timeout=10_000)
    qtbot.waitUntil(lambda: all(calls), timeout=5_000)
    qtbot.wait(200)
    assert all(1 <= n <= pump.deliveries for n in calls)
    assert pump.deliveries < 9 * 25 / 2  # gathered, not one go per frame
    pump.post(0, lambda: calls.__setitem__(0, -1))
    pump.forget(0)  # a stream let go: its post is dropped
    qtbot.wait(200)
    assert calls[0] != -1


def test_the_pane_follows_a_language_switch(qtbot, pane):
    from PySide6.QtWidgets import QApplication

    from widgets import runtime

    app = QApplication.instance()
    pane.grid.put(0, "CAM-1")
    try:
        runtime.load_translations(app, "zh_CN")
        qtbot.waitUntil(lambda: pane._size_actions[4].text() == "4 画面", timeout=5_000)
        assert pane.camera_list.item(0).text() == "高压室摄像机 (CAM-1)"
        assert pane.grid.tiles[0].camera.shown_name() == "高压室摄像机"
        assert pane.grid.tiles[0].toolTip() == "高压室摄像机 (CAM-1)"
        assert {a.text() for a in pane.grid.menu_for(0).actions() if a.text()} >= {"选择摄像机", "全屏"}
    finally:
        runtime.load_translations(app, "en")
    qtbot.waitUntil(lambda: pane._size_actions[4].text() == "4 cameras", timeout=5_000)
    assert pane.camera_list.item(0).text() == "HV room camera (CAM-1)"
