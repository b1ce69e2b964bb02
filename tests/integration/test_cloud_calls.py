"""The rest of the DataSource contract through CloudSource, checked against the DirectSource it reads.

Alarms (list, journal, acknowledge with its 409, shelve, unshelve), limits, as-of, notification
channels, fault records, users, passwords and the audit log: every answer the cloud gives must
be what the DirectSource behind the server gives, and every refusal the same exception class.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest

from app.alarms.model import AlarmActionError, AlarmState, JournalQuery
from app.auth import Action, BadCredentials, PermissionDenied, Result, Role, UnknownUser, UserConflict
from app.config import load_site
from app.sources.cloud import CloudSource
from app.sources.direct import DirectSource
from tests.integration.cloud_rig import ADMIN, cloud_client, served


async def until(condition, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await condition():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def plant(db_url: str):
    src = DirectSource(load_site(), db_url, listen=("127.0.0.1", 0), simulate=True, bus_timing=False)
    await src.start()
    assert src.scan is not None
    for bus in src.scan.scans.values():
        for d in bus.devices:
            d.period = 1.0
    try:
        yield src
    finally:
        await src.stop()


async def test_alarms_limits_and_values_answer_as_the_direct_source_does(sqlite_url):
    async with plant(sqlite_url) as direct, served(direct) as api, cloud_client(api.url) as cloud:
        assert direct.simulator is not None
        direct.simulator.open_breaker("F1-01")

        async def raised() -> bool:
            return bool(await cloud.alarms("active"))

        await until(raised)
        assert {a.id for a in await cloud.alarms("active")} == {a.id for a in await direct.alarms("active")}
        alarm = (await cloud.alarms("active"))[0]
        shelved = await cloud.shelve(alarm.id, 5, "maintenance", ADMIN)
        assert shelved.state is AlarmState.SHELVED and shelved.shelve_reason == "maintenance"
        back = await cloud.unshelve(alarm.id, ADMIN)
        assert back.state is not AlarmState.SHELVED
        with pytest.raises(AlarmActionError):
            await cloud.unshelve(alarm.id, ADMIN)  # not shelved any more
        done = await cloud.acknowledge([alarm.id], ADMIN, "seen from the cloud")
        assert done[0].id == alarm.id and done[0].acked_by == ADMIN and done[0].ack_comment == "seen from the cloud"
        with pytest.raises(AlarmActionError):
            await cloud.acknowledge([alarm.id], ADMIN)  # already acknowledged: 409
        journal = await cloud.alarm_journal(JournalQuery(alarm_id=alarm.id, limit=50))
        assert journal == await direct.alarm_journal(JournalQuery(alarm_id=alarm.id, limit=50))
        changes = {str(j.change) for j in journal}
        assert changes >= {"raised", "shelved", "unshelved"} and changes & {"acked", "normal"}
        assert await cloud.alarms("all", limit=5) == await direct.alarms("all", limit=5)
        # limits: read, changed at runtime, back to the file's
        assert await cloud.point_limits("T1-TCU.TA") == await direct.point_limits("T1-TCU.TA")
        spec = {"H": {"value": 120, "level": 2}, "HH": {"value": 140, "level": 1}, "deadband": 3}
        await cloud.set_point_limits("T1-TCU.TA", spec, ADMIN)
        limits, origin = await direct.point_limits("T1-TCU.TA")
        assert origin == "runtime" and limits is not None and limits["HH"]["value"] == 140
        await cloud.revert_point_limits("T1-TCU.TA", ADMIN)
        assert (await cloud.point_limits("T1-TCU.TA"))[1] == "site"
        with pytest.raises(KeyError):
            await cloud.point_limits("NO.SUCH-POINT")
        # values at a moment, history of an unknown point
        now = int(time.time() * 1000)
        ids = ["T1-LV-IN.Ia", "ENV-1.temp", "HV-IN.P"]
        assert await cloud.as_of(ids, now) == await direct.as_of(ids, now)
        with pytest.raises(KeyError):
            await cloud.history("NO.SUCH-POINT", now - 60_000, now)
        assert await cloud.fault_records() == await direct.fault_records()

        async def channels_read() -> bool:
            return cloud.notification_status() == direct.notification_status()

        await until(channels_read)
        assert cloud.flood() == direct.flood()
        rows = await cloud.audit(actions=[Action.ACKNOWLEDGE, Action.SHELVE, Action.LIMIT_CHANGE], limit=50)
        seen = {(r.action, r.user, r.result) for r in rows}
        assert {(Action.ACKNOWLEDGE, ADMIN, Result.OK), (Action.ACKNOWLEDGE, ADMIN, Result.REFUSED),
                (Action.SHELVE, ADMIN, Result.OK), (Action.LIMIT_CHANGE, ADMIN, Result.OK)} <= seen
        assert all(r.address == "127.0.0.1" for r in rows)  # the server audits where the call came from


async def test_users_and_passwords_through_the_server(sqlite_url):
    site = load_site()
    direct = DirectSource(site, sqlite_url, listen=("127.0.0.1", 0), simulate=False)
    await direct.start()
    try:
        async with served(direct) as api, cloud_client(api.url) as cloud:
            assert not await cloud.needs_first_admin()
            with pytest.raises(PermissionError):
                await cloud.create_first_admin("another", "Some-Strong-Passw0rd")
            made = await cloud.create_user("li", Role.OPERATOR, "Li-Shift-0perator", rooms=["LV"],
                                           display_name="李工")
            assert (made.role, made.rooms, made.display_name) == (Role.OPERATOR, ("LV",), "李工")
            with pytest.raises(UserConflict):
                await cloud.create_user("li", Role.OPERATOR, "Li-Shift-0perator")
            changed = await cloud.update_user("li", role=Role.ENGINEER, rooms=[])
            assert changed.role is Role.ENGINEER and changed.rooms == ()
            assert {u.name: u.role for u in await cloud.users()}["li"] is Role.ENGINEER
            with pytest.raises(UnknownUser):
                await cloud.update_user("nobody", display_name="x")
            other = CloudSource(api.url, credentials=("li", "Li-Shift-0perator"))
            await other.start()
            try:
                with pytest.raises(PermissionDenied):
                    await other.users()
                with pytest.raises(BadCredentials):
                    await other.change_password("wrong old one", "Li-New-Passw0rd-9")
                await other.change_password("Li-Shift-0perator", "Li-New-Passw0rd-9")
                await other.logout()
                with pytest.raises(BadCredentials):
                    await other.login("li", "Li-Shift-0perator")
                assert (await other.login("li", "Li-New-Passw0rd-9")).user.name == "li"
            finally:
                await other.stop()
            await cloud.delete_user("li")
            assert "li" not in {u.name for u in await cloud.users()}
            rows = await cloud.audit(user=ADMIN, limit=100)
            assert {Action.USER_CREATE, Action.LOGIN} <= {r.action for r in rows}
    finally:
        await direct.stop()
