"""Alarms end to end: the simulated plant misbehaves and people are told.

The demo site with a notifications section pointing at a real SMTP server (aiosmtpd, STARTTLS
with a trustme certificate, login checked) and a GSM modem on a pseudo-terminal; the
simulator injects smoke, a feeder overload, a breaker trip and a DTU loss; the DirectSource's
engine raises the alarms, the journal records them with the operator's acknowledgement, a
fault record is kept, and the e-mail and SMS arrive with the Chinese text intact.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
import yaml

from app.alarms.model import AlarmActionError, AlarmState, Change, JournalQuery, Level
from app.config import site_from_text
from app.sources.direct import DirectSource
from drivers.simulator import Fault, FaultKind
from tests.integration.peers.gsm_modem import ModemPeer
from tests.integration.test_notify_email import PASSWORD, smtp_server

DEMO = Path(__file__).resolve().parents[2] / "resources" / "sites" / "demo.yaml"


def demo_with_notifications(smtp_port: int, ca_file: Path, modem_port: str) -> str:
    """The demo site plus routes: every level 1-2 raise by e-mail and SMS to the duty engineer."""
    notifications = {
        "recipients": [{"id": "duty", "name": {"zh": "值班员", "en": "Duty"}, "language": "zh",
                        "email": "duty@example.com", "phone": "+8613800138000"}],
        "groups": [{"id": "shift", "name": "值班组", "members": ["duty"]}],
        "modems": [{"id": "gsm", "port": modem_port, "timeout": 3}],
        "channels": [
            {"id": "mail", "kind": "email", "host": "127.0.0.1", "port": smtp_port, "security": "starttls",
             "sender": "alarm@example.com", "username": "alarm", "password_env": "E2E_SMTP_PW",
             "ca_file": str(ca_file), "timeout": 5},
            {"id": "sms", "kind": "gsm_sms", "modem": "gsm"},
        ],
        "routes": [{"id": "major", "levels": [1, 2], "changes": ["raised"],
                    "steps": [{"after": 0, "groups": ["shift"], "channels": ["mail", "sms"]}]}],
    }  # fmt: skip
    text = DEMO.read_text(encoding="utf-8")
    return text + "\n" + yaml.safe_dump({"notifications": notifications}, allow_unicode=True)


def overload_factor(current_a: float, rating_a: float = 400.0, share: float = 1.4) -> float:
    """The fault factor that brings a feeder from ``current_a`` to ``share`` of its rating."""
    return min(20.0, share * rating_a / max(current_a, 1.0))


async def until(condition, timeout: float = 60.0, what: str = "condition"):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        result = await condition()
        if result:
            return result
        if loop.time() > end:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(0.2)


def raised(source: DirectSource, pred):
    async def check():
        return [a for a in await source.alarms() if pred(a)]

    return check


@pytest.mark.timeout(240)
async def test_faults_in_the_plant_raise_alarms_and_reach_people(tmp_path, monkeypatch, db_url):
    monkeypatch.setenv("E2E_SMTP_PW", PASSWORD)
    with smtp_server(tmp_path, implicit_tls=False) as (inbox, smtp_port, ca_file), ModemPeer() as modem:
        site = site_from_text(demo_with_notifications(smtp_port, ca_file, modem.port), "demo+notify.yaml")
        source = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
        seen: list = []
        source.subscribe(lambda batch: None, None, seen.extend)
        await source.start()
        try:
            assert source.scan is not None and source.simulator is not None
            for bus in source.scan.scans.values():
                for d in bus.devices:
                    d.period = 1.0
            sim = source.simulator
            await until(lambda: _async(len(source._latest) > 500), 60, "first values")

            # smoke: a level-1 alarm, told by e-mail and SMS
            sim.inject(Fault(FaultKind.SMOKE, "ENV-1"))
            smoke = (await until(raised(source, lambda a: a.point == "ENV-1.smoke"), 30, "smoke alarm"))[0]
            assert smoke.level is Level.CRITICAL and smoke.state is AlarmState.ACTIVE_UNACKED
            assert "烟" in smoke.message
            await until(lambda: _async(any("烟" in str(m["Subject"]) + m.get_content() for m in inbox.mails)),
                        30, "the smoke e-mail")
            await until(lambda: _async(any("烟" in s.text for s in modem.sms)), 30, "the smoke SMS")
            assert modem.sms[0].number == "+8613800138000"

            # a breaker trip: change of state on the feeder's DI1
            sim.open_breaker("F1-01")
            trip = (await until(raised(source, lambda a: a.point == "F1-01.DI1"), 30, "breaker alarm"))[0]
            assert trip.level is Level.MAJOR and ("分闸" in trip.message)

            # a feeder overload: its phase currents well above its breaker rating
            # the demo's load follows the time of day: scale it to 140 % of the 400 A rating, within the
            # meter's 800 A range (beyond it a reading is a bad value, not an overload)
            sim.inject(Fault(FaultKind.OVERLOAD, "F2-01", factor=overload_factor(source._latest["F2-01.Ia"].value)))
            await until(raised(source, lambda a: a.device == "F2-01" and a.kind in ("overload", "phase_overload")),
                        60, "feeder overload alarm")

            # a DTU loss: the gateway's alarm, its devices' comm alarms suppressed in its favour
            sim.inject(Fault(FaultKind.DISCONNECT, "DTU-4", reconnect_after=600))
            gw = (await until(raised(source, lambda a: a.point == "DTU-4" and a.kind == "comm"), 60,
                              "gateway comm alarm"))[0]
            assert gw.level is Level.CRITICAL

            # the operator acknowledges the smoke with a comment; a second ack is refused (API 409)
            acked = await source.acknowledge([smoke.id], "张三", "已派人到现场")
            assert acked[0].state is AlarmState.ACTIVE_ACKED and acked[0].acked_by == "张三"
            with pytest.raises(AlarmActionError):
                await source.acknowledge([smoke.id], "张三")
            rows = await source.alarm_journal(JournalQuery(alarm_id=smoke.id))
            assert [r.change for r in reversed(rows)][:2] == [Change.RAISED, Change.ACKED]
            ack = next(r for r in rows if r.change is Change.ACKED)
            assert ack.user == "张三" and ack.comment == "已派人到现场"
            found = await source.alarm_journal(JournalQuery(text="派人"))
            assert [r.alarm_id for r in found] == [smoke.id]

            # every change reached the subscriber too, in order, with the journal's ids
            assert any(e.alarm.id == smoke.id and e.change is Change.ACKED for e in seen)

            # the fault record of the smoke alarm holds the environment unit's points from before it
            records = await until(lambda: source.fault_records(smoke.id), 30, "a fault record")
            data = await source.fault_record(records[0].id)
            assert "ENV-1.smoke" in data
            assert any(s.ts < smoke.raised_at for s in data["ENV-1.smoke"])
        finally:
            await source.stop()

    # after a restart the active alarms come back with their acknowledgement, and ids continue
    again = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=False)
    await again.start()
    try:
        back = {a.id: a for a in await again.alarms()}
        assert back[smoke.id].acked_by == "张三"
        assert again.alarm_core.engine.next_id > max(back)
    finally:
        await again.stop()


async def _async(value):
    return value


@pytest.mark.timeout(120)
async def test_a_broken_channel_is_visible_in_the_status_and_does_not_hold_alarms_back(tmp_path, monkeypatch):
    monkeypatch.setenv("E2E_SMTP_PW", PASSWORD)
    with socket.socket() as s:  # a port nobody listens on: the mail server is down
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    with ModemPeer() as modem:
        text = demo_with_notifications(dead_port, tmp_path / "none.pem", modem.port)
        source = DirectSource(site_from_text(text, "demo.yaml"), tmp_path / "h.sqlite", listen=("127.0.0.1", 0),
                              simulate=True, bus_timing=False)
        await source.start()
        try:
            for bus in source.scan.scans.values():
                for d in bus.devices:
                    d.period = 1.0
            assert source.status().notify == "ok"
            source.simulator.inject(Fault(FaultKind.WATER, "ENV-1"))
            await until(raised(source, lambda a: a.point == "ENV-1.water"), 30, "water alarm")
            await until(lambda: _async(any("水" in s.text for s in modem.sms)), 30, "the SMS despite the dead mail")
            words = await until(lambda: _async(source.status().notify if source.status().notify != "ok" else None),
                                60, "the mail channel reported failing")
            assert " / " in words  # both languages, for the status bar
        finally:
            await source.stop()
