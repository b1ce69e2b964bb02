"""Alarm snapshots end to end: smoke in the LV room, the LV camera's picture stored with the alarm.

The demo site's simulated plant raises a real smoke alarm (a fault injected into the simulator);
its cameras are the simulator's own RTSP cameras (`app.simulation.cameras_from_site`: a camera
URL on loopback is served by the simulator) on free loopback ports, CAM-1 behind Digest
authentication with the password from the environment variable the site file names.  The
picture is read back through the DirectSource and through the real server and a CloudSource
(``kind``), on SQLite and PostgreSQL (``db_url``).  A camera that does not answer, or refuses
the password, leaves a snapshot row that says why; the store is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Iterator

import cv2
import numpy as np
import pytest

from app.alarms.model import Alarm, AlarmEvent, AlarmState, Change, Level
from app.auth import PermissionDenied, Role
from app.simulation import CAMERA_SIZE
from app.sources.base import DataSource
from app.sources.direct import DirectSource
from app.video.snapshot_store import NoSnapshot, Snapshot, SnapshotLimits, SnapshotStore
from app.video.snapshots import AlarmSnapshots
from drivers.simulator import Fault, FaultKind, SimCamera
from drivers.simulator.camera import CameraServer
from tests.integration.cloud_rig import as_kind, behind, cloud_client, ensure_admin, served
from tests.integration.test_camera_source import PASSWORD_ENV, demo_site

pytestmark = pytest.mark.timeout(180)
CAM1_PW = "Dig3st-Secret"


@pytest.fixture(params=["direct", "cloud"])
def kind(request) -> str:
    return request.param


def free_port() -> int:
    """A loopback port nothing listens on (the simulator's camera server takes it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port held without listening: nobody can serve there, a connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def url(port: int, path: str) -> str:
    return f"rtsp://127.0.0.1:{port}/{path}"


async def until(check, timeout: float = 60.0, what: str = "condition"):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        found = await check()
        if found:
            return found
        if loop.time() > end:
            raise AssertionError(f"{what} not reached within {timeout:.0f} s")
        await asyncio.sleep(0.25)


@contextlib.asynccontextmanager
async def smoky_plant(db_url: str, kind: str, cam1_url: str, cam2_url: str) -> AsyncIterator[DataSource]:
    """The demo plant with its cameras at these URLs (the simulator serves them), as ``kind``, with fast polls."""
    direct = DirectSource(demo_site(cam1_url, cam2_url), db_url, listen=("127.0.0.1", 0), simulate=True,
                          bus_timing=False)
    await direct.start()
    try:
        assert direct.scan is not None
        for bus in direct.scan.scans.values():
            for d in bus.devices:
                d.period = 1.0
        async with as_kind(kind, direct) as source:
            yield source
    finally:
        await direct.stop()


async def smoke(source: DataSource) -> Alarm:
    """Inject smoke into the LV room's environment unit; the raised alarm."""
    behind(source).simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))

    async def raised() -> list[Alarm]:
        return [a for a in await source.alarms() if a.point == "ENV-1.smoke"]

    return (await until(raised, 60, "the smoke alarm"))[0]


async def test_smoke_stores_the_lv_cameras_picture_with_the_alarm(db_url, kind, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, CAM1_PW)
    async with smoky_plant(db_url, kind, url(free_port(), "cam1"), url(free_port(), "cam2")) as source:
        alarm = await smoke(source)
        shots = await until(lambda: source.alarm_snapshots(alarm.id), 60, "the smoke alarm's snapshot")
        assert [(s.alarm_id, s.camera_id, s.width, s.height, s.error) for s in shots] == [
            (alarm.id, "CAM-2", *CAMERA_SIZE, "")]
        shot = shots[0]
        assert shot.has_picture and shot.taken_at >= alarm.raised_at - 1000
        jpeg = await source.alarm_snapshot(shot.id)
        assert jpeg[:2] == b"\xff\xd8" and len(jpeg) == shot.size
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape == (CAMERA_SIZE[1], CAMERA_SIZE[0], 3) and image.std() > 20  # a picture, not a blank
        assert await source.snapshot_info(shot.id) == shot
        assert [s.id for s in await source.snapshots_of([alarm.id, alarm.id + 10_000])] == [shot.id]
        with pytest.raises(KeyError, match="no snapshot"):
            await source.alarm_snapshot(shot.id + 1000)
        assert await source.alarm_snapshots(alarm.id + 10_000) == []


