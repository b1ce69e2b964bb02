"""Excel export of an alarm list: what the operator sees, as a workbook a manager can filter and file.

One sheet: a title block (site, title, the period and filters shown, when and by whom it was
made), then a header row that stays frozen, one row per alarm or journal entry with real Excel
datetimes in the site's time zone, level cells coloured like the banner, columns sized to their
contents and an autofilter.  Lists of `EXPORT_STREAMING_ROWS` rows or more are written in
openpyxl's write-only mode, so memory stays flat for a year of journal.  Headers and words come
in Simplified Chinese or English (``lang``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .journal import JournalEntry
from .journal_db import BadJournalQuery
from .model import Alarm, AlarmState, Change, Level

EXPORT_STREAMING_ROWS = 10_000
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
EVENT_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss.000"  # journal rows: the order of events within a second matters
WIDTH_SAMPLE = 2000  # rows looked at to size the columns
MAX_WIDTH = 60

LEVEL_FILLS = {  # the banner's colours: 1 red, 2 orange, 3 yellow, 4 blue-grey
    Level.CRITICAL: "E53935",
    Level.MAJOR: "FB8C00",
    Level.MINOR: "FDD835",
    Level.NOTICE: "90A4AE",
}
LEVEL_WORDS = {
    "zh": {Level.CRITICAL: "紧急", Level.MAJOR: "重要", Level.MINOR: "次要", Level.NOTICE: "提示"},
    "en": {Level.CRITICAL: "critical", Level.MAJOR: "major", Level.MINOR: "minor", Level.NOTICE: "notice"},
}
STATE_WORDS = {
    "zh": {
        AlarmState.ACTIVE_UNACKED: "报警未确认", AlarmState.ACTIVE_ACKED: "报警已确认",
        AlarmState.CLEARED_UNACKED: "已恢复未确认", AlarmState.NORMAL: "已复归",
        AlarmState.SHELVED: "已搁置", AlarmState.SUPPRESSED: "已抑制",
    },
    "en": {
        AlarmState.ACTIVE_UNACKED: "active, unacknowledged", AlarmState.ACTIVE_ACKED: "active, acknowledged",
        AlarmState.CLEARED_UNACKED: "cleared, unacknowledged", AlarmState.NORMAL: "normal",
        AlarmState.SHELVED: "shelved", AlarmState.SUPPRESSED: "suppressed",
    },
}
CHANGE_WORDS = {
    "zh": {
        Change.RAISED: "发生", Change.ACKED: "确认", Change.CLEARED: "恢复", Change.NORMAL: "复归",
        Change.SHELVED: "搁置", Change.UNSHELVED: "取消搁置", Change.SUPPRESSED: "抑制",
        Change.UNSUPPRESSED: "取消抑制", Change.LEVEL: "级别变化",
    },
    "en": {
        Change.RAISED: "raised", Change.ACKED: "acknowledged", Change.CLEARED: "cleared", Change.NORMAL: "normal",
        Change.SHELVED: "shelved", Change.UNSHELVED: "unshelved", Change.SUPPRESSED: "suppressed",
        Change.UNSUPPRESSED: "unsuppressed", Change.LEVEL: "level changed",
    },
}
BLOCK_WORDS = {
    "zh": {"site": "站点", "filter": "范围/筛选", "generated": "生成时间", "by": "生成人", "rows": "条数",
           "sheet": "报警", "none": "全部"},
    "en": {"site": "Site", "filter": "Period / filter", "generated": "Generated", "by": "By", "rows": "Rows",
           "sheet": "Alarms", "none": "all"},
}

# (header zh, header en, value of a row, kind) — kind: "time", "event_time", "level", "text", "number"
Column = tuple[str, str, Callable[[Any, str], Any], str]

JOURNAL_COLUMNS: list[Column] = [
    ("时间", "Time", lambda e, _l: e.ts, "event_time"),
    ("级别", "Level", lambda e, _l: e.level, "level"),
    ("变化", "Change", lambda e, lang: CHANGE_WORDS[lang][e.change], "text"),
    ("状态", "State", lambda e, lang: STATE_WORDS[lang][e.state], "text"),
    ("报警内容", "Message", lambda e, lang: e.message_in(lang), "text"),
    ("测点", "Point", lambda e, _l: e.point, "text"),
    ("设备", "Device", lambda e, _l: e.device, "text"),
    ("配电室", "Room", lambda e, _l: e.room, "text"),
    ("数值", "Value", lambda e, _l: e.value, "number"),
    ("操作人", "User", lambda e, _l: e.user, "text"),
    ("备注", "Comment", lambda e, _l: e.comment, "text"),
    ("报警编号", "Alarm id", lambda e, _l: e.alarm_id, "number"),
    ("发生时间", "Raised", lambda e, _l: e.raised_at, "time"),
]
ALARM_COLUMNS: list[Column] = [
    ("发生时间", "Raised", lambda a, _l: a.raised_at, "time"),
    ("级别", "Level", lambda a, _l: a.level, "level"),
    ("状态", "State", lambda a, lang: STATE_WORDS[lang][a.state], "text"),
    ("报警内容", "Message", lambda a, lang: a.message if lang == "zh" else a.message_en, "text"),
    ("测点", "Point", lambda a, _l: a.point, "text"),
    ("设备", "Device", lambda a, _l: a.device, "text"),
    ("配电室", "Room", lambda a, _l: a.room, "text"),
    ("数值", "Value", lambda a, _l: a.value, "number"),
    ("确认时间", "Acknowledged", lambda a, _l: a.acked_at, "time"),
    ("确认人", "Acknowledged by", lambda a, _l: a.acked_by, "text"),
    ("确认备注", "Comment", lambda a, _l: a.ack_comment, "text"),
    ("恢复时间", "Cleared", lambda a, _l: a.cleared_at, "time"),
    ("搁置至", "Shelved until", lambda a, _l: a.shelved_until, "time"),
    ("报警编号", "Alarm id", lambda a, _l: a.id, "number"),
]


def export_alarms(
    path: str | Path,
    rows: Sequence[JournalEntry] | Sequence[Alarm],
    *,
    site_name: str,
    title: str,
    generated_by: str,
    lang: str = "zh",
    filters: str = "",
    tz: str | ZoneInfo = "Asia/Shanghai",
    generated_at: datetime | None = None,
    streaming: bool | None = None,
) -> Path:
    """Write ``rows`` (journal entries, or alarms of the active list; not mixed) to an .xlsx file.

    ``filters``: the period and filters the list showed, in words (the title block says it).
    ``tz``: the site's time zone.  ``streaming``: force write-only mode on or off (default: on
    from `EXPORT_STREAMING_ROWS` rows).  Returns the path written; `BadJournalQuery` in words
    for a bad language, time zone or row, `OSError` when the file cannot be written.
    """
    lang = "zh" if str(lang).lower().startswith("zh") else "en" if str(lang).lower().startswith("en") else ""
    if not lang:
        raise BadJournalQuery("the export language must be Chinese ('zh') or English ('en')")
    try:
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadJournalQuery(f"{tz!r} is not a time zone (e.g. 'Asia/Shanghai')") from None
    columns = _columns(rows)
    words = BLOCK_WORDS[lang]
    made = generated_at or datetime.now(UTC)
    made_local = made.astimezone(zone).replace(tzinfo=None) if made.tzinfo else made
    streaming = len(rows) >= EXPORT_STREAMING_ROWS if streaming is None else streaming

    wb = Workbook(write_only=streaming)
    ws = wb.create_sheet(words["sheet"]) if streaming else wb.active
    if not streaming:
        ws.title = words["sheet"]
    header_row = 8  # the title block (6 rows) and a blank row above it
    ws.freeze_panes = f"A{header_row + 1}"
    widths = _widths(rows, columns, lang, zone)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    last_col = get_column_letter(len(columns))
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{last_col}{header_row + len(rows)}"

    def cell(value: Any, *, font: Font | None = None, fill: PatternFill | None = None, fmt: str | None = None,
             align: Alignment | None = None) -> Any:
        formula_like = False
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            formula_like = value.startswith("=")  # text from the field is never run as a formula
        c = WriteOnlyCell(ws, value) if streaming else _Loose(value)
        if formula_like:
            c.data_type = "s"
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if fmt is not None:
            c.number_format = fmt
        if align is not None:
            c.alignment = align
        return c

    block = [
        [cell(title, font=Font(bold=True, size=14))],
        [cell(words["site"], font=Font(bold=True)), cell(site_name)],
        [cell(words["filter"], font=Font(bold=True)), cell(filters or words["none"])],
        [cell(words["generated"], font=Font(bold=True)), cell(made_local, fmt=TIME_FORMAT)],
        [cell(words["by"], font=Font(bold=True)), cell(generated_by)],
        [cell(words["rows"], font=Font(bold=True)), cell(len(rows))],
    ]
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    header = [cell(c[0] if lang == "zh" else c[1], font=Font(bold=True), fill=header_fill) for c in columns]
    fills = {lv: PatternFill("solid", fgColor=color) for lv, color in LEVEL_FILLS.items()}
    fonts = {lv: Font(bold=True, color="FFFFFF" if lv in (Level.CRITICAL, Level.MAJOR) else "000000")
             for lv in LEVEL_FILLS}
    center = Alignment(horizontal="center")
    level_words = LEVEL_WORDS[lang]

    def body() -> Iterator[list[Any]]:
        for row in rows:
            out = []
            for _zh, _en, get, kind in columns:
                v = get(row, lang)
                if kind in ("time", "event_time"):
                    out.append(cell(_local(v, zone), fmt=TIME_FORMAT if kind == "time" else EVENT_TIME_FORMAT))
                elif kind == "level":
                    lv = Level(v)
                    out.append(cell(f"{int(lv)} {level_words[lv]}", fill=fills[lv], font=fonts[lv], align=center))
                else:
                    out.append(cell(v))
            yield out

    if streaming:
        for line in [*block, []]:
            ws.append(line)
        ws.append(header)
        for line in body():
            ws.append(line)
    else:
        for r, line in enumerate([*block, [], header], start=1):
            for c, loose in enumerate(line, start=1):
                loose.put(ws.cell(r, c))
        for r, line in enumerate(body(), start=header_row + 1):
            for c, loose in enumerate(line, start=1):
                loose.put(ws.cell(r, c))
    target = Path(path)
    wb.save(target)
    return target


class _Loose:
    """A cell's value and style before it has a place (the normal-mode twin of WriteOnlyCell)."""

    __slots__ = ("alignment", "data_type", "fill", "font", "number_format", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.font = self.fill = self.number_format = self.alignment = self.data_type = None

    def put(self, target: Any) -> None:
        target.value = self.value
        if self.data_type is not None:
            target.data_type = self.data_type
        if self.font is not None:
            target.font = self.font
        if self.fill is not None:
            target.fill = self.fill
        if self.number_format is not None:
            target.number_format = self.number_format
        if self.alignment is not None:
            target.alignment = self.alignment


def _columns(rows: Sequence[Any]) -> list[Column]:
    if all(isinstance(r, JournalEntry) for r in rows):
        return JOURNAL_COLUMNS
    if all(isinstance(r, Alarm) for r in rows):
        return ALARM_COLUMNS
    odd = next((r for r in rows if not isinstance(r, JournalEntry | Alarm)), None)
    if odd is not None:
        raise BadJournalQuery(f"an alarm export takes journal entries or alarms, not {type(odd).__name__}")
    raise BadJournalQuery("an alarm export takes journal entries or alarms, not both in one list")


def _local(ms: int | None, zone: ZoneInfo) -> datetime | None:
    """Excel has no time zones: the site's wall-clock time, naive."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).replace(tzinfo=None)


def _display_len(text: str) -> float:
    """Width in Excel characters: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _widths(rows: Sequence[Any], columns: list[Column], lang: str, zone: ZoneInfo) -> list[float]:
    widths = [_display_len(c[0] if lang == "zh" else c[1]) + 4 for c in columns]
    for row in rows[:WIDTH_SAMPLE]:
        for i, (_zh, _en, get, kind) in enumerate(columns):
            v = get(row, lang)
            if kind == "time":
                n = 19.0
            elif kind == "event_time":
                n = 23.0
            elif kind == "level":
                n = _display_len(f"1 {LEVEL_WORDS[lang][Level(v)]}")
            else:
                n = _display_len("" if v is None else str(v))
            widths[i] = max(widths[i], n + 2)
    return [min(w, MAX_WIDTH) for w in widths]
