"""The words of a notification: subject, body and a short text, in Chinese or English.

Built from the alarm's own message (``message``/``message_en``), its level word, the time in the
site's time zone, the value and the site's name.  A digest lists several alarms in one message
and always says how many it covers, so nothing sent during a flood is silently lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.alarms.model import AlarmEvent, Change, Level

LEVEL_WORDS: dict[str, dict[Level, str]] = {
    "zh": {Level.CRITICAL: "一级/紧急", Level.MAJOR: "二级/重要", Level.MINOR: "三级/次要", Level.NOTICE: "四级/提示"},
    "en": {Level.CRITICAL: "L1 critical", Level.MAJOR: "L2 major", Level.MINOR: "L3 minor", Level.NOTICE: "L4 notice"},
}
CHANGE_WORDS: dict[str, dict[Change, str]] = {
    "zh": {Change.RAISED: "报警", Change.CLEARED: "已恢复", Change.ACKED: "已确认", Change.NORMAL: "已恢复并确认",
           Change.LEVEL: "级别变化", Change.SHELVED: "已搁置", Change.UNSHELVED: "取消搁置",
           Change.SUPPRESSED: "已抑制", Change.UNSUPPRESSED: "取消抑制"},
    "en": {Change.RAISED: "ALARM", Change.CLEARED: "cleared", Change.ACKED: "acknowledged", Change.NORMAL: "normal",
           Change.LEVEL: "level changed", Change.SHELVED: "shelved", Change.UNSHELVED: "unshelved",
           Change.SUPPRESSED: "suppressed", Change.UNSUPPRESSED: "unsuppressed"},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Text:
    """One message's words: ``subject`` for e-mail, ``body`` in full, ``short`` for SMS and chats."""

    subject: str
    body: str
    short: str


@dataclass(frozen=True)
class Wording:
    """What the texts need besides the alarms: the site's name and time zone, room names."""

    site: tuple[str, str]  # (zh, en)
    tz: ZoneInfo
    rooms: Mapping[str, tuple[str, str]] | None = None

    def local(self, ts_ms: int, seconds: bool = True) -> str:
        """``2024-05-01 14:02:03`` in the site's time zone."""
        t = datetime.fromtimestamp(ts_ms / 1000, UTC).astimezone(self.tz)
        return t.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%H:%M")

    def compose(self, events: Sequence[AlarmEvent], lang: str, *, repeat: int = 0, lines: int = 20) -> Text:
        """The text for one alarm event, or a digest when there are several."""
        if len(events) == 1:
            return self._single(events[0], lang, repeat)
        return self._digest(events, lang, lines)

    def _site(self, lang: str) -> str:
        return self.site[0] if lang == "zh" else self.site[1]

    def _room(self, room: str | None, lang: str) -> str:
        if room is None:
            return ""
        names = (self.rooms or {}).get(room)
        return room if names is None else names[0 if lang == "zh" else 1]

    @staticmethod
    def _value(ev: AlarmEvent) -> str:
        v = ev.value if ev.value is not None else ev.alarm.value
        return "" if v is None else f"{v:.6g}"

    def _what(self, ev: AlarmEvent, lang: str) -> str:
        return ev.alarm.message if lang == "zh" else (ev.alarm.message_en or ev.alarm.message)

    def _single(self, ev: AlarmEvent, lang: str, repeat: int) -> Text:
        a = ev.alarm
        zh = lang == "zh"
        level = LEVEL_WORDS[lang][a.level]
        change = CHANGE_WORDS[lang][ev.change]
        what = self._what(ev, lang)
        value = self._value(ev)
        again = (f"（第{repeat + 1}次提醒）" if zh else f" (reminder {repeat + 1})") if repeat else ""
        room = self._room(a.room, lang)
        site = self._site(lang)
        subject = f"[{level}] {site}: {what} {change}{again}"
        rows = [
            ("站点" if zh else "Site", site),
            ("级别" if zh else "Level", level),
            ("事件" if zh else "Event", change + again),
            ("内容" if zh else "Alarm", what),
            ("房间" if zh else "Room", room),
            ("测点" if zh else "Point", a.point),
            ("数值" if zh else "Value", value),
            ("时间" if zh else "Time", self.local(ev.ts)),
            ("操作人" if zh else "By", ev.user or ""),
            ("备注" if zh else "Comment", ev.comment or ""),
            ("报警编号" if zh else "Alarm id", str(a.id)),
        ]
        sep = "：" if zh else ": "
        body = "\n".join(f"{k}{sep}{v}" for k, v in rows if v)
        val = (f" 值{value}" if zh else f" value {value}") if value else ""
        short = f"【{site}】{level}{change}{again}：{what}{val} {self.local(ev.ts)}" if zh else (
            f"[{site}] {level} {change}{again}: {what}{val} {self.local(ev.ts)}")
        return Text(subject, body, short)

    def _digest(self, events: Sequence[AlarmEvent], lang: str, lines: int) -> Text:
        zh = lang == "zh"
        site = self._site(lang)
        n = len(events)
        top = min(e.alarm.level for e in events)
        head = (f"{n}条报警消息（汇总，最高{LEVEL_WORDS[lang][top]}）" if zh
                else f"{n} alarm messages (digest, highest {LEVEL_WORDS[lang][top]})")
        listed = sorted(events, key=lambda e: (e.alarm.level, e.ts))[:lines]
        rows = []
        for e in listed:
            value = self._value(e)
            rows.append(f"{self.local(e.ts)} {LEVEL_WORDS[lang][e.alarm.level]} {CHANGE_WORDS[lang][e.change]} "
                        f"{self._what(e, lang)}{' ' + value if value else ''} #{e.alarm.id}")
        if n > len(listed):
            rows.append(f"……另有{n - len(listed)}条未列出" if zh else f"... and {n - len(listed)} more not listed")
        subject = f"[{site}] {head}"
        body = head + ("：\n" if zh else ":\n") + "\n".join(rows)
        short = f"【{site}】{head}：" + "；".join(rows) if zh else f"[{site}] {head}: " + "; ".join(rows)
        return Text(subject, body, short)
