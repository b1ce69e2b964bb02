"""The audit log: who did what, when, from where, and with what result.

Every login (and every failed one), every alarm acknowledgement and shelving, every change of
rules, limits, the site, diagrams and users, and later every control command is one row,
written once and never changed.  It is for the administrator who asks "who shelved this alarm
last night, from which machine?" and for the inspection that asks for it as a spreadsheet.
User changes are recorded by `app.auth.users` in the same transaction as the change itself,
so the log can never miss one that happened (or show one that did not).

Times are ms UTC like everything stored; the Excel export shows them in the site's time zone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, Engine, insert, select

from app.historian.schema import audit_log as table

from .database import AuthDatabase
from .model import BadUserInput

MAX_QUERY_ROWS = 100_000
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss.000"  # logins and refusals come in bursts: their order within a second matters
MAX_WIDTH = 60


class Action(StrEnum):
    """What was done.  New kinds of actions may be recorded as plain strings (at most 32 characters)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    LOCKED = "locked"
    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    RULE_CHANGE = "rule_change"
    LIMIT_CHANGE = "limit_change"
    SITE_EDIT = "site_edit"
    DIAGRAM_EDIT = "diagram_edit"
    USER_CREATE = "user_create"
    USER_CHANGE = "user_change"
    USER_DELETE = "user_delete"
    PASSWORD_CHANGE = "password_change"
    CONTROL = "control"
    CAMERA_VIEW = "camera.view"  # a camera's address (with its credentials) was handed out to watch it


