"""Simplified Chinese of the video pane: tiles, grid, camera list, snapshots (issue 8).

Merged into `fill_zh.ZH`; kept apart so each part of the console keeps its own table.
"""

from __future__ import annotations

ZH_VIDEO: dict[tuple[str, str], str] = {
    ("VideoTile", "Camera address unknown"): "无法获得摄像机地址",
    ("VideoTile", "Retrying in %1 s"): "%1 秒后重试",
    ("VideoTile", "Reconnecting…"): "正在重新连接…",
    ("VideoTile", "Drag a camera here"): "将摄像机拖到这里",
    ("VideoGrid", "Snapshot saved: %1"): "快照已保存：%1",
    ("VideoGrid", "No picture to save yet."): "还没有可保存的画面。",
    ("VideoGrid", "No picture to copy yet."): "还没有可复制的画面。",
    ("VideoGrid", "Snapshot copied to the clipboard."): "快照已复制到剪贴板。",
    ("VideoGrid", "Choose camera"): "选择摄像机",
    ("VideoGrid", "Clear"): "清空",
    ("VideoGrid", "Snapshot to file…"): "快照保存到文件…",
    ("VideoGrid", "Copy snapshot"): "复制快照",
    ("VideoGrid", "Full screen"): "全屏",
    ("VideoPane", "1 camera"): "1 画面",
    ("VideoPane", "4 cameras"): "4 画面",
    ("VideoPane", "9 cameras"): "9 画面",
    ("VideoPane", "Camera list"): "摄像机列表",
    ("VideoPane", "Show or hide the list of cameras"): "显示或隐藏摄像机列表",
    ("VideoPane", "This site has no camera %1."): "本站没有摄像机 %1。",
    ("CameraList", "Drag onto a cell of the grid, or double-click to show it"): "拖到画面格中，或双击显示",
    ("Snapshot", "Save snapshot"): "保存快照",
    ("Snapshot", "Images (*.png *.jpg *.jpeg)"): "图片 (*.png *.jpg *.jpeg)",
    ("Snapshot", "The snapshot could not be saved: %1"): "快照无法保存：%1",
    ("MainWindow", "Video"): "视频监控",
    ("MainWindow", "This site has no camera %1."): "本站没有摄像机 %1。",
}
