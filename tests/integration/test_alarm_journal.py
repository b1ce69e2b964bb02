"""The alarm journal on real SQLite and real PostgreSQL: append, search by every filter, restore.

Also: the schema upgrade from the historian's first revision keeps the history already stored,
a locked or full SQLite database keeps the batch in memory and writes it on retry, and a process
killed while appending loses nothing it reported committed.
"""

from __future__ import annotations

import math
import os
import queue
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from app.alarms.journal import AlarmJournal, BadJournalQuery, JournalUnavailable
from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.historian import Historian, PointInfo
from app.historian.database import MIGRATIONS, database_url
from app.model import Sample

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_780_000_000_000

S = AlarmState


def alarm(i: int, point: str, level: Level, msg: str, msg_en: str, *, device: str, room: str,
          raised_at: int, kind: str = "limit") -> Alarm:
    return Alarm(i, f"{point}:{kind}", f"{point}:{kind}", point, level, S.ACTIVE_UNACKED, msg, msg_en, 1.0,
                 raised_at, device=device, room=room, kind=kind)


def scenario() -> list[AlarmEvent]:
    """Three occurrences in two rooms: raised, acked, cleared, normal; one shelved."""
    a1 = alarm(1, "T1-TCU.Ta", Level.CRITICAL, "1号变压器A相绕组温度过高", "T1 winding A over-temperature",
               device="T1-TCU", room="HV", raised_at=T0)
    a2 = alarm(2, "F03.Ia", Level.MINOR, "馈线3 A相电流越上限", "Feeder 3 phase A current HIGH",
               device="F03", room="LV", raised_at=T0 + 10_000)
    a3 = alarm(3, "ENV-1.smoke", Level.MAJOR, "配电室烟感报警", "Switch room smoke detected",
               device="ENV-1", room="LV", raised_at=T0 + 20_000, kind="state")
    return [
        AlarmEvent(a1, Change.RAISED, T0, 131.5),
        AlarmEvent(a2, Change.RAISED, T0 + 10_000, 412.0),
        AlarmEvent(a1.evolve(state=S.ACTIVE_ACKED, acked_at=T0 + 15_000, acked_by="张工", ack_comment="已通知检修"),
                   Change.ACKED, T0 + 15_000, 129.0, "张工", "已通知检修"),
        AlarmEvent(a3, Change.RAISED, T0 + 20_000, 1.0),
        AlarmEvent(a2.evolve(state=S.CLEARED_UNACKED, cleared_at=T0 + 30_000), Change.CLEARED, T0 + 30_000, 380.0),
        AlarmEvent(a2.evolve(state=S.NORMAL, cleared_at=T0 + 30_000, acked_at=T0 + 40_000, acked_by="li"),
                   Change.NORMAL, T0 + 40_000, 377.0, "li", "100% load test_done"),
        AlarmEvent(a3.evolve(state=S.SHELVED, shelved_until=T0 + 3_650_000, shelve_reason="探头检修"),
                   Change.SHELVED, T0 + 50_000, 1.0, "li", "smoke detector under maintenance"),
    ]


@pytest.fixture
def journal(db_url):
    j = AlarmJournal(db_url)
    j.open()
    try:
        yield j
    finally:
        j.close()


def ids(entries) -> list[tuple[int, str]]:
    return [(e.alarm_id, str(e.change)) for e in entries]


def test_every_event_is_stored_with_all_its_fields(journal):
    events = scenario()
    assert journal.append(events) == 7
    assert journal.count() == 7
    got = journal.search()
    assert [e.ts for e in got] == sorted((e.ts for e in events), reverse=True)  # newest first
    ack = journal.search(changes=["acked"])[0]
    assert (ack.alarm_id, ack.key, ack.rule, ack.kind, ack.point, ack.device, ack.room) == (
        1, "T1-TCU.Ta:limit", "T1-TCU.Ta:limit", "limit", "T1-TCU.Ta", "T1-TCU", "HV")
    assert (ack.level, ack.state, ack.change, ack.value) == (Level.CRITICAL, S.ACTIVE_ACKED, Change.ACKED, 129.0)
    assert (ack.user, ack.comment, ack.ts, ack.raised_at) == ("张工", "已通知检修", T0 + 15_000, T0)
    assert ack.message == "1号变压器A相绕组温度过高" and ack.message_in("en") == "T1 winding A over-temperature"
    assert ack.to_json()["level"] == 1 and ack.to_json()["state"] == "active_acked"
    assert [e.change for e in journal.history(2)] == [Change.RAISED, Change.CLEARED, Change.NORMAL]


