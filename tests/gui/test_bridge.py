"""SourceBridge against the real demo plant: DirectSource + simulator over loopback sockets.

What is checked is the bridge's promise to the widgets: every point arrives, batches are
capped at rate_hz, answers and errors come back on the GUI thread, failures are words.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from app.config import load_site
from app.model import Sample
from app.sources.base import SiteModel, SourceStatus
from app.sources.direct import DirectSource
from widgets.bridge import SourceBridge, SourceNotRunning, describe

ALL_POINTS_S = 20.0


def demo_factory(db: Path):
    def make() -> DirectSource:
        return DirectSource(load_site(), db, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)

    return make


@pytest.fixture
def bridge(qtbot, tmp_path):
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"))
    with qtbot.waitSignal(b.started, timeout=20_000):
        b.start()
    yield b
    b.stop()


def test_all_points_arrive(qtbot, bridge):
    site = bridge.site()
    assert isinstance(site, SiteModel)
    ids = {p.id for p in site.points}
    assert len(ids) > 900
    seen: set[str] = set()

    def on_samples(batch: dict) -> None:
        assert QThread.currentThread() is QCoreApplication.instance().thread()
        assert all(isinstance(s, Sample) and s.point == k for k, s in batch.items())
        seen.update(batch)

    bridge.samples.connect(on_samples)
    qtbot.waitUntil(lambda: ids <= seen, timeout=int(ALL_POINTS_S * 1000))
    assert ids <= set(bridge.latest)


def test_batches_capped_at_rate(qtbot, tmp_path):
    rate = 5.0
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"), rate_hz=rate)
    with qtbot.waitSignal(b.started, timeout=20_000):
        b.start()
    try:
        batches = []
        b.samples.connect(lambda batch: batches.append(time.monotonic()))
        window = 3.0
        qtbot.wait(int(window * 1000))
        assert batches, "no samples in three seconds"
        # A rate cap, not a speed claim: never more batches than the rate allows (+ slack).
        assert len(batches) <= rate * window + 2
    finally:
        b.stop()


def test_status_and_link_events(qtbot, tmp_path):
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"))
    events = []
    b.link_event.connect(events.append)
    with qtbot.waitSignal(b.status, timeout=20_000) as blocker:
        b.start()
    try:
        st = blocker.args[0]
        assert isinstance(st, SourceStatus) and st.kind == "direct" and st.points > 900
        qtbot.waitUntil(lambda: len(events) >= 1, timeout=10_000)
        assert events[0].gateway
    finally:
        b.stop()


def test_request_answers_on_gui_thread(qtbot, bridge):
    point = bridge.site().points[0].id
    gui = QCoreApplication.instance().thread()
    answers = []

    def on_done(history) -> None:
        answers.append((history, QThread.currentThread() is gui))

    now = int(time.time() * 1000)
    bridge.request(lambda s: s.history(point, now - 3_600_000, now + 60_000), on_done)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    history, on_gui = answers[0]
    assert on_gui
    assert history.point == point


def test_plain_function_request(qtbot, bridge):
    answers = []
    bridge.request(lambda s: s.status(), answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert isinstance(answers[0], SourceStatus)


def test_request_that_raises_calls_on_error(qtbot, bridge):
    gui = QCoreApplication.instance().thread()
    errors = []

    def on_error(exc: Exception) -> None:
        errors.append((exc, QThread.currentThread() is gui))

    bridge.request(lambda s: s.history("NO-SUCH.point", 0, 1), lambda _: pytest.fail("answered"), on_error)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    exc, on_gui = errors[0]
    assert on_gui
    assert "NO-SUCH.point" in str(exc)


def test_request_without_on_error_reports_in_words(qtbot, bridge):
    def boom(_source):
        raise ValueError("the range ends before it starts")

    with qtbot.waitSignal(bridge.error, timeout=10_000) as blocker:
        bridge.request(boom, lambda _: None)
    assert "the range ends before it starts" in blocker.args[0]


def test_bad_database_emits_error_in_words(qtbot, tmp_path):
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("a file where the database folder should be", encoding="utf-8")
    b = SourceBridge(demo_factory(blocker_file / "h.sqlite"))
    started = []
    b.started.connect(lambda: started.append(True))
    with qtbot.waitSignal(b.error, timeout=20_000) as blocker:
        b.start()
    message = blocker.args[0]
    assert "Traceback" not in message
    assert "could not start" in message
    assert len(message) > len("The data source could not start: ")
    assert not started and not b.running
    with pytest.raises(SourceNotRunning):
        b.site()
    errors = []
    b.request(lambda s: s.status(), lambda _: pytest.fail("answered"), errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], SourceNotRunning)
    b.stop()
    b.stop()


def test_port_in_use_emits_error_in_words(qtbot, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        def factory() -> DirectSource:
            return DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", port), simulate=True)

        b = SourceBridge(factory)
        with qtbot.waitSignal(b.error, timeout=20_000) as blocker:
            b.start()
        b.stop()
    assert "could not start" in blocker.args[0]
    assert str(port) in blocker.args[0]
    assert "Traceback" not in blocker.args[0]
    assert "Errno" not in blocker.args[0]


def test_factory_that_raises_emits_error(qtbot, tmp_path):
    def bad_factory():
        return DirectSource(load_site(), "bogus://nowhere", listen=("127.0.0.1", 0))

    b = SourceBridge(bad_factory)
    with qtbot.waitSignal(b.error, timeout=10_000) as blocker:
        b.start()
    assert "SQLite or PostgreSQL" in blocker.args[0]
    b.stop()


def test_stop_twice_and_requests_after_stop(qtbot, tmp_path):
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"))
    with qtbot.waitSignal(b.started, timeout=20_000):
        b.start()
    assert b.running
    b.stop()
    b.stop()
    assert not b.running
    errors = []
    b.request(lambda s: s.status(), lambda _: pytest.fail("answered"), errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], SourceNotRunning)


def test_stop_without_start_and_bad_rate(qtbot, tmp_path):
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"))
    b.stop()
    b.stop()
    with pytest.raises(ValueError, match="positive"):
        SourceBridge(demo_factory(tmp_path / "h.sqlite"), rate_hz=0)


def test_stop_while_starting(qtbot, tmp_path):
    b = SourceBridge(demo_factory(tmp_path / "h.sqlite"))
    started = []
    b.started.connect(lambda: started.append(True))
    b.start()
    b.stop()
    qtbot.wait(50)
    assert not started and not b.running


def test_describe_speaks_words():
    assert describe(OSError(98, "address already in use")) == "address already in use"
    assert describe(ConnectionRefusedError(111, "Connection refused", "x")).startswith("Connection refused")
    assert describe(TimeoutError()) == "TimeoutError"
    assert describe(ValueError("the point T1.Ia is unknown")) == "the point T1.Ia is unknown"


def test_alarm_events_arrive_in_order_on_the_gui_thread_and_floods_are_coalesced(qtbot, bridge):
    """Every change arrives once and in order; after a flood-sized delivery the next waits longer."""
    from app.alarms.model import Change
    from widgets.bridge import FLOOD_BATCH, FLOOD_GAP_S

    got: list = []

    def on_alarms(events: list) -> None:
        assert QThread.currentThread() is QCoreApplication.instance().thread()
        got.append(list(events))

    bridge.alarm_events.connect(on_alarms)

    async def smoke_then_ack(source: DirectSource) -> int:
        t = int(time.time() * 1000)
        source._on_samples([Sample("ENV-1.smoke", t, 1.0)])
        alarm = next(a for a in await source.alarms() if a.point == "ENV-1.smoke")
        await source.acknowledge([alarm.id], "值班员", "查看中")
        return alarm.id

    box: list = []
    bridge.request(smoke_then_ack, box.append)
    done = (Change.ACKED, Change.NORMAL)  # the plant's own next sample may clear it before the ack
    qtbot.waitUntil(lambda: bool(box) and any(e.change in done and e.user for b in got for e in b), timeout=10_000)
    changes = [e.change for b in got for e in b if e.alarm.id == box[0]]
    assert changes in ([Change.RAISED, Change.ACKED], [Change.RAISED, Change.CLEARED, Change.NORMAL],
                       [Change.RAISED, Change.ACKED, Change.CLEARED, Change.NORMAL])  # in the order they happened

    one = got[-1][-1]
    for size, gap in ((FLOOD_BATCH, FLOOD_GAP_S), (1, 1.0 / bridge.rate_hz)):  # a flood's delivery, then a quiet one
        with bridge._pending_lock:
            bridge._pending_alarms.extend([one] * size)
        bridge._deliver_alarms()
        assert bridge._alarms_gap == pytest.approx(gap)
