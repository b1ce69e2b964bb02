"""Message words, SMS PDUs, the DingTalk signature and secret redaction."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from zoneinfo import ZoneInfo

from app.alarms.model import Change
from app.alarms.notify.channels.base import redact
from app.alarms.notify.channels.http import dingtalk_sign
from app.alarms.notify.channels.pdu import address, split_units, submit_pdus
from app.alarms.notify.text import Wording
from tests.integration.peers.gsm_modem import decode_submit
from tests.unit.notify_cases import later, raised

W = Wording(site=("一号配电房", "Substation 1"), tz=ZoneInfo("Asia/Shanghai"), rooms={"R1": ("高压室", "HV room")})
TS = 1_714_975_200_000  # 2024-05-06 14:00:00 in Shanghai


def test_single_alarm_in_chinese_and_english():
    ev = raised(7, level=1, ts=TS)
    zh = W.compose([ev], "zh")
    assert zh.subject == "[一级/紧急] 一号配电房: 1号变压器A相绕组温度超高限 报警"
    assert "时间：2024-05-06 14:00:00" in zh.body and "数值：132.5" in zh.body and "房间：高压室" in zh.body
    assert zh.short.startswith("【一号配电房】一级/紧急报警：1号变压器A相绕组温度超高限 值132.5")
    en = W.compose([ev], "en", repeat=2)
    assert en.subject == "[L1 critical] Substation 1: Transformer 1 winding A temperature high-high ALARM (reminder 3)"
    assert "Room: HV room" in en.body and "Alarm id: 7" in en.body


def test_acknowledgement_names_the_operator():
    ev = raised(7, ts=TS)
    from app.alarms.model import AlarmState

    zh = W.compose([later(ev, Change.ACKED, AlarmState.ACTIVE_ACKED, TS + 60_000, "李工")], "zh")
    assert "已确认" in zh.subject and "操作人：李工" in zh.body and "14:01:00" in zh.body


def test_digest_says_how_many_even_when_it_lists_fewer():
    events = [raised(i, level=1 + i % 4, ts=TS + i * 1000) for i in range(1, 31)]
    zh = W.compose(events, "zh", lines=10)
    assert zh.subject.startswith("[一号配电房] 30条报警消息（汇总，最高一级/紧急）")
    assert zh.body.count("\n") == 11 and "……另有20条未列出" in zh.body
    en = W.compose(events, "en", lines=10)
    assert "30 alarm messages" in en.subject and "... and 20 more not listed" in en.body


def test_pdu_round_trip_through_an_independent_decoder():
    (pdu,) = submit_pdus("+8613800138000", "温度超限 Temp high", ref=1)
    assert decode_submit(pdu.hex) == ("+8613800138000", "温度超限 Temp high", None)
    assert pdu.length == len(pdu.hex) // 2 - 1
    assert address("13900139000") == "0B813109109300F0"


def test_long_text_splits_into_concatenated_parts_without_breaking_emoji():
    text = "配电房报警😀" * 40  # 280 characters, 320 UTF-16 units
    pdus = submit_pdus("10086", text, ref=9, max_parts=8)
    decoded = [decode_submit(p.hex) for p in pdus]
    assert [d[2] for d in decoded] == [(9, 5, i) for i in range(1, 6)]
    assert "".join(d[1] for d in decoded) == text


def test_text_beyond_max_parts_is_cut_with_an_ellipsis():
    parts = split_units("报" * 500, max_parts=2)
    text = b"".join(parts).decode("utf-16-be")
    assert len(parts) == 2 and text.endswith("…") and len(text) == 134


def test_dingtalk_signature_is_hmac_sha256_of_timestamp_and_secret():
    url = dingtalk_sign("https://oapi.dingtalk.com/robot/send?access_token=abc", "SEC123", now_ms=1700000000000)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    expected = base64.b64encode(hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()).decode()
    assert q["timestamp"] == ["1700000000000"] and q["sign"] == [expected] and q["access_token"] == ["abc"]


def test_redaction_hides_tokens_and_secret_values():
    text = redact("POST https://x/send?access_token=abc123&sign=zz&n=1 failed for pw hunter2", "hunter2")
    assert "abc123" not in text and "zz" not in text and "hunter2" not in text and "n=1" in text
