"""Simplified Chinese of the cameras linked to alarms: the camera popup, snapshot marks and viewer (issue 8).

Merged into `fill_zh.ZH`; kept apart so each part of the console keeps its own table.
"""

from __future__ import annotations

ZH_SNAPSHOTS: dict[tuple[str, str], str] = {
    ("AlarmCameraPopup", "%1 alarm: %2"): "%1报警：%2",
    ("AlarmTableModel", "Snapshot"): "快照",
    ("AlarmList", "View snapshot"): "查看快照",
    ("AlarmSnapshots", "Snapshot from %1 (double-click to view)"): "%1 拍摄的快照（双击查看）",
    ("AlarmSnapshots", "No snapshot from %1: %2"): "%1 没有快照：%2",
    ("AlarmConsole", "Alarm %1 has no snapshot."): "报警 %1 没有快照。",
    ("AlarmConsole", "Snapshot of alarm %1"): "报警 %1 的快照",
    ("AlarmConsole", "Could not open the snapshot: %1"): "无法打开快照：%1",
    ("SnapshotView", "Save the alarm snapshot"): "保存报警快照",
    ("SnapshotView", "JPEG images (*.jpg *.jpeg)"): "JPEG 图片 (*.jpg *.jpeg)",
    ("SnapshotView", "Alarm snapshot"): "报警快照",
    ("SnapshotView", "Save as file…"): "另存为文件…",
    ("SnapshotView", "No snapshot was taken for this alarm."): "此报警没有拍摄快照。",
    ("SnapshotView", "%1 — taken %2"): "%1 — 拍摄于 %2",
    ("SnapshotView", "No snapshot: %1"): "无快照：%1",
    ("SnapshotView", "Loading the snapshot…"): "正在载入快照…",
    ("SnapshotView", "The snapshot could not be read as a picture."): "快照无法作为图片读取。",
    ("SnapshotView", "%1 — taken %2 — %3 × %4"): "%1 — 拍摄于 %2 — %3 × %4",
    ("SnapshotView", "The snapshot could not be loaded: %1"): "无法载入快照：%1",
    ("SnapshotView", "The snapshot could not be saved: %1"): "无法保存快照：%1",
    ("SnapshotView", "Saved to %1"): "已保存到 %1",
}