def test_search_by_every_filter(journal):
    journal.append(scenario())
    assert ids(journal.search(start_ms=T0 + 10_000, end_ms=T0 + 30_000)) == [(3, "raised"), (1, "acked"),
                                                                             (2, "raised")]
    assert ids(journal.search(point="F03.Ia")) == [(2, "normal"), (2, "cleared"), (2, "raised")]
    assert {e.alarm_id for e in journal.search(point=["F03.Ia", "ENV-1.smoke"])} == {2, 3}
    assert {e.alarm_id for e in journal.search(device="T1-TCU")} == {1}
    assert {e.alarm_id for e in journal.search(room="LV")} == {2, 3}
    assert {e.alarm_id for e in journal.search(levels=[Level.CRITICAL, 2])} == {1, 3}
    assert ids(journal.search(states=["shelved", S.CLEARED_UNACKED])) == [(3, "shelved"), (2, "cleared")]
    assert ids(journal.search(changes=[Change.NORMAL])) == [(2, "normal")]
    assert ids(journal.search(alarm_id=1)) == [(1, "acked"), (1, "raised")]
    # filters combine
    assert ids(journal.search(room="LV", levels=[3], changes=["raised"], start_ms=T0)) == [(2, "raised")]
    assert journal.search(device="nowhere") == []
    assert journal.count(room="LV") == 5


def test_text_search_in_chinese_english_point_and_comment(journal):
    journal.append(scenario())
    assert {e.alarm_id for e in journal.search(text="温度过高")} == {1}
    assert {e.alarm_id for e in journal.search(text="烟感")} == {3}
    assert {e.alarm_id for e in journal.search(text="over-TEMPERATURE")} == {1}  # Latin case ignored
    assert {e.alarm_id for e in journal.search(text="f03.ia")} == {2}  # the point id
    assert ids(journal.search(text="探头")) == []  # shelve reasons are the snapshot's, not the row's comment
    assert ids(journal.search(text="maintenance")) == [(3, "shelved")]  # the comment
    assert ids(journal.search(text="通知检修")) == [(1, "acked")]
    # % and _ are searched literally, not as wildcards
    assert ids(journal.search(text="100%")) == [(2, "normal")]
    assert ids(journal.search(text="test_done")) == [(2, "normal")]
    assert journal.search(text="test-done") == []
    assert journal.count(text="A相") == 5


def test_paging_through_a_long_journal(journal):
    a = alarm(7, "F01.P", Level.NOTICE, "馈线1 功率", "Feeder 1 power", device="F01", room="LV", raised_at=T0)
    events = [AlarmEvent(a.evolve(level=Level(1 + i % 4)), Change.LEVEL, T0 + i * 1000, float(i)) for i in range(250)]
    journal.append(events)
    seen: list[float] = []
    for page in range(0, 5):
        rows = journal.search(limit=60, offset=page * 60)
        seen += [r.value for r in rows]
    assert seen == [float(i) for i in range(249, -1, -1)]
    assert journal.count(levels=[1]) == 63
    assert [r.value for r in journal.search(levels=[1], limit=3, offset=1)] == [244.0, 240.0, 236.0]
    with pytest.raises(BadJournalQuery, match="limit"):
        journal.search(limit=-1)
    with pytest.raises(BadJournalQuery, match="not an alarm level"):
        journal.search(levels=[9])
    with pytest.raises(BadJournalQuery, match=r"not an alarm state.*active_unacked"):
        journal.search(states=["on fire"])
    with pytest.raises(BadJournalQuery, match=r"ends .* before it starts"):
        journal.search(start_ms=T0, end_ms=T0)


