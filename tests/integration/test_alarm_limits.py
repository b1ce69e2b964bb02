"""Alarm limits changed without a restart: from the console (stored, with history) and in the site file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from app.alarms.journal_db import BadJournalQuery
from app.alarms.limits import LimitStore
from app.alarms.model import AlarmState, Level
from app.alarms.rules import compile_rules
from app.config import load_site
from app.sources.direct import DirectSource

DEMO = Path(__file__).resolve().parents[2] / "resources" / "sites" / "demo.yaml"


async def until(condition, timeout: float = 40.0, what: str = "condition"):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        result = await condition()
        if result:
            return result
        if loop.time() > end:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(0.2)


def alarms_of(source: DirectSource, point: str):
    async def check():
        return [a for a in await source.alarms() if a.point == point]

    return check


def test_runtime_limits_replace_the_site_files_for_that_point_only():
    site = load_site()
    plain = compile_rules(site)
    assert "T1-TCU.TA:H" in plain.conditions and "T1-TCU.TB:H" in plain.conditions
    changed = compile_rules(site, {"T1-TCU.TA": {"H": {"value": 90, "level": 3}}, "T2-TCU.TA": None})
    assert changed.conditions["T1-TCU.TA:H"].level == Level.MINOR
    assert "T1-TCU.TA:HH" not in changed.conditions  # the runtime rule is the point's whole rule
    assert "T2-TCU.TA:H" not in changed.conditions  # None: no limits at all
    assert changed.conditions["T1-TCU.TB:H"].level == Level.MAJOR  # other points keep the file's


def test_limit_store_keeps_changes_and_refuses_nonsense_in_words(tmp_path, db_url):
    store = LimitStore(db_url)
    store.open()
    try:
        with pytest.raises(BadJournalQuery, match="LL < L < H < HH"):
            store.set("T1-TCU.TA", {"H": 150, "HH": 130}, "eng")
        assert store.current() == {}
        store.set("T1-TCU.TA", {"H": {"value": 120, "level": 2}, "deadband": 2}, "王工", ts=1000)
        store.set("T1-TCU.TA", {"H": {"value": 125, "level": 2}}, "李工", ts=2000)
        store.set("ENV-1.temp", None, "王工", ts=3000)
        assert store.current()["T1-TCU.TA"]["H"]["value"] == 125
        assert store.current()["ENV-1.temp"] is None
        history = store.history("T1-TCU.TA")
        assert [(c.user, c.old and c.old["H"]["value"], c.new["H"]["value"]) for c in history] == [
            ("李工", 120, 125), ("王工", None, 120)]
        store.revert("T1-TCU.TA", "李工", ts=4000)
        assert "T1-TCU.TA" not in store.current()
        assert store.history("T1-TCU.TA")[0].new is None
    finally:
        store.close()


@pytest.mark.timeout(180)
async def test_a_limit_changed_at_runtime_raises_at_once_survives_a_restart_and_reverts(db_url):
    site = load_site()
    source = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await source.start()
    try:
        for bus in source.scan.scans.values():
            for d in bus.devices:
                d.period = 1.0
        await until(lambda: _now("T1-TCU.TA" in source._latest), what="winding temperature")
        limits, origin = await source.point_limits("T1-TCU.TA")
        assert origin == "site" and limits["H"]["value"] == 130
        # the transformer is at a few tens of °C: a limit of 5 °C must raise within a poll or two
        await source.set_point_limits("T1-TCU.TA", {"H": {"value": 5, "level": 3}}, "王工")
        raised = (await until(alarms_of(source, "T1-TCU.TA"), what="the new limit's alarm"))[0]
        assert raised.level is Level.MINOR and raised.state is AlarmState.ACTIVE_UNACKED
        assert (await source.point_limits("T1-TCU.TA")) == ({"H": {"value": 5.0, "level": 3}}, "runtime")
    finally:
        await source.stop()

    again = DirectSource(site, db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await again.start()
    try:
        for bus in again.scan.scans.values():
            for d in bus.devices:
                d.period = 1.0
        assert (await again.point_limits("T1-TCU.TA"))[1] == "runtime"
        assert [a.id for a in await again.alarms() if a.point == "T1-TCU.TA"] == [raised.id]
        await again.revert_point_limits("T1-TCU.TA", "王工")
        cleared = await until(lambda: _cleared(again, raised.id), what="the alarm clearing after the revert")
        assert cleared.state is AlarmState.CLEARED_UNACKED  # still waits for the operator's acknowledgement
        assert (await again.point_limits("T1-TCU.TA"))[1] == "site"
    finally:
        await again.stop()


@pytest.mark.timeout(180)
async def test_an_edited_site_file_runs_its_rules_without_a_restart_and_a_broken_one_is_refused(
    tmp_path, caplog, db_url
):
    path = tmp_path / "site.yaml"
    text = DEMO.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    source = DirectSource(load_site(path), db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await source.start()
    try:
        for bus in source.scan.scans.values():
            for d in bus.devices:
                d.period = 1.0
        # an engineer lowers the room temperature limit to something the room is surely above
        edited = text.replace(
            "- {id: room-temperature, kind: limit, point: ENV-1.temp, H: {value: 40, level: 3}, deadband: 1, "
            "on_delay: 60}",
            "- {id: room-temperature, kind: limit, point: ENV-1.temp, H: {value: -30, level: 2}}",
        )
        assert edited != text
        path.write_text(edited, encoding="utf-8")
        alarm = (await until(alarms_of(source, "ENV-1.temp"), what="the edited rule's alarm"))[0]
        assert alarm.level is Level.MAJOR
        # a broken save: said in the log in words, the rules in force stay
        caplog.set_level(logging.ERROR, logger="app.alarms.core")
        path.write_text(edited.replace("H: {value: -30, level: 2}", "H: {value: -30, level: 9}"), encoding="utf-8")
        await until(lambda: _now(any("cannot be used" in r.getMessage() for r in caplog.records)),
                    what="the refusal in the log")
        assert [a.id for a in await source.alarms() if a.point == "ENV-1.temp"] == [alarm.id]
    finally:
        await source.stop()


async def _now(value):
    return value


async def _cleared(source: DirectSource, alarm_id: int):
    alarm = next((a for a in await source.alarms() if a.id == alarm_id), None)
    return alarm if alarm is not None and alarm.cleared_at is not None else None
