"""Cameras through the DataSource, on both sources: the address to play, who may have it, the audit.

The demo site with CAM-1's password in an environment variable; each test runs on the
DirectSource and on a CloudSource through the real server on a loopback port (``kind``), on
SQLite and PostgreSQL (``db_url``).  A user of the LV room only asks for the HV room's camera
and is refused (403, audited), and every address handed out is an audit row ``camera.view``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from app.auth import PermissionDenied, Role
from app.config import DEMO_SITE, Site, site_from_text
from app.sources.base import DataSource
from app.sources.cloud import CloudSource
from app.sources.direct import DirectSource
from app.video.credentials import UnknownCamera
from tests.integration.cloud_rig import as_kind, cloud_client, ensure_admin, served

CAM1_LINE = 'url: "rtsp://127.0.0.1:8554/cam1",'
PASSWORD_ENV = "SWITCHROOM_TEST_CAM1_PW"
LV_OPERATOR = ("lv-op", "LV-0nly-Operator-9")


def demo_site(cam1_url: str = "rtsp://127.0.0.1:8554/cam1", cam2_url: str = "rtsp://127.0.0.1:8554/cam2") -> Site:
    """The demo site with CAM-1 needing a user name and the password from `PASSWORD_ENV`."""
    text = DEMO_SITE.read_text(encoding="utf-8")
    assert CAM1_LINE in text
    text = text.replace(CAM1_LINE, f'url: "{cam1_url}", username: viewer, password_env: {PASSWORD_ENV},')
    text = text.replace('url: "rtsp://127.0.0.1:8554/cam2"', f'url: "{cam2_url}"')
    return site_from_text(text, "demo.yaml")


@contextlib.asynccontextmanager
async def plant(db_url: str, kind: str, site: Site | None = None, *, simulate: bool = False
                ) -> AsyncIterator[DataSource]:
    """A started DirectSource on the demo site (its simulated plant when asked), as ``kind``."""
    direct = DirectSource(site or demo_site(), db_url, listen=("127.0.0.1", 0), simulate=simulate, bus_timing=False)
    await direct.start()
    try:
        async with as_kind(kind, direct) as source:
            yield source
    finally:
        await direct.stop()


@pytest.fixture(params=["direct", "cloud"])
def kind(request) -> str:
    return request.param


async def test_the_camera_url_carries_the_password_from_the_environment(db_url, kind, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "s3cret:@/")
    async with plant(db_url, kind) as source:
        cams = {c.id: c for c in source.site().cameras}
        assert cams["CAM-2"].rules and cams["CAM-1"].rooms == ("HV",) and cams["CAM-1"].popup_levels == (1, 2)
        assert "url" not in source.site().to_json()["cameras"][0]
        assert await source.camera_url("CAM-1") == "rtsp://viewer:s3cret%3A%40%2F@127.0.0.1:8554/cam1"
        assert await source.camera_url("CAM-2") == "rtsp://127.0.0.1:8554/cam2"
        with pytest.raises(KeyError, match="CAM-9"):
            await source.camera_url("CAM-9")
        if kind == "cloud":
            rows = await source.audit(actions=["camera.view"])
            assert [(r.user, r.target, r.result) for r in rows[:2]] == [
                ("cloud-admin", "camera CAM-2", "ok"), ("cloud-admin", "camera CAM-1", "ok")]


async def test_a_missing_password_variable_is_said_in_words(db_url, kind, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    async with plant(db_url, kind) as source:
        with pytest.raises(Exception) as err:
            await source.camera_url("CAM-1")
        words = str(err.value)
        assert PASSWORD_ENV in words and "CAM-1" in words and "Traceback" not in words
        assert not isinstance(err.value, UnknownCamera)


async def test_a_user_of_another_room_is_refused_the_camera(db_url, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "pw")
    direct = DirectSource(demo_site(), db_url, listen=("127.0.0.1", 0), simulate=False)
    await direct.start()
    try:
        loop = asyncio.get_running_loop()
        store = direct.accounts.store
        await loop.run_in_executor(None, ensure_admin, store)
        await loop.run_in_executor(None, lambda: store.create_user(*LV_OPERATOR[:1], Role.OPERATOR, LV_OPERATOR[1],
                                                                   ("LV",), "LV operator", by="cloud-admin"))
        async with served(direct) as api, cloud_client(api.url, name=LV_OPERATOR[0], password=LV_OPERATOR[1]) as lv:
            assert isinstance(lv, CloudSource)
            assert await lv.camera_url("CAM-2") == "rtsp://127.0.0.1:8554/cam2"
            answer = await lv.api.http.get("/cameras/CAM-2/url", headers={"Authorization": f"Bearer {lv.api.token}"})
            assert answer.headers["cache-control"] == "no-store"  # an address with credentials is never cached
            with pytest.raises(PermissionDenied) as refused:
                await lv.camera_url("CAM-1")
            assert "HV" in str(refused.value)
        rows = await direct.audit(user=LV_OPERATOR[0])
        assert ("camera.view", "camera CAM-2", "ok") in [(r.action, r.target, r.result) for r in rows]
        assert any(r.result == "refused" and "/cameras/CAM-1/url" in r.target for r in rows)
        # the same user signed in at a console of the plant itself (direct mode)
        await direct.login(*LV_OPERATOR)
        assert await direct.camera_url("CAM-2") == "rtsp://127.0.0.1:8554/cam2"
        with pytest.raises(PermissionDenied):
            await direct.camera_url("CAM-1")
        rows = await direct.audit(user=LV_OPERATOR[0], actions=["camera.view"])
        assert (rows[0].target, rows[0].result) == ("camera CAM-1", "refused")
        await direct.logout()
    finally:
        await direct.stop()