def test_alarm_list_and_restore_after_reopen(db_url):
    with AlarmJournal(db_url) as j:
        assert j.max_alarm_id() == 0 and j.active_alarms() == [] and j.alarms("all") == []
        j.append(scenario()[:4])
        j.append(scenario()[4:])  # a second batch updates the snapshots
    with AlarmJournal(db_url) as j:  # a restart
        active = j.active_alarms()
        assert [(a.id, a.state) for a in active] == [(1, S.ACTIVE_ACKED), (3, S.SHELVED)]
        t1 = active[0]
        assert (t1.acked_by, t1.ack_comment, t1.acked_at, t1.value, t1.room) == ("张工", "已通知检修", T0 + 15_000,
                                                                                1.0, "HV")
        assert active[1].shelve_reason == "探头检修" and active[1].shelved_until == T0 + 3_650_000
        assert [a.id for a in j.alarms("active")] == [3, 1]  # newest raised first
        assert [a.id for a in j.alarms("all")] == [3, 2, 1]
        assert j.alarms("all")[1].state is S.NORMAL
        assert [a.id for a in j.alarms("all", since=T0 + 40_000)] == [3, 2]  # changed since
        assert [a.id for a in j.alarms("all", limit=1)] == [3]
        assert j.alarm(2).acked_by == "li" and j.alarm(99) is None
        assert j.max_alarm_id() == 3
        assert j.alarms("active")[0].to_json()["state"] == "shelved"
        with pytest.raises(BadJournalQuery, match="'active' or 'all'"):
            j.alarms("open")  # type: ignore[arg-type]


def test_odd_values_are_stored_and_malformed_items_refused(journal):
    a = alarm(5, "G1.comm", Level.MAJOR, "网关\x00离线", "Gateway offline", device="G1", room="LV", raised_at=T0,
              kind="comm")
    events = [AlarmEvent(a, Change.RAISED, T0, math.nan), "not an event",
              AlarmEvent(a.evolve(level=7), Change.LEVEL, T0 + 1)]  # type: ignore[list-item]
    with pytest.raises(BadJournalQuery, match=r"2 items .* malformed .*the 1 others were"):
        journal.append(events)  # type: ignore[arg-type]
    (row,) = journal.search()
    assert row.value is None and row.message == "网关离线"
    assert journal.status.ok and journal.status.pending == 0


