"""The API's JSON: every shape the server sends comes back as the same object on the client."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, JournalQuery, Level
from app.alarms.notify import ChannelStatus
from app.api.codec import (
    CodecError,
    columns_from_json,
    decode,
    encode,
    history_columns,
    history_from_json,
    history_json,
    sample_from_object,
    sample_from_row,
    sample_object,
    sample_row,
)
from app.auth import AuditEntry, Result, Role, User
from app.historian import History
from app.model import Quality, Sample
from app.sources.accounts import Login
from app.sources.base import (
    CameraInfo,
    DeviceInfo,
    DiagramInfo,
    GatewayInfo,
    PointInfo,
    RoomInfo,
    SiteModel,
    SourceStatus,
)
from drivers.link import LinkEvent, LinkState

ALARM = Alarm(7, "breaker:F1-01.DI1", "breaker", "F1-01.DI1", Level.MAJOR, AlarmState.ACTIVE_UNACKED,
              "1#出线 照明 断路器 合 → 分", "Feeder 1-01 breaker closed → open", 0.0, 1_764_000_000_000,
              device="F1-01", room="LV", kind="change")


def wire(obj):
    """Through real JSON text, as on the network."""
    return json.loads(json.dumps(encode(obj), ensure_ascii=False))


@pytest.mark.parametrize("obj", [
    ALARM,
    AlarmEvent(ALARM, Change.RAISED, 1_764_000_000_000, 0.0, None, None),
    JournalQuery(start=1, end=2, points=("A.b",), levels=(1, 2), text="烟"),
    JournalEntry(3, 10, 7, ALARM.key, "breaker", "change", ALARM.point, "F1-01", "LV", Level.MAJOR,
                 AlarmState.ACTIVE_ACKED, Change.ACKED, 0.0, "wang", "ok", "中", "en", 5),
    FaultRecordHeader(1, 7, ALARM.key, "F1-01", 1, 2, 3, ("F1-01.Ia", "F1-01.P"), True, (7, 8)),
    ChannelStatus("mail", "email", "failing", 1, None, "refused", 2, "邮件失败", "mail failing"),
    FloodSummary(4, 100, ALARM, 52, {Level.CRITICAL: 2, Level.MAJOR: 50}, 200),
    User("wang", Role.ENGINEER, ("LV",), "王工", False, 1, None, 5, 6),
    AuditEntry(1, 2, "wang", "acknowledge", "alarm 7", "ok", "10.0.0.5", Result.REFUSED),
    Login("tok", User("a", Role.ADMINISTRATOR), 99),
    LinkEvent("DTU-1", LinkState.OFFLINE, "watchdog", "10.0.0.9:5000", 12.5),
    SourceStatus("cloud", True, 3, 4, 900, 12345, "ok", 12.0, "ok"),
    SiteModel("演示", "Demo", "Asia/Shanghai", [RoomInfo("LV", "低压室", "LV room")],
              [GatewayInfo("DTU-1", "1号", "dtu", "online", 5, "LV")],
              [DeviceInfo("F1-01", "照明", "meter", "DTU-1", "LV", "ok", "cl7331m", "feeder", "T1-LV-IN", "Lighting")],
              [PointInfo("F1-01.Ia", "F1-01", "A相电流", "Phase A current", "A", "analog")],
              [DiagramInfo("lv-room", "LV", "低压", "LV")],
              [CameraInfo("CAM-2", "摄像机", "Camera", "LV", ("F1-01",))]),
    SiteModel("演示", "Demo", "Asia/Shanghai", [], [],
              [DeviceInfo("T1-HV", "1号变", "meter", "DTU-1", "LV", "ok", rating_kva=1000.0, no_load_loss_kw=1.2,
                          load_loss_kw=8.13, meter_changes=(("EPimp", 1_773_000_000_000, 9000.0, 20.0),))],
              [PointInfo("T1-HV.EPimp", "T1-HV", "正向有功电能", "Import energy", "kWh", "counter", 3.4e9)],
              tariff={"pf_standard": 0.9, "prices": [{"from": "2026-01-01", "energy": {"flat": 0.6}}]}),
])
def test_every_shape_comes_back_equal(obj):
    assert decode(type(obj), wire(obj)) == obj


def test_lists_and_nested_typing_forms():
    assert decode(list[Alarm], wire([ALARM, ALARM])) == [ALARM, ALARM]
    assert decode(dict[str, list[Sample]], wire({"A": [Sample("A", 1, 2.0)]})) == {"A": [Sample("A", 1, 2.0)]}


def test_samples_travel_compactly_with_quality_words():
    s = Sample("T1-LV-IN.Ia", 1_764_000_000_123, 402.5, Quality.COMM_FAIL)
    assert sample_row(s) == ["T1-LV-IN.Ia", 1_764_000_000_123, 402.5, "comm_fail"]
    assert sample_from_row(json.loads(json.dumps(sample_row(s)))) == s
    assert sample_from_object(sample_object(s)) == s
    nan = sample_from_row(sample_row(Sample("X", 1, float("nan"))))
    assert math.isnan(nan.value)


def test_history_raw_and_bucketed():
    raw = History("P", "kW", True, [(1, 2.0, Quality.GOOD), (2, 3.0, Quality.STALE)], [], 0)
    assert history_from_json(json.loads(json.dumps(history_json(raw)))) == raw
    buckets = History("P", "kW", False, [], [(0, 1.0, 3.0, 2.0, 3.0)], 60_000)
    assert history_from_json(json.loads(json.dumps(history_json(buckets)))) == buckets


def test_history_columns_carry_the_same_samples():
    rows = [(1, 2.0, Quality.GOOD), (2, math.nan, Quality.GOOD), (3, math.inf, Quality.STALE),
            (4, 5.0, Quality.STALE), (5, 6.0, Quality.GOOD)]
    d = json.loads(json.dumps(history_columns(History("P", "kW", True, rows))))
    assert d == {"id": "P", "unit": "kW", "raw": True, "ts": [1, 2, 3, 4, 5], "v": [2.0, None, None, 5.0, 6.0],
                 "q": [["good", 2], ["stale", 2], ["good", 1]]}
    ts, v, q = columns_from_json(d)
    assert ts.tolist() == [1, 2, 3, 4, 5] and ts.dtype == np.int64
    assert v[0] == 2.0 and math.isnan(v[1]) and math.isnan(v[2]) and v[4] == 6.0
    assert q.tolist() == [0, 0, 1, 1, 0]
    empty = history_columns(History("E", "", True, []))
    assert empty["ts"] == empty["v"] == empty["q"] == [] and [len(c) for c in columns_from_json(empty)] == [0, 0, 0]
    buckets = History("P", "kW", False, [], [(0, 1.0, 3.0, 2.0, 3.0)], 60_000)
    assert history_columns(buckets) == history_json(buckets)  # buckets keep their shape


@pytest.mark.parametrize(("columns", "words"), [
    ({"id": "P", "ts": [1, 2], "v": [1.0], "q": [["good", 2]]}, "differ in length"),
    ({"id": "P", "ts": [1], "v": [1.0], "q": [["good", 2]]}, "differ in length"),
    ({"id": "P", "ts": [1], "v": [1.0], "q": [["perfect", 1]]}, "'perfect' is not a quality"),
    ({"id": "P", "ts": ["x"], "v": [1.0], "q": [["good", 1]]}, "do not fit"),
    ({"id": "P", "ts": [1], "v": [1.0]}, "do not fit"),
    ({"id": "P", "ts": [1], "v": [1.0], "q": [["good", -1]]}, "do not fit"),
])
def test_columns_that_do_not_fit_are_named(columns, words):
    with pytest.raises(CodecError, match=words):
        columns_from_json(columns)


@pytest.mark.parametrize(("data", "words"), [
    ({"id": "x"}, "Alarm.id: expected an integer"),
    ({**encode(ALARM), "level": 9}, "Alarm.level: 9 is not one of"),
    ({**encode(ALARM), "state": "exploded"}, "Alarm.state"),
    ({k: v for k, v in encode(ALARM).items() if k != "point"}, "'point' is missing"),
    ([], "expected an object"),
])
def test_a_shape_that_does_not_fit_is_named(data, words):
    with pytest.raises(CodecError, match=words.replace("(", r"\(").replace(".", r"\.")):
        decode(Alarm, data)


def test_bad_samples_are_named():
    with pytest.raises(CodecError, match="a sample must be"):
        sample_from_row(["only", 2])
    with pytest.raises(CodecError, match="lacks 'ts'"):
        sample_from_object({"id": "x"})
