"""SMS and voice calls through a GSM modem peer on a pseudo-terminal."""

from __future__ import annotations

import asyncio
import sys

import pytest

from app.alarms.notify import NotificationSettings, Notifier, Result
from tests.integration.peers.gsm_modem import ModemPeer
from tests.unit.notify_cases import raised, settings

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the modem peer lives on a POSIX pty")


def modem_settings(port: str, **over) -> NotificationSettings:
    base = settings().model_dump(by_alias=True, exclude={"channels", "routes", "modems"})
    base.update({
        "modems": [{"id": "gsm", "port": port, "timeout": 1.0, "send_timeout": 5}],
        "channels": [
            {"id": "sms", "kind": "gsm_sms", "name": {"zh": "短信", "en": "SMS"}, "modem": "gsm",
             "retry": {"attempts": 2, "backoff": 0.05}},
            {"id": "call", "kind": "gsm_voice", "modem": "gsm", "ring_timeout": 3, "hold": 0.1, "poll": 0.05,
             "retry": {"attempts": 1}},
        ],
        "routes": [{"id": "all", "steps": [{"groups": ["duty"], "channels": ["sms", "call"]}]}],
    })
    base.update(over)
    return NotificationSettings.model_validate(base)


async def run(n: Notifier, events) -> None:
    await n.start()
    try:
        n.submit(events)
        await n.settle(timeout=60)
    finally:
        await n.stop()


async def test_chinese_sms_arrives_intact_and_level_one_also_rings():
    with ModemPeer() as peer:
        peer.answer_after = 1
        n = Notifier(modem_settings(peer.port), site_name=("一号配电房", "Substation 1"))
        await run(n, [raised(3, level=1)])
    texts = {s.number: s.text for s in peer.sms}
    assert set(texts) == {"+8613800138000", "13900139000"}
    assert texts["+8613800138000"].startswith("【一号配电房】一级/紧急报警：1号变压器A相绕组温度超高限 值132.5")
    assert texts["13900139000"].startswith("[Substation 1] L1 critical ALARM: Transformer 1 winding A")
    assert sorted(c.number for c in peer.calls) == ["+8613800138000", "13900139000"]
    assert all(c.answered and c.hung_up for c in peer.calls)
    # one modem: no AT command of a call ever sits between an SMS's AT+CMGS and its PDU
    assert "AT+CMGF=0" in peer.commands
    sent = [d for d in n.deliveries() if d.result is Result.SENT]
    assert sorted((d.channel, d.recipient) for d in sent) == [("call", "li"), ("call", "zhang"),
                                                             ("sms", "li"), ("sms", "zhang")]
    assert {s.state for s in n.status()} == {"ok"}


async def test_level_two_sends_sms_but_does_not_call():
    with ModemPeer() as peer:
        n = Notifier(modem_settings(peer.port), site_name="S")
        await run(n, [raised(4, level=2)])
    assert len(peer.sms) == 2 and peer.calls == []


async def test_long_text_arrives_as_one_concatenated_sms():
    long_message = "2号进线柜保护装置动作，断路器分闸，请立即到现场检查。" * 6
    with ModemPeer() as peer:
        n = Notifier(modem_settings(peer.port), site_name="一号配电房")
        await run(n, [raised(5, level=2, message=long_message)])
    zhang = next(s for s in peer.sms if s.number == "+8613800138000")
    assert zhang.parts > 1 and long_message in zhang.text


async def test_cms_error_is_retried_then_failed_in_words_and_busy_call_is_said():
    with ModemPeer() as peer:
        peer.cms_error = 331
        peer.call_outcome = "busy"
        n = Notifier(modem_settings(peer.port), site_name="S")
        await run(n, [raised(6, level=1)])
    sms = [d for d in n.deliveries(channel="sms") if d.recipient == "zhang"]
    assert [d.result for d in sms] == [Result.RETRY, Result.FAILED]
    assert "+CMS ERROR: 331 (no network service / 无网络服务)" in sms[-1].detail
    calls = n.deliveries(channel="call")
    assert {d.result for d in calls} == {Result.FAILED} and "busy / 占线" in calls[0].detail
    assert peer.sms == [] and all(c.hung_up for c in peer.calls)


async def test_silent_modem_is_reported_and_recovers_when_it_answers_again():
    with ModemPeer() as peer:
        peer.mode = "silent"
        s = modem_settings(peer.port, routes=[{"id": "all", "steps": [{"groups": ["duty"], "channels": ["sms"]}]}],
                           modems=[{"id": "gsm", "port": peer.port, "timeout": 0.3}])
        n = Notifier(s, site_name="S")
        await n.start()
        try:
            n.submit([raised(7, level=2)])
            await n.settle(timeout=60)
            (status, _) = n.status()
            assert status.state == "failing" and "modem not answering" in status.text_en
            assert status.text.startswith("短信：") and "短信猫无响应" in status.text
            peer.mode = "ok"
            n.submit([raised(8, level=2)])
            await n.settle(timeout=60)
        finally:
            await n.stop()
    assert {s.number for s in peer.sms} == {"+8613800138000", "13900139000"}
    assert n.status()[0].state == "ok"
    assert {d.result for d in n.deliveries(alarm_id=7)} == {Result.RETRY, Result.FAILED}
    assert {d.result for d in n.deliveries(alarm_id=8)} == {Result.SENT}


async def test_unanswered_call_rings_until_the_timeout_then_hangs_up():
    with ModemPeer() as peer:
        peer.call_outcome = "no_answer"
        s = modem_settings(peer.port, routes=[{"id": "r", "steps": [{"groups": ["chiefs"], "channels": ["call"]}]}])
        n = Notifier(s, site_name="S")
        await n.start()
        try:
            n.submit([raised(9, level=1)])
            await n.settle(timeout=60)
        finally:
            await n.stop()
    (call,) = peer.calls
    assert call.number == "13700137000" and not call.answered and call.hung_up and call.polls >= 2
    (row,) = n.deliveries()
    assert row.result is Result.FAILED and "not answered" in row.detail


async def test_submit_from_another_thread_does_not_block_or_raise():
    with ModemPeer() as peer:
        n = Notifier(modem_settings(peer.port), site_name="S")
        await n.start()
        try:
            await asyncio.to_thread(n.submit, [raised(10, level=3)])
            assert await asyncio.to_thread(peer.wait_for, lambda p: len(p.sms) == 2, 20)
            await n.settle()
        finally:
            await n.stop()
