"""Alarms, events and settings the notification tests share."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.config.notifications import NotificationSettings

EXAMPLE = Path(__file__).with_name("notify_settings.yaml")


def example() -> NotificationSettings:
    return NotificationSettings.model_validate(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def alarm(aid: int = 1, level: int = 1, room: str | None = "R1", state: AlarmState = AlarmState.ACTIVE_UNACKED,
          ts: int = 1_700_000_000_000, message: str = "1号变压器A相绕组温度超高限",
          value: float | None = 132.5) -> Alarm:
    return Alarm(id=aid, key=f"T1-TCU.Ta:HH{aid}", rule="t1-temp", point="T1-TCU.Ta", level=Level(level), state=state,
                 message=message, message_en="Transformer 1 winding A temperature high-high", value=value,
                 raised_at=ts, device="T1-TCU", room=room, kind="limit")


def raised(aid: int = 1, level: int = 1, room: str | None = "R1", ts: int = 1_700_000_000_000, **kw) -> AlarmEvent:
    a = alarm(aid, level, room, ts=ts, **kw)
    return AlarmEvent(alarm=a, change=Change.RAISED, ts=ts, value=a.value)


def later(ev: AlarmEvent, change: Change, state: AlarmState, ts: int, user: str | None = None) -> AlarmEvent:
    return AlarmEvent(alarm=ev.alarm.evolve(state=state), change=change, ts=ts, value=ev.value, user=user)


def settings(**over) -> NotificationSettings:
    """A small site: two people on duty, a supervisor, one webhook and one mail channel."""
    base = {
        "recipients": [
            {"id": "zhang", "name": {"zh": "张工", "en": "Zhang"}, "email": "zhang@example.com",
             "phone": "+8613800138000"},
            {"id": "li", "name": "Li", "language": "en", "email": "li@example.com", "phone": "13900139000"},
            {"id": "wang", "name": "王主任", "email": "wang@example.com", "phone": "13700137000"},
        ],
        "groups": [{"id": "duty", "name": "值班", "members": ["zhang", "li"]},
                   {"id": "chiefs", "name": "主管", "members": ["wang"]}],
        "channels": [{"id": "mail", "kind": "email", "host": "127.0.0.1", "sender": "alarm@example.com"},
                     {"id": "hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook"}],
        "routes": [{"id": "all", "steps": [{"groups": ["duty"], "channels": ["mail"]}]}],
    }
    base.update(over)
    return NotificationSettings.model_validate(base)
