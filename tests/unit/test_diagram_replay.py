"""Post-fault replay without Qt: the window, the one-question-in-flight rule, switch changes, which diagram."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.diagram.fileformat import load
from app.diagram.replay import (
    AFTER_MS,
    BEFORE_MS,
    NewestOnly,
    SwitchChange,
    WindowValues,
    devices_of,
    diagram_for,
    history_steps,
    slider_position,
    slider_time,
    state_points,
    switch_changes,
    window_around,
)
from app.diagram.symbols import load_library
from app.historian import History
from app.model import Quality, Sample
from tests.bench.diagram import build_plant, by_name

DIAGRAMS = Path(__file__).resolve().parents[2] / "resources" / "diagrams"
T0 = 1_764_000_000_000


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def demo(library):
    return [load(DIAGRAMS / f"{name}.json", library) for name in ("overview", "hv-room", "lv-room")]


def test_the_window_runs_from_five_minutes_before_to_ten_after_the_exact_chosen_time():
    at = T0 + 1234  # an alarm's raise time: the slider has a position exactly there
    start, end = window_around(at)
    assert start == at - BEFORE_MS and end == at + AFTER_MS
    assert slider_position(start, end, at) == 300 and slider_time(start, 300) == at
    assert slider_position(start, end, end) == 900  # 1 s steps
    assert slider_position(start, end, start - 99_000) == 0 and slider_position(start, end, end + 5) == 900
    assert slider_time(start, 301) - at == 1000


def test_only_one_question_is_out_and_a_fast_drag_asks_only_the_newest_time_next():
    q = NewestOnly()
    assert q.want(1) == 1
    asked = [1]
    for t in range(2, 500):  # the slider dragged across while the first query runs
        assert q.want(t) is None
    nxt = q.answered()
    assert nxt == 499
    asked.append(nxt)
    assert q.want(700) is None and q.want(650) is None
    asked.append(q.answered())
    assert asked == [1, 499, 650]
    assert q.answered() is None  # 650 was the newest wanted: nothing more to ask
    assert q.in_flight is None and q.wanted is None
    assert q.want(5) == 5  # idle again: asked at once


def test_a_failed_question_still_lets_the_next_one_go():
    q = NewestOnly()
    q.want(10)
    q.want(20)
    assert q.answered() == 20  # the bridge reports an error the same way as an answer
    assert q.answered() is None


def test_switch_changes_are_read_in_the_symbols_words_oldest_first(library):
    d = build_plant(library, sections=2, feeders=2)
    names = by_name(d)
    feeder = names["QF-F1-1"].bindings["position"]
    tie = names["TIE1"].bindings["position"]
    truck = names["QF-HV2"].bindings["withdrawn"]
    before = {feeder: Sample(feeder, T0 - 60_000, 1.0, Quality.GOOD), tie: Sample(tie, T0 - 60_000, 0.0, Quality.GOOD)}
    steps = {
        # the heartbeat repeats "closed" (no change), then the trip, then the state is lost and comes back open
        feeder: [(T0 - 60_000, 1.0, Quality.GOOD), (T0 + 1000, 1.0, Quality.GOOD), (T0 + 5000, 0.0, Quality.GOOD),
                 (T0 + 9000, 0.0, Quality.COMM_FAIL), (T0 + 12_000, 0.0, Quality.GOOD)],
        tie: [(T0 + 7000, 1.0, Quality.GOOD)],
        # no value before the window: its first sample tells the state, the next one is a change
        truck: [(T0 + 2000, 0.0, Quality.GOOD), (T0 + 3000, 1.0, Quality.GOOD)],
    }  # fmt: skip
    changes = switch_changes(d, steps, before)
    got = [(c.ts - T0, c.name, c.key, c.before, c.after) for c in changes]
    assert got == [
        (3000, "QF-HV2", "withdrawn", "inserted", "withdrawn"),
        (5000, "QF-F1-1", "position", "closed", "open"),
        (7000, "TIE1", "position", "open", "closed"),
        (9000, "QF-F1-1", "position", "open", None),
        (12_000, "QF-F1-1", "position", None, "open"),
    ]
    assert all(isinstance(c, SwitchChange) and c.symbol == names[c.name].uuid for c in changes)


def test_state_points_are_the_switches_state_bindings_only(library):
    d = build_plant(library, sections=1, feeders=2)
    points = state_points(d)
    assert "QF-F1-1.pos" in points and "QF-HV1.truck" in points
    assert all(placed.name for users in points.values() for placed, _ in users)
    assert devices_of(d) == ("TC1",)


def test_bucketed_history_gives_each_buckets_last_value():
    raw = History("p", "", True, samples=[(T0, 1.0, Quality.GOOD)])
    assert history_steps(raw) == [(T0, 1.0, Quality.GOOD)]
    buckets = History("p", "", False, buckets=[(T0, 0.0, 1.0, 0.5, 0.0), (T0 + 60_000, 0.0, 0.0, 0.0, 0.0)],
                      bucket_ms=60_000)  # fmt: skip
    assert history_steps(buckets) == [(T0, 0.0, Quality.GOOD), (T0 + 60_000, 0.0, Quality.GOOD)]


def test_an_alarm_opens_the_diagram_that_draws_its_point_in_its_room(demo):
    overview, hv, lv = demo
    assert diagram_for(demo, "F1-01", "F1-01.DI1") is lv
    assert diagram_for(demo, "F1-01", "F1-01.Ia") is lv  # a value label binds it
    assert diagram_for(demo, "F1-01", None) is lv  # a communication alarm names the device only
    # the incomer is on all three: its room's diagram, not the overview
    assert diagram_for(demo, "HV-IN", "HV-IN.DI1", room="HV") is hv
    assert diagram_for([overview, lv], "HV-IN", "HV-IN.DI1") is lv
    assert diagram_for(demo, "NOPE", "NOPE.x") is None
    assert diagram_for([], "F1-01", "F1-01.DI1") is None


def test_the_window_held_in_memory_answers_as_the_historians_as_of_query_does(tmp_path):
    """Every second of a window answered from memory equals the historian's own as-of answer."""
    from app.historian import Historian, PointInfo
    from app.model import PointKind

    rng = np.random.default_rng(4)
    seconds = 1200
    end = T0 + seconds * 1000
    h = Historian(tmp_path / "h.sqlite", clock=lambda: end / 1000)
    h.open()
    try:
        points = [PointInfo(f"D{i}.DI1", kind=PointKind.DIGITAL, deadband=0, max_interval_s=300) for i in range(6)]
        points += [PointInfo(f"D{i}.I", "A", deadband=2.0, max_interval_s=300) for i in range(6)]
        h.register_points(points)
        names = [p.id for p in points]
        for s in range(seconds):
            if s > 200 and rng.random() < 0.05:  # a gateway drops out now and then: bad quality stored
                quality = np.where(rng.random(len(names)) < 0.3, int(Quality.COMM_FAIL), int(Quality.GOOD))
            else:
                quality = np.zeros(len(names), np.uint8)
            values = np.r_[(rng.random(6) < 0.01) * 1.0 + (s // 300) % 2, 100 + 10 * np.sin(s / 60 + np.arange(6))]
            h.write_arrays(names, np.full(len(names), T0 + s * 1000), values, quality)
        h.compact(merge=True)
        start, stop = T0 + 400_000 + 123, T0 + 1_000_000
        before = h.as_of_many([*names, "never.stored"], start)
        steps = {p: h.history(p, start, stop + 1, 100_000).samples for p in names}
        held = WindowValues.of(start, stop, before, steps)
        assert held.covers(start) and held.covers(stop) and not held.covers(stop + 1)
        for ts in [start, stop, *rng.integers(start, stop, 120).tolist()]:
            assert held.at(int(ts)) == h.as_of_many(names, int(ts)), ts
    finally:
        h.close()


def test_a_point_without_history_is_absent_and_one_with_only_an_old_value_keeps_it():
    old = Sample("p", T0 - 3_600_000, 1.0, Quality.GOOD)  # stored an hour before, unchanged since
    held = WindowValues.of(T0, T0 + 60_000, {"p": old}, {"p": [], "q": [(T0 + 5000, 2.0, Quality.STALE)]})
    assert held.at(T0) == {"p": old}
    assert held.at(T0 + 5000) == {"p": old, "q": Sample("q", T0 + 5000, 2.0, Quality.STALE)}
