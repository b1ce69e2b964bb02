"""Fill resources/i18n/switchroom_zh_CN.ts with the Simplified Chinese the console ships.

Workflow after changing user-visible strings:
    pyside6-lupdate widgets/*.py widgets/*/*.py -ts resources/i18n/switchroom_zh_CN.ts
    python resources/i18n/fill_zh.py        # translations below; reports strings still missing
    pyside6-lrelease resources/i18n/switchroom_zh_CN.ts -qm resources/i18n/switchroom_zh_CN.qm
The table is keyed by (context, English source); a new string needs its line here.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ZH: dict[tuple[str, str], str] = {
    ("DeviceBrowser", "Filter by id, Chinese or English name"): "按编号、中文或英文名称筛选",
    ("DeviceBrowser", "Show only problems"): "只看异常",
    ("DeviceTreeModel", "Name"): "名称",
    ("DeviceTreeModel", "Value"): "数值",
    ("DeviceTreeModel", "Unit"): "单位",
    ("DeviceTreeModel", "Quality"): "质量",
    ("DeviceTreeModel", "Last update"): "最后更新",
    ("DeviceTreeModel", "Calculated points"): "计算点",
    ("DeviceTreeModel", "good"): "正常",
    ("DeviceTreeModel", "stale"): "数据陈旧",
    ("DeviceTreeModel", "comm fail"): "通讯中断",
    ("DeviceTreeModel", "bad value"): "数值异常",
    ("DeviceTreeModel", "online"): "在线",
    ("DeviceTreeModel", "offline"): "离线",
    ("DeviceTreeModel", "ok"): "正常",
    ("DeviceTreeModel", "no data yet"): "尚无数据",
    ("Launch", "The site file cannot be used:"): "站点文件无法使用：",
    ("LogTable", "Time"): "时间",
    ("LogTable", "Level"): "级别",
    ("LogTable", "Logger"): "来源",
    ("LogTable", "Message"): "消息",
    ("LogView", "Debug"): "调试",
    ("LogView", "Info"): "信息",
    ("LogView", "Warning"): "警告",
    ("LogView", "Error"): "错误",
    ("LogView", "Critical"): "严重",
    ("LogView", "Lowest level:"): "最低级别：",
    ("LogView", "Filter by logger or message"): "按来源或消息筛选",
    ("LogView", "Clear"): "清空",
    ("MainWindow", "No active alarms"): "无活动报警",
    ("MainWindow", "Active alarms: %n"): "活动报警：%n 条",
    ("MainWindow", "SwitchRoom"): "SwitchRoom 配电房监控",
    ("MainWindow", "Log"): "日志",
    ("MainWindow", "Source: starting…"): "数据源：启动中…",
    ("MainWindow", "Gateways: –"): "网关：–",
    ("MainWindow", "Database: –"): "数据库：–",
    ("MainWindow", "Not logged in"): "未登录",
    ("MainWindow", "&File"): "文件(&F)",
    ("MainWindow", "&Quit"): "退出(&Q)",
    ("MainWindow", "&View"): "视图(&V)",
    ("MainWindow", "&Full screen"): "全屏(&F)",
    ("MainWindow", "&Reset layout"): "恢复默认布局(&R)",
    ("MainWindow", "&Theme"): "主题(&T)",
    ("MainWindow", "Light"): "浅色",
    ("MainWindow", "Dark"): "深色",
    ("MainWindow", "&Language"): "语言(&L)",
    ("MainWindow", "&Tools"): "工具(&T)",
    ("MainWindow", "New &trend"): "新建趋势(&T)",
    ("MainWindow", "Main"): "主工具栏",
    ("MainWindow", "SwitchRoom — %1"): "SwitchRoom — %1",
    ("MainWindow", "Devices"): "设备",
    ("MainWindow", "direct"): "直连",
    ("MainWindow", "cloud"): "云端",
    ("MainWindow", "Source: %1"): "数据源：%1",
    ("MainWindow", "Gateways online: %1/%2"): "网关在线：%1/%2",
    ("MainWindow", "Database: %1"): "数据库：%1",
    ("MainWindow", "OK"): "正常",
    ("MainWindow", "Trend %1"): "趋势 %1",
    ("MainWindow", "&Save trend as set…"): "保存趋势组(&S)…",
    ("MainWindow", "&Open trend set"): "打开趋势组(&O)",
    ("MainWindow", "Save trend set"): "保存趋势组",
    ("MainWindow", "Name of the set:"): "趋势组名称：",
    ("MainWindow", "The change takes effect when the console restarts."): "更改将在监控软件重新启动后生效。",
    ("OverviewView", "Incoming power (kW)"): "进线功率 (kW)",
    ("OverviewView", "Gateways online"): "网关在线",
    ("OverviewView", "Devices answering / silent / no data"): "设备 应答/无应答/无数据",
    ("OverviewView", "Active alarms"): "活动报警",
    ("OverviewView", "Level %1"): "%1 级",
    ("OverviewView", "%1: power (kW)"): "%1：功率 (kW)",
    ("OverviewView", "Room temperature (°C)"): "室内温度 (°C)",
    ("OverviewView", "Humidity (%RH)"): "湿度 (%RH)",
    ("OverviewView", "Smoke detector"): "烟雾探测",
    ("OverviewView", "Water leak"): "水浸",
    ("OverviewView", "Door"): "门磁",
    ("OverviewView", "Intrusion detector"): "红外入侵",
    ("OverviewView", "Load rate (%)"): "负载率 (%)",
    ("OverviewView", "Apparent power (kVA)"): "视在功率 (kVA)",
    ("OverviewView", "Winding %1 (°C)"): "%1 相绕组 (°C)",
    ("OverviewView", "%1: energy since %2 (kWh)"): "%1：%2 以来电量 (kWh)",
    ("OverviewView", "Energy since %1 (kWh)"): "%1 以来电量 (kWh)",
    ("OverviewView", "%1: today's energy (kWh)"): "%1：今日电量 (kWh)",
    ("OverviewView", "Today's energy (kWh)"): "今日电量 (kWh)",
    ("OverviewView", "Tripped on temperature"): "超温跳闸",
    ("OverviewView", "Over-temperature alarm"): "超温报警",
    ("OverviewView", "No data"): "无数据",
    ("OverviewView", "Overloaded"): "过负荷",
    ("OverviewView", "High load or temperature"): "负荷或温度偏高",
    ("OverviewView", "Normal"): "正常",
    ("OverviewView", "Clear"): "正常",
    ("OverviewView", "Smoke!"): "烟雾报警！",
    ("OverviewView", "Dry"): "无水",
    ("OverviewView", "Water leak!"): "水浸报警！",
    ("OverviewView", "Closed"): "关闭",
    ("OverviewView", "Open"): "打开",
    ("OverviewView", "Intrusion!"): "入侵报警！",
    ("OverviewView", "Gateways online: %1 of %2 · devices answering: %3 of %4"): "网关在线：%1/%2 · 设备应答：%3/%4",
    ("OverviewView", "Data source not running"): "数据源未运行",
    ("OverviewView", "Database: %1"): "数据库：%1",
    ("OverviewView", "Data source running"): "数据源运行中",
    ("PenTable", "Pen"): "曲线",
    ("PenTable", "Unit"): "单位",
    ("PenTable", "Cursor"): "光标值",
    ("PenTable", "Min"): "最小",
    ("PenTable", "Max"): "最大",
    ("PenTable", "Avg"): "平均",
    ("PenTable", "stale"): "数据陈旧",
    ("PenTable", "no communication"): "通讯中断",
    ("PenTable", "bad value"): "数值异常",
    ("PenTable", "{value} ({quality})"): "{value}（{quality}）",
    ("PenTable", "Own axis"): "独立坐标轴",
    ("PenTable", "Remove pen"): "移除曲线",
    ("RangeDialog", "Time range"): "时间范围",
    ("RangeDialog", "From"): "从",
    ("RangeDialog", "To"): "到",
    ("RangeDialog", "The end must be after the start."): "结束时间必须晚于开始时间。",
    ("SourceBridge", "A request to the data source failed: {0}"): "向数据源的请求失败：{0}",
    ("SourceBridge", "The data source could not start: {0}"): "数据源无法启动：{0}",
    ("SourceBridge", "The data source stopped working: {0}"): "数据源停止工作：{0}",
    ("TrendView", "Live"): "实时",
    ("TrendView", "Last hour"): "最近 1 小时",
    ("TrendView", "Last day"): "最近 1 天",
    ("TrendView", "Last week"): "最近 1 周",
    ("TrendView", "Custom…"): "自定义…",
    ("TrendView", "Export CSV…"): "导出 CSV…",
    ("TrendView", "Export PNG…"): "导出 PNG…",
    ("TrendView", "Export visible data"): "导出可见数据",
    ("TrendView", "CSV (*.csv)"): "CSV 文件 (*.csv)",
    ("TrendView", "Export plot"): "导出曲线图",
    ("TrendView", "PNG image (*.png)"): "PNG 图像 (*.png)",
    ("TrendView", "Saved {path}"): "已保存 {path}",
    ("TrendView", "There is no point {point} on this site."): "本站点没有测点 {point}。",
    ("TrendView", "A trend holds at most {n} pens."): "一个趋势最多 {n} 条曲线。",
    ("TrendView", "The end of the range must be after its start."): "结束时间必须晚于开始时间。",
    ("TrendView", "The history of {point} could not be read: {error}"): "无法读取 {point} 的历史数据：{error}",
    ("TrendView", "Cursor: {time}"): "光标：{time}",
    ("TrendView", "Cannot write the image {path}."): "无法写入图像 {path}。",
    ("TrendView", "Not on this site: {points}"): "不属于本站点：{points}",
    ("_CrashReport", "SwitchRoom: unexpected error"): "SwitchRoom：意外错误",
    ("_CrashReport", "An unexpected error happened. It was written to the log; the console keeps running."):
        "发生了意外错误，已写入日志；监控软件继续运行。",
    ("_CrashReport", "{0}\n(in the thread {1})"): "{0}\n（线程 {1}）",
}


def fill(ts: Path) -> list[tuple[str, str]]:
    """Write the translations into ``ts``; return the (context, source) pairs still untranslated."""
    tree = ET.parse(ts)
    missing = []
    for context in tree.getroot():
        name = context.findtext("name") or ""
        for message in context.findall("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            zh = ZH.get((name, source))
            if zh is None:
                missing.append((name, source))
                continue
            translation.attrib.pop("type", None)
            if message.get("numerus") == "yes":
                translation.text = None
                for form in list(translation):
                    translation.remove(form)
                ET.SubElement(translation, "numerusform").text = zh
            else:
                translation.text = zh
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    left = fill(Path(__file__).with_name("switchroom_zh_CN.ts"))
    for name, source in left:
        print(f"untranslated: {name}: {source!r}")
    sys.exit(1 if left else 0)