async def test_a_camera_that_gives_no_picture_leaves_the_reason(db_url, kind, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, CAM1_PW)
    with refused_port() as port:
        async with smoky_plant(db_url, kind, url(free_port(), "cam1"), url(port, "cam2")) as source:
            alarm = await smoke(source)
            shots = await until(lambda: source.alarm_snapshots(alarm.id), 60, "the smoke alarm's snapshot row")
            assert [(s.camera_id, s.size, s.has_picture) for s in shots] == [("CAM-2", 0, False)]
            assert "no signal" in shots[0].error and "无信号" in shots[0].error, shots[0].error
            with pytest.raises(KeyError) as err:
                await source.alarm_snapshot(shots[0].id)
            assert "holds no picture" in str(err.value), str(err.value)


async def test_a_wrong_camera_password_and_room_permissions(db_url, monkeypatch):
    """CAM-1 is linked to the HV room: an HV alarm's snapshot says authentication failed (the console's
    password is not the camera's); an LV-only user of the server reads the LV room's snapshot, not the HV's."""
    monkeypatch.setenv(PASSWORD_ENV, CAM1_PW)  # the simulated camera's password, read when the plant starts
    async with smoky_plant(db_url, "direct", url(free_port(), "cam1"), url(free_port(), "cam2")) as direct:
        assert isinstance(direct, DirectSource) and direct.simulator is not None
        monkeypatch.setenv(PASSWORD_ENV, "not-the-password")  # what the console will present
        store = direct.accounts.store
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, ensure_admin, store)
        await loop.run_in_executor(None, lambda: store.create_user("lv-op", Role.OPERATOR, "LV-0nly-Operator-9",
                                                                   ("LV",), "LV", by="cloud-admin"))
        lv_alarm = await smoke(direct)
        direct.simulator.inject(Fault(FaultKind.DISCONNECT, "DTU-3", reconnect_after=600))  # the HV room's DTU
        hv = await until(lambda: _alarms(direct, lambda a: a.room == "HV" and int(a.level) <= 2), 90,
                         "an HV alarm of level 1 or 2")
        hv_shots = await until(lambda: direct.alarm_snapshots(hv[0].id), 60, "the HV alarm's snapshot row")
        assert hv_shots[0].camera_id == "CAM-1" and not hv_shots[0].has_picture
        assert "authentication failed" in hv_shots[0].error, hv_shots[0].error
        assert "not-the-password" not in hv_shots[0].error and CAM1_PW not in hv_shots[0].error
        lv_shots = await until(lambda: direct.alarm_snapshots(lv_alarm.id), 60, "the LV alarm's snapshot")
        async with served(direct) as api, cloud_client(api.url, name="lv-op", password="LV-0nly-Operator-9") as lv:
            assert (await lv.alarm_snapshot(lv_shots[0].id))[:2] == b"\xff\xd8"
            assert [s.id for s in await lv.snapshots_of([lv_alarm.id, hv[0].id])] == [lv_shots[0].id]
            with pytest.raises(PermissionDenied):
                await lv.alarm_snapshots(hv[0].id)
            with pytest.raises(PermissionDenied):
                await lv.alarm_snapshot(hv_shots[0].id)


async def _alarms(source: DataSource, pred) -> list[Alarm]:
    return [a for a in await source.alarms() if pred(a)]


