"""HTTP channels against a real local server; escalation, digests, retries and isolation end to end."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import sys

import pytest

from app.alarms.model import AlarmState, Change
from app.alarms.notify import NotificationSettings, Notifier, Result
from tests.integration.peers.gsm_modem import ModemPeer
from tests.integration.peers.http_sink import HttpSink, Reply
from tests.unit.notify_cases import later, raised, settings

SECRET = "SECdingtalk-test-secret"
FAST = {"attempts": 3, "backoff": 0.05, "factor": 1}


class Clock:
    """An injected clock (seconds since the epoch) that tests move by hand."""

    def __init__(self, t: float = 1_714_975_200.0) -> None:  # 2024-05-06 14:00 in Shanghai, a Monday
        self.t = t

    def __call__(self) -> float:
        return self.t


def http_settings(url: str, **over) -> NotificationSettings:
    base = settings().model_dump(by_alias=True, exclude={"channels", "routes"})
    base.update({
        "channels": [
            {"id": "ding", "kind": "dingtalk", "url": f"{url}/robot/send?access_token=TOK123",
             "secret_env": "TEST_DING", "retry": FAST},
            {"id": "wecom", "kind": "wecom", "url": f"{url}/cgi-bin/webhook/send?key=WKEY", "retry": FAST},
            {"id": "hook", "kind": "webhook", "url": f"{url}/hook", "headers": {"X-Site": "demo"}, "retry": FAST},
            {"id": "smsgw", "kind": "http_sms", "url": f"{url}/sms/send", "encoding": "form",
             "body": {"mobile": "{phone}", "content": "{text}", "apikey": "{secret}"}, "secret_env": "TEST_SMSKEY",
             "success": {"status": [200], "json_field": "result.code", "equals": 0}, "retry": FAST},
        ],
        "routes": [{"id": "all", "steps": [{"groups": ["duty"], "channels": ["ding", "wecom", "hook", "smsgw"]}]}],
    })
    base.update(over)
    return NotificationSettings.model_validate(base)


def hook_only(url: str, rate: dict) -> NotificationSettings:
    return http_settings(url, channels=[{"id": "hook", "kind": "webhook", "url": f"{url}/hook", "rate": rate}],
                         routes=[{"id": "all", "steps": [{"groups": ["duty"], "channels": ["hook"]}]}])


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("TEST_DING", SECRET)
    monkeypatch.setenv("TEST_SMSKEY", "gw-key-42")


async def test_every_http_channel_delivers_chinese_with_signature_and_mentions(secrets, caplog):
    with HttpSink() as sink:
        sink.replies["/sms"] = Reply(body='{"result": {"code": 0}}')
        n = Notifier(http_settings(sink.url), site_name=("一号配电房", "Substation 1"))
        await n.start()
        try:
            n.submit([raised(11, level=1)])
            await n.settle()
        finally:
            await n.stop()
    (ding,) = sink.at("/robot/send")
    ts = ding.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert ding.query["sign"] == [expected.decode()] and ding.query["access_token"] == ["TOK123"]
    body = ding.json()
    assert body["msgtype"] == "text" and "内容：1号变压器A相绕组温度超高限" in body["text"]["content"]
    assert body["at"]["atMobiles"] == ["+8613800138000", "13900139000"]
    (wecom,) = sink.at("/cgi-bin/webhook/send")
    assert wecom.json()["text"]["mentioned_mobile_list"] == ["+8613800138000", "13900139000"]
    assert "一级/紧急" in wecom.json()["text"]["content"]
    (hook,) = sink.at("/hook")
    payload = hook.json()
    assert hook.headers["X-Site"] == "demo" and payload["site"] == "一号配电房" and payload["count"] == 1
    assert payload["events"][0]["alarm"]["id"] == 11 and payload["events"][0]["change"] == "raised"
    assert payload["subject_en"].startswith("[L1 critical] Substation 1")
    sms = {r.form()["mobile"][0]: r.form() for r in sink.at("/sms")}
    assert set(sms) == {"+8613800138000", "13900139000"}
    assert sms["+8613800138000"]["content"][0].startswith("【一号配电房】一级/紧急报警")
    assert sms["13900139000"]["apikey"] == ["gw-key-42"]
    assert {d.result for d in n.deliveries()} == {Result.SENT} and len(n.deliveries()) == 5
    assert "TOK123" not in caplog.text and "gw-key-42" not in caplog.text and SECRET not in caplog.text


async def test_gateway_saying_no_is_a_failure_and_a_retry_succeeds_when_the_peer_comes_back(secrets):
    with HttpSink() as sink:
        sink.replies["/sms"] = Reply(body='{"result": {"code": 17, "msg": "余额不足"}}')
        sink.replies["/hook"] = Reply(status=200, body="{}", fail_next=2)
        n = Notifier(http_settings(sink.url), site_name="S")
        await n.start()
        try:
            n.submit([raised(12, level=2)])
            await n.settle()
        finally:
            await n.stop()
    hook = n.deliveries(channel="hook")
    assert [d.result for d in hook] == [Result.RETRY, Result.RETRY, Result.SENT]
    assert "HTTP 503" in hook[0].detail and len(sink.at("/hook")) == 3
    sms = n.deliveries(channel="smsgw")
    assert {d.result for d in sms} == {Result.RETRY, Result.FAILED}
    assert "result.code is 17, not 0" in sms[-1].detail and "余额不足" in sms[-1].detail


async def test_unreachable_peer_fails_in_words_without_the_token(secrets):
    n = Notifier(http_settings("http://127.0.0.1:9"), site_name="S")
    await n.start()
    try:
        n.submit([raised(13)])
        await n.settle()
    finally:
        await n.stop()
    rows = n.deliveries(channel="ding")
    assert [d.result for d in rows] == [Result.RETRY, Result.RETRY, Result.FAILED]
    detail = rows[-1].detail
    assert "ConnectError" in detail and "TOK123" not in detail and "access_token=***" in detail
    ding = next(s for s in n.status() if s.channel == "ding")
    assert ding.state == "failing" and ding.since is not None


async def test_escalation_with_injected_clock_repeats_and_escalates_until_ack(secrets):
    clock = Clock()
    with HttpSink() as sink:
        s = http_settings(sink.url, routes=[{
            "id": "crit", "levels": [1], "repeat": 5, "repeat_max": 5, "steps": [
                {"after": 0, "groups": ["duty"], "channels": ["hook"]},
                {"after": 10, "groups": ["chiefs"], "channels": ["hook"]},
            ]}])
        n = Notifier(s, site_name="S", clock=clock, tick=3600)
        await n.start()
        try:
            ev = raised(21, level=1)
            n.submit([ev])
            await n.settle()
            assert len(sink.at("/hook")) == 1
            clock.t += 4 * 60
            await n.settle()
            assert len(sink.at("/hook")) == 1  # nothing due yet
            clock.t += 60  # 5 min: reminder to the duty shift
            await n.settle()
            clock.t += 5 * 60  # 10 min: the chiefs
            await n.settle()
            n.submit([later(ev, Change.ACKED, AlarmState.ACTIVE_ACKED, int(clock.t * 1000), "op")])
            await n.settle()
            clock.t += 60 * 60
            await n.settle()
        finally:
            await n.stop()
    bodies = [r.json() for r in sink.at("/hook")]
    assert [(b["repeat"], b["mentions"]) for b in bodies] == [
        (0, ["+8613800138000", "13900139000"]), (1, ["+8613800138000", "13900139000"]), (0, ["13700137000"])]
    assert "第2次提醒" in bodies[1]["subject"]


async def test_flood_becomes_a_digest_that_counts_every_alarm(secrets):
    clock = Clock()
    with HttpSink() as sink:
        n = Notifier(hook_only(sink.url, {"messages": 2, "window": 60, "digest_lines": 5}), site_name="S",
                     clock=clock, tick=3600)
        await n.start()
        try:
            n.submit([raised(100 + i, level=3, ts=int(clock.t * 1000) + i) for i in range(40)])
            await n.settle()
            assert len(sink.at("/hook")) == 2
            assert len([d for d in n.deliveries() if d.result is Result.HELD]) == 38
            clock.t += 61
            await n.settle()
        finally:
            await n.stop()
    bodies = [r.json() for r in sink.at("/hook")]
    assert len(bodies) == 3
    digest = bodies[2]
    assert digest["digest"] and digest["count"] == 38 and len(digest["events"]) == 38
    assert "38条报警消息" in digest["subject"] and "……另有33条未列出" in digest["text"]
    ids = {e["alarm"]["id"] for b in bodies for e in b["events"]}
    assert ids == set(range(100, 140))  # nothing lost


async def test_held_digest_goes_out_at_stop():
    with HttpSink() as sink:
        n = Notifier(hook_only(sink.url, {"messages": 1}), site_name="S")
        await n.start()
        n.submit([raised(i, level=3) for i in range(1, 6)])
        await n.settle()
        await n.stop()
    assert [r.json()["count"] for r in sink.at("/hook")] == [1, 4]


@pytest.mark.skipif(sys.platform == "win32", reason="the modem peer lives on a POSIX pty")
async def test_a_dead_modem_does_not_delay_the_webhook(secrets):
    with ModemPeer() as peer, HttpSink() as sink:
        peer.mode = "silent"
        s = http_settings(sink.url)
        s = NotificationSettings.model_validate({
            **s.model_dump(by_alias=True, exclude={"routes", "modems"}),
            "modems": [{"id": "gsm", "port": peer.port, "timeout": 2}],
            "channels": [*s.model_dump(by_alias=True)["channels"],
                         {"id": "sms", "kind": "gsm_sms", "modem": "gsm", "retry": {"attempts": 3, "backoff": 1}}],
            "routes": [{"id": "all", "steps": [{"groups": ["duty"], "channels": ["sms", "hook"]}]}],
        })
        n = Notifier(s, site_name="S")
        await n.start()
        try:
            n.submit([raised(31, level=2)])
            # the webhook is delivered while the SMS worker is still waiting on the silent modem
            for _ in range(200):
                if n.deliveries(channel="hook"):
                    break
                await asyncio.sleep(0.02)
            hook = n.deliveries(channel="hook")
            sms = n.deliveries(channel="sms")
            assert [d.result for d in hook] == [Result.SENT]
            assert sms == []  # not a single SMS attempt has even finished yet
        finally:
            await n.stop(timeout=0)
    assert {d.result for d in n.deliveries(channel="sms")} <= {Result.ABANDONED, Result.RETRY, Result.FAILED}
    assert any(d.result is Result.ABANDONED for d in n.deliveries(channel="sms"))
