"""CloudSource through outages and the end of its session, against the real server on loopback.

The server is stopped mid-stream while the plant (simulator + DirectSource) goes on recording;
the client must notice, reconnect with backoff once the server is back on the same port, and
deliver what it missed — every stored sample of the gap, oldest first, before the live ones —
and the alarm raised meanwhile.  A session that ends on the server makes the client forget its
login and refuse with `SessionExpired`, until it logs in again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

import pytest

from app.alarms.model import AlarmEvent, Change
from app.auth import BadCredentials, PermissionDenied, Role, SessionExpired, Sessions
from app.config import load_site
from app.model import Sample
from app.sources.cloud import CloudSource
from app.sources.cloud_stream import Backoff
from app.sources.direct import DirectSource
from tests.integration.cloud_rig import ADMIN, ADMIN_PW, ServedApi, cloud_client, ensure_admin

POINT = "T1-LV-IN.Ia"
PERIOD_MS = 1000  # fast_polls: every device once a second


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
            d.period = PERIOD_MS / 1000
    try:
        await asyncio.get_running_loop().run_in_executor(None, ensure_admin, src.accounts.store)
        yield src
    finally:
        await src.stop()


@pytest.fixture
def url(sqlite_url) -> str:
    return sqlite_url


async def test_server_lost_mid_stream_then_back_the_gap_is_backfilled_and_the_alarm_arrives(url):
    async with plant(url) as direct:
        api = ServedApi(direct, direct.accounts.store)
        await api.start()
        try:
            async with cloud_client(api.url, backoff=Backoff(0.2, 1.0)) as cloud:
                seen: list[Sample] = []
                events: list[AlarmEvent] = []
                cloud.subscribe(seen.extend, None, events.extend)

                async def flowing() -> bool:
                    return sum(1 for s in seen if s.point == POINT) >= 3

                await until(flowing)
                await api.stop()  # the server goes away; the plant records on

                async def down() -> bool:
                    return not cloud.status().connected

                await until(down)
                assert "reconnect" in cloud.status().db
                outage_from = max(s.ts for s in seen if s.point == POINT)
                n_before = len(seen)
                assert direct.simulator is not None
                direct.simulator.open_breaker("F1-01")  # a trip while nobody watches

                async def tripped() -> bool:
                    return any(a.raised_at > outage_from for a in await direct.alarms("active"))

                await until(tripped)
                raised = [a for a in await direct.alarms("active") if a.raised_at > outage_from]

                async def recorded_meanwhile() -> bool:
                    h = await direct.history(POINT, outage_from + 1, int(time.time() * 1000), 5000)
                    return len(h.samples) >= 3

                await until(recorded_meanwhile)
                await asyncio.sleep(0.5)
                assert len(seen) == n_before  # nothing arrives while the server is away
                await api.start()  # back on the same port

                async def backfilled() -> bool:
                    return cloud.status().connected and cloud.stream.figures.backfilled_samples > 0

                await until(backfilled)
                back_at = int(time.time() * 1000)

                async def live_again() -> bool:
                    return any(s.point == POINT and s.ts > back_at for s in seen)

                await until(live_again)
                # every point's samples arrive oldest first, each once: the backfill came before the live ones
                by_point: dict[str, list[int]] = {}
                for s in seen:
                    by_point.setdefault(s.point, []).append(s.ts)
                for point, stamps in by_point.items():
                    assert stamps == sorted(set(stamps)), (point, stamps)
                # what the historian stored during the outage is exactly what was backfilled
                stored = await direct.history(POINT, outage_from + 1, back_at, 5000)
                assert stored.raw and len(stored.samples) >= 3
                got = [ts for ts in by_point[POINT] if outage_from < ts <= back_at]
                assert set(got) >= {ts for ts, _, _ in stored.samples}
                # and no hole larger than the sample period (with the poll scheduler's slack)
                span = [ts for ts in by_point[POINT] if ts >= outage_from - 5 * PERIOD_MS]
                gaps = [b - a for a, b in itertools.pairwise(span)]
                assert max(gaps) <= 2 * PERIOD_MS, gaps
                # the alarm raised meanwhile reached the subscriber
                ids = {e.alarm.id for e in events if e.change is Change.RAISED}
                assert {a.id for a in raised} <= ids
                assert cloud.stream.figures.connects >= 2 and cloud.stream.figures.outages >= 1
        finally:
            await api.stop()


async def test_an_ended_session_signs_the_client_out_until_it_logs_in_again(url):
    now = [int(time.time() * 1000)]
    sessions = Sessions(idle_timeout_s=600, lifetime_s=3600, clock=lambda: now[0])
    async with plant(url) as direct:
        api = ServedApi(direct, direct.accounts.store, sessions)
        await api.start()
        try:
            cloud = CloudSource(api.url, credentials=(ADMIN, ADMIN_PW), backoff=Backoff(0.2, 1.0), status_period=60)
            await cloud.start()
            try:
                assert cloud.current_login() is not None and cloud.current_login().user.role is Role.ADMINISTRATOR

                async def streaming() -> bool:
                    return cloud.status().connected

                await until(streaming)
                now[0] += 3601 * 1000  # past the session's lifetime

                async def signed_out() -> bool:
                    return cloud.current_login() is None  # the stream's session check closed it (4401)

                await until(signed_out)
                with pytest.raises(SessionExpired):
                    await cloud.alarms()
                with pytest.raises(SessionExpired):
                    await cloud.latest()
                assert not cloud.status().connected
                with pytest.raises(BadCredentials):
                    await cloud.login(ADMIN, "not the password")
                login = await cloud.login(ADMIN, ADMIN_PW)
                assert cloud.current_login() == login
                await until(streaming)
                assert isinstance(await cloud.alarms("all"), list)
                # a refused call keeps the login: a 403 is not an ended session
                await cloud.create_user("op", Role.OPERATOR, "Op3rator-Shift-B")
                await cloud.logout()
                assert cloud.current_login() is None
                await cloud.login("op", "Op3rator-Shift-B")
                with pytest.raises(PermissionDenied):
                    await cloud.users()
                assert cloud.current_login() is not None
            finally:
                await cloud.stop()
        finally:
            await api.stop()


async def test_a_client_started_without_credentials_waits_for_a_login(url):
    async with plant(url) as direct:
        api = ServedApi(direct, direct.accounts.store)
        await api.start()
        try:
            cloud = CloudSource(api.url)
            await cloud.start()  # /health only
            try:
                with pytest.raises(SessionExpired):
                    cloud.site()
                assert cloud.current_login() is None and not cloud.status().connected
                await cloud.login(ADMIN, ADMIN_PW)
                assert len(cloud.site().points) == len(direct.site().points)

                async def streaming() -> bool:
                    return cloud.status().connected and bool(await cloud.latest())

                await until(streaming)
                token = cloud.current_login().token
            finally:
                await cloud.stop()
            async with cloud_client(api.url, token=token, name=ADMIN) as again:
                assert again.current_login().user.name == ADMIN
                assert again.site().name == direct.site().name
        finally:
            await api.stop()