def test_the_store_keeps_pictures_and_reasons_and_stays_bounded(db_url):
    t0 = 1_700_000_000_000
    day = 86_400_000
    jpeg = b"\xff\xd8" + bytes(1000) + b"\xff\xd9"
    with SnapshotStore(db_url) as store:
        ids = store.add([Snapshot(1, "CAM-1", t0 - 400 * day, jpeg, 320, 240),
                         Snapshot(2, "CAM-1", t0 - 3 * day, jpeg, 320, 240),
                         Snapshot(2, "CAM-2", t0 - 2 * day, error="认证失败 / authentication failed"),
                         Snapshot(3, "CAM-2", t0 - day, jpeg, 640, 480),
                         Snapshot(4, "CAM-2", t0, jpeg, 640, 480)])
        infos = store.infos([2, 3, 4])
        assert [(i.alarm_id, i.camera_id, i.size, i.error) for i in infos] == [
            (2, "CAM-1", 1004, ""), (2, "CAM-2", 0, "认证失败 / authentication failed"), (3, "CAM-2", 1004, ""),
            (4, "CAM-2", 1004, "")]
        assert store.jpeg(ids[3]) == jpeg and store.info(ids[2]).width == 0
        with pytest.raises(NoSnapshot, match="authentication failed"):
            store.jpeg(ids[2])
        # a year's limit drops the 400-day-old one; 2.5 pictures' worth of bytes keeps the newest two
        # pictures (and the reason of the camera that gave none, which weighs nothing)
        assert store.prune(SnapshotLimits(max_days=365, max_bytes=2500), t0) == 2
        assert [i.id for i in store.infos([1, 2, 3, 4])] == [ids[2], ids[3], ids[4]]
        assert store.prune(SnapshotLimits(max_days=None, max_bytes=2500), t0) == 0


async def test_a_flood_shares_one_picture_per_camera_and_a_later_alarm_gets_its_own(sqlite_url):
    """Twenty linked alarms in one batch: one RTSP session, the same frame stored with each; an alarm
    raised well after that frame gets a new one.  Unlinked alarms and lower levels get none."""
    server = CameraServer("127.0.0.1", 0, [SimCamera("CAM-2", "cam2", port=0, width=320, height=240, fps=10)])
    await server.start()
    site = demo_site("rtsp://127.0.0.1:1/cam1", server.url("CAM-2"))
    taker = AlarmSnapshots(site.file.cameras, sqlite_url)
    await taker.start()
    try:
        def event(alarm_id: int, rule: str, level: int, ts: int) -> AlarmEvent:
            alarm = Alarm(alarm_id, f"ENV-1.x{alarm_id}", rule, "ENV-1.smoke", Level(level), AlarmState.ACTIVE_UNACKED,
                          "烟感", "smoke", 1.0, ts, device="ENV-1", room="LV")
            return AlarmEvent(alarm, Change.RAISED, ts)

        now = int(time.time() * 1000)
        taker.submit([event(i, "smoke", 1, now) for i in range(1, 21)]
                     + [event(30, "room-temperature", 1, now), event(31, "smoke", 3, now)])
        await taker.settled()
        shots = await taker.infos(range(1, 40))
        assert sorted({s.alarm_id for s in shots}) == list(range(1, 21))
        assert len({s.taken_at for s in shots}) == 1 and all(s.has_picture for s in shots)
        jpegs = {await taker.jpeg(s.id) for s in shots}
        assert len(jpegs) == 1
        later = shots[0].taken_at + 5_000
        taker.submit([event(40, "water", 2, later)])
        await taker.settled()
        (own,) = await taker.infos([40])
        assert own.has_picture and own.taken_at != shots[0].taken_at
    finally:
        await taker.stop()
        await server.stop()


async def test_a_camera_whose_password_variable_is_not_set_leaves_the_reason(sqlite_url, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    site = demo_site("rtsp://127.0.0.1:1/cam1", "rtsp://127.0.0.1:1/cam2")
    taker = AlarmSnapshots(site.file.cameras, sqlite_url)
    await taker.start()
    try:
        alarm = Alarm(5, "REV-1:comm", "device-comm", "REV-1", Level.MAJOR, AlarmState.ACTIVE_UNACKED, "通讯中断",
                      "no communication", None, int(time.time() * 1000), device="REV-1", room="HV")
        taker.submit([AlarmEvent(alarm, Change.RAISED, alarm.raised_at)])
        await taker.settled()
        (shot,) = await taker.infos([5])
        assert shot.camera_id == "CAM-1" and not shot.has_picture
        assert PASSWORD_ENV in shot.error and "环境变量" in shot.error and "not set" in shot.error
    finally:
        await taker.stop()
