"""The faceplate's cameras: linked to the device first, then to its room, then those standing in it.

"Show camera" emits the chosen camera's id (the main window hands it to the video pane).  On the
bench's synthetic plant (no source needed: the bridge is never started).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.diagram.symbols import load_library
from app.sources.base import CameraInfo, DeviceInfo, SiteModel
from tests.bench.diagram import build_plant, by_name
from widgets.bridge import SourceBridge
from widgets.topology.faceplate import Faceplate


def test_linked_cameras_come_first_and_show_camera_names_the_chosen_one(qtbot):
    diagram = build_plant(load_library(), sections=2, feeders=3)
    qf = by_name(diagram)["QF-F1-1"]
    diagram.edit(qf.uuid, device="F1-1")
    qf = diagram.items[qf.uuid]
    cameras = [
        CameraInfo("CAM-STAND", "低压室全景", "LV room overview", room="LV"),
        CameraInfo("CAM-HV", "高压室", "HV room", room="HV", rooms=("HV",)),
        CameraInfo("CAM-ROOM", "低压室门口", "LV room door", room="LV", rooms=("LV",)),
        CameraInfo("CAM-DEV", "出线柜", "Feeder panel", room=None, devices=(qf.device,)),
    ]
    site = SiteModel("plant", "plant", "Asia/Shanghai", [], [],
                     [DeviceInfo(qf.device, "1号出线", "meter", "GW", "LV", "ok")], [], cameras=cameras)
    bridge = SourceBridge(lambda: None)  # never started: every request is answered with an error
    plate = Faceplate(bridge, diagram, qf.uuid, site)
    qtbot.addWidget(plate)
    assert [c.id for c in plate.cameras] == ["CAM-DEV", "CAM-ROOM", "CAM-STAND"]
    assert plate.camera_button.isEnabled()
    with qtbot.waitSignal(plate.show_camera, check_params_cb=lambda c: c == "CAM-DEV"):
        qtbot.mouseClick(plate.camera_button, Qt.MouseButton.LeftButton)
    plate.camera_list.setCurrentRow(1)
    with qtbot.waitSignal(plate.show_camera, check_params_cb=lambda c: c == "CAM-ROOM"):
        qtbot.mouseClick(plate.camera_button, Qt.MouseButton.LeftButton)