class Result(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # not allowed (permission, policy, lockout, rule of the user list)
    FAILED = "failed"  # allowed but it did not work (wrong password, the device did not operate)


ACTION_WORDS: dict[str, tuple[str, str]] = {
    Action.LOGIN: ("登录", "log in"),
    Action.LOGIN_FAILED: ("登录失败", "login failed"),
    Action.LOGOUT: ("退出", "log out"),
    Action.LOCKED: ("账户锁定", "account locked"),
    Action.ACKNOWLEDGE: ("确认报警", "acknowledge"),
    Action.SHELVE: ("搁置报警", "shelve"),
    Action.UNSHELVE: ("取消搁置", "unshelve"),
    Action.RULE_CHANGE: ("修改报警规则", "alarm rule change"),
    Action.LIMIT_CHANGE: ("修改报警限值", "alarm limit change"),
    Action.SITE_EDIT: ("修改站点", "site edit"),
    Action.DIAGRAM_EDIT: ("修改接线图", "diagram edit"),
    Action.USER_CREATE: ("新建用户", "user created"),
    Action.USER_CHANGE: ("修改用户", "user changed"),
    Action.USER_DELETE: ("删除用户", "user deleted"),
    Action.PASSWORD_CHANGE: ("修改密码", "password change"),
    Action.CONTROL: ("遥控", "control"),
    Action.CAMERA_VIEW: ("查看摄像机", "camera viewed"),
}
RESULT_WORDS = {
    "zh": {Result.OK: "成功", Result.REFUSED: "被拒绝", Result.FAILED: "失败"},
    "en": {Result.OK: "ok", Result.REFUSED: "refused", Result.FAILED: "failed"},
}
RESULT_FILLS = {Result.REFUSED: "FB8C00", Result.FAILED: "E53935"}  # the alarm banner's orange and red


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row.  ``user`` is who acted (None: the system, or a login name nobody could be sure of)."""

    id: int
    ts: int
    user: str | None
    action: str
    target: str
    detail: str
    address: str
    result: Result

    def to_json(self) -> dict[str, Any]:
        """The row as `GET /audit` answers it."""
        return {**asdict(self), "result": str(self.result)}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _text(value: object, limit: int | None = None) -> str:
    text = "" if value is None else str(value).replace("\x00", "")  # PostgreSQL refuses NUL in text
    return text[:limit] if limit else text


class AuditLog:
    """The audit rows in the historian's database (thread-safe; every call blocks on the database)."""

    def __init__(self, target: str | Path | Engine | AuthDatabase, *, clock: Callable[[], int] = _now_ms) -> None:
        self._db = target if isinstance(target, AuthDatabase) else AuthDatabase(target)
        self._clock = clock

    def open(self) -> None:
        """Open (and if needed create or upgrade) the database; the first call of any method does it too."""
        self._db.open()

    def close(self) -> None:
        self._db.close()

    def record(self, action: Action | str, *, user: str | None, target: str = "", detail: str = "",
               address: str = "", result: Result | str = Result.OK, ts: int | None = None) -> AuditEntry:
        """Write one row in its own transaction and return it (e.g. an acknowledgement done elsewhere)."""
        return self._db.write("writing the audit log",
                              lambda conn: self.write(conn, action, user=user, target=target, detail=detail,
                                                      address=address, result=result, ts=ts))

    def write(self, conn: Connection, action: Action | str, *, user: str | None, target: str = "",
              detail: str = "", address: str = "", result: Result | str = Result.OK,
              ts: int | None = None) -> AuditEntry:
        """Write one row inside the caller's transaction ``conn``, so it commits or rolls back with the change."""
        action = _text(action)
        if not action or len(action) > 32:
            raise BadUserInput("审计动作须为 1–32 个字符", "an audit action is 1 to 32 characters")
        try:
            result = Result(result)
        except ValueError:
            raise BadUserInput(f"审计结果 {result!r} 无效", f"{result!r} is not an audit result "
                               "('ok', 'refused' or 'failed')") from None
        values = {"ts": self._clock() if ts is None else int(ts),
                  "user_name": None if user is None else _text(user, 64),
                  "action": action, "target": _text(target), "detail": _text(detail),
                  "address": _text(address, 128), "result": str(result)}
        new_id = conn.execute(insert(table).values(**values)).inserted_primary_key[0]
        return AuditEntry(int(new_id), values["ts"], values["user_name"], action, values["target"],
                          values["detail"], values["address"], result)

    def query(self, since: int | None = None, until: int | None = None, user: str | None = None,
              actions: Iterable[Action | str] | None = None, limit: int = 1000,
              results: Iterable[Result | str] | None = None, target: str | None = None) -> list[AuditEntry]:
        """Rows with ``since <= ts < until`` (ms UTC), of ``user``, of any of ``actions`` and ``results``,
        about ``target`` (e.g. "alarm 17"), newest first."""
        if not isinstance(limit, int) or not 0 < limit <= MAX_QUERY_ROWS:
            raise BadUserInput(f"条数须在 1 到 {MAX_QUERY_ROWS} 之间", f"the limit is 1 to {MAX_QUERY_ROWS} rows")
        if since is not None and until is not None and until < since:
            raise BadUserInput("结束时间早于开始时间", "the end lies before the start")
        stmt = select(table).order_by(table.c.ts.desc(), table.c.id.desc()).limit(limit)
        if since is not None:
            stmt = stmt.where(table.c.ts >= int(since))
        if until is not None:
            stmt = stmt.where(table.c.ts < int(until))
        if user is not None:
            stmt = stmt.where(table.c.user_name == user)
        if actions is not None:
            stmt = stmt.where(table.c.action.in_([str(a) for a in actions]))
        if target is not None:
            stmt = stmt.where(table.c.target == target)
        if results is not None:
            stmt = stmt.where(table.c.result.in_([str(Result(r)) for r in results]))
        rows = self._db.read("reading the audit log", lambda conn: list(conn.execute(stmt)))
        return [AuditEntry(int(r.id), int(r.ts), r.user_name, r.action, r.target, r.detail, r.address,
                           Result(r.result)) for r in rows]


# --- Excel export -------------------------------------------------------------------------------------

BLOCK_WORDS = {
    "zh": {"title": "操作审计记录", "site": "站点", "filter": "范围/筛选", "generated": "生成时间", "by": "生成人",
           "rows": "条数", "sheet": "审计", "none": "全部"},
    "en": {"title": "Audit log", "site": "Site", "filter": "Period / filter", "generated": "Generated", "by": "By",
           "rows": "Rows", "sheet": "Audit", "none": "all"},
}
# (header zh, header en, value of an entry in a language)
COLUMNS: list[tuple[str, str, Callable[[AuditEntry, str], Any]]] = [
    ("时间", "Time", lambda e, _l: e.ts),
    ("用户", "User", lambda e, _l: e.user),
    ("操作", "Action", lambda e, lang: _words(e.action, lang)),
    ("对象", "Target", lambda e, _l: e.target),
    ("详情", "Detail", lambda e, _l: e.detail),
    ("来源地址", "Address", lambda e, _l: e.address),
    ("结果", "Result", lambda e, lang: RESULT_WORDS[lang][e.result]),
    ("编号", "Id", lambda e, _l: e.id),
]
HEADER_ROW = 8  # the title block (6 rows) and a blank row above it


def _words(action: str, lang: str) -> str:
    pair = ACTION_WORDS.get(action)
    return action if pair is None else pair[0 if lang == "zh" else 1]


def export_audit(entries: Sequence[AuditEntry], path: str | Path, tz: str | ZoneInfo = "Asia/Shanghai",
                 language: str = "zh", *, site_name: str = "", generated_by: str = "", filters: str = "",
                 generated_at: datetime | None = None) -> Path:
    """Write ``entries`` to an .xlsx file an inspector can filter: title block, frozen header, local times.

    ``tz``: the site's time zone (Excel has none: times are that zone's wall clock).  ``filters``:
    the period and filters the list showed, in words.  `BadUserInput` for a bad language or time
    zone; `OSError` when the file cannot be written.
    """
    lang = str(language).lower()[:2]
    if lang not in ("zh", "en"):
        raise BadUserInput("导出语言须为中文或英文", "the export language must be Chinese ('zh') or English ('en')")
    try:
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadUserInput(f"{tz!r} 不是时区", f"{tz!r} is not a time zone (e.g. 'Asia/Shanghai')") from None
    words = BLOCK_WORDS[lang]
    made = generated_at or datetime.now(UTC)
    wb = Workbook()
    ws = wb.active
    ws.title = words["sheet"]
    bold = Font(bold=True)

    def put(row: int, col: int, value: Any, *, font: Font | None = None, fmt: str | None = None) -> Any:
        cell = ws.cell(row, col)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"  # a user name or detail starting with "=" is text, never a formula
        else:
            cell.value = value
        if font is not None:
            cell.font = font
        if fmt is not None:
            cell.number_format = fmt
        return cell

    put(1, 1, words["title"], font=Font(bold=True, size=14))
    block = [("site", site_name), ("filter", filters or words["none"]),
             ("generated", made.astimezone(zone).replace(tzinfo=None)), ("by", generated_by), ("rows", len(entries))]
    for r, (key, value) in enumerate(block, start=2):
        put(r, 1, words[key], font=bold)
        put(r, 2, value, fmt="yyyy-mm-dd hh:mm:ss" if key == "generated" else None)
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    for c, (zh, en, _get) in enumerate(COLUMNS, start=1):
        put(HEADER_ROW, c, zh if lang == "zh" else en, font=bold).fill = header_fill
    fills = {result: PatternFill("solid", fgColor=color) for result, color in RESULT_FILLS.items()}
    widths = [_display_len(zh if lang == "zh" else en) + 4 for zh, en, _get in COLUMNS]
    for r, entry in enumerate(entries, start=HEADER_ROW + 1):
        for c, (_zh, _en, get) in enumerate(COLUMNS, start=1):
            value = get(entry, lang)
            if c == 1:
                cell = put(r, c, _local(value, zone), fmt=TIME_FORMAT)
                width = 23.0
            else:
                cell = put(r, c, value)
                width = _display_len("" if value is None else str(value))
            if c == 7 and entry.result in fills:
                cell.fill = fills[entry.result]
            widths[c - 1] = max(widths[c - 1], width + 2)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if entries:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{HEADER_ROW + len(entries)}"
    target = Path(path)
    wb.save(target)
    return target


def _local(ms: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone).replace(tzinfo=None)


def _display_len(text: str) -> float:
    """Width in Excel characters: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