def migrate_to(url: str, revision: str, direction: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
    finally:
        engine.dispose()


def revision_of(url: str) -> tuple[str, ...]:
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return tuple(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def test_upgrade_of_a_first_revision_historian_database_keeps_its_history(db_url):
    # a database made by the first revision: history written, then brought back to 0001
    with Historian(db_url, commit_interval=0.05) as h:
        h.register_points([PointInfo("T1-LV-IN.Ia", "A", deadband=None)])
        h.write([Sample("T1-LV-IN.Ia", T0 + i * 1000, float(i)) for i in range(100)])
    migrate_to(db_url, "0001", "downgrade")
    assert revision_of(db_url) == ("0001",)
    with AlarmJournal(db_url) as j:  # opening the journal upgrades it
        assert revision_of(db_url)[0] >= "0002"  # the newest revision, which has the journal
        j.append(scenario())
        assert j.count() == 7
    with Historian(db_url) as h:
        assert [v for _, v, _ in h.raw("T1-LV-IN.Ia", T0, T0 + 100_000)] == [float(i) for i in range(100)]
    with AlarmJournal(db_url) as j:
        assert j.count() == 7


def test_a_locked_database_keeps_the_batch_and_writes_it_on_retry(tmp_path):
    path = tmp_path / "history.sqlite"
    events = scenario()
    with AlarmJournal(path, busy_timeout=0.05) as j:
        j.append(events[:2])
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
            with pytest.raises(JournalUnavailable, match=r"locked by another program.*3 alarm events are kept"):
                j.append(events[2:5])
            assert not j.status.ok and "locked" in j.status.message and j.status.pending == 3
            assert {a.id for a in j.active_alarms()} == {1, 2, 3}  # kept events count for a restore
            assert j.max_alarm_id() == 3
            with pytest.raises(JournalUnavailable):
                j.retry()
            other.execute("COMMIT")
        finally:
            other.close()
        assert j.append(events[5:]) == 5  # the kept three, in order, then the new two, in one transaction
        assert j.status.ok and j.status.pending == 0 and j.status.written == 7
        assert [e.ts for e in j.search()] == sorted((e.ts for e in events), reverse=True)
        assert j.alarm(2).state is S.NORMAL


def test_a_full_disk_is_said_in_words_and_loses_nothing(tmp_path):
    path = tmp_path / "history.sqlite"
    with AlarmJournal(path):
        pass
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    from sqlalchemy import Engine, event

    limit = {"pages": pages + 2}

    def on_connect(dbapi_connection, _record) -> None:
        if limit["pages"]:
            dbapi_connection.execute(f"PRAGMA max_page_count = {limit['pages']}")

    event.listen(Engine, "connect", on_connect)
    try:
        j = AlarmJournal(path, max_pending=500)
        j.open()
        try:
            a = alarm(1, "F01.Ia", Level.MINOR, "电流" * 200, "current " * 100, device="F01", room="LV",
                      raised_at=T0)
            flood = [AlarmEvent(a.evolve(id=i), Change.RAISED, T0 + i) for i in range(1, 301)]
            with pytest.raises(JournalUnavailable, match="disk is full"):
                j.append(flood)
            with pytest.raises(JournalUnavailable, match="disk is full"):
                j.append([AlarmEvent(a.evolve(id=i), Change.RAISED, T0 + i) for i in range(301, 552)])
            assert j.status.pending == 500 and j.status.dropped == 51  # the cap: the oldest went, counted
            assert "51 alarm events were dropped" in j.status.message
            limit["pages"] = 0  # space again: the writer opens a new connection per transaction
            assert j.retry() == 500
            assert j.count() == 500 and j.status.pending == 0
            assert j.search(limit=1, offset=499)[0].alarm_id == 52
        finally:
            j.close()
    finally:
        event.remove(Engine, "connect", on_connect)


def test_postgresql_server_down_keeps_the_batch(tmp_path):
    from tests.integration import pg

    try:
        server = pg.start_server()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        with AlarmJournal(server.database()) as j:
            events = scenario()
            j.append(events[:3])
            server.pause()
            with pytest.raises(JournalUnavailable, match="cannot be reached"):
                j.append(events[3:])
            assert j.pending == 4
            server.resume()
            assert j.retry() == 4
            assert j.count() == 7
    finally:
        server.stop()


def child(url: str) -> None:
    """Append batches of 50 events forever, reporting the committed total (run in a subprocess)."""
    j = AlarmJournal(url)
    j.open()
    a = alarm(1, "F01.Ia", Level.MINOR, "馈线1电流越限", "Feeder 1 current high", device="F01", room="LV",
              raised_at=T0)
    i = 0
    while True:
        j.append([AlarmEvent(a.evolve(id=k + 1), Change.RAISED, T0 + k, float(k)) for k in range(i, i + 50)])
        i += 50
        print(f"COMMITTED {i}", flush=True)


def test_kill_9_while_appending_loses_nothing_committed(db_url):
    code = f"from tests.integration.test_alarm_journal import child; child({db_url!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x.strip()) for x in proc.stdout] + [lines.put(None)],
                     daemon=True).start()
    reported = 0
    try:
        while reported < 500:
            line = lines.get(timeout=60)  # a guard against a hung child, not a speed requirement
            assert line is not None, f"the child ended early: {proc.stderr.read()}"
            reported = int(line.split()[1])
    finally:
        proc.kill()  # SIGKILL: no close
        proc.wait(30)
        proc.stdout.close()
        proc.stderr.close()
    with AlarmJournal(db_url) as j:
        n = j.count()
        assert n >= reported and n % 50 == 0  # whole batches only: one transaction per batch
        assert [e.value for e in j.search(limit=n)] == [float(k) for k in range(n - 1, -1, -1)]
        assert j.max_alarm_id() == n and len(j.active_alarms()) == n
