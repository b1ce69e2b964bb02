"""Users and the audit log through the DataSource (direct mode: the local historian database).

The console signs in through its source; user management acts as the signed-in user; the
source audits acknowledgements and diagram saves with the user it is given.  SQLite and a real
PostgreSQL server.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.alarms.model import AlarmActionError
from app.auth import Action, BadCredentials, PermissionDenied, Result, Role, SessionExpired, UserConflict
from app.config import load_site
from app.sources.direct import DirectSource

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PW = "Gr1d-Control-Room"  # a test's own password, never a product default


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    (tmp_path / "sites").mkdir()
    shutil.copy(ROOT / "resources" / "sites" / "demo.yaml", tmp_path / "sites" / "demo.yaml")
    shutil.copytree(ROOT / "resources" / "diagrams", tmp_path / "diagrams")
    return tmp_path / "sites" / "demo.yaml"


async def test_first_admin_login_users_and_audit(db_url, site_copy):
    src = DirectSource(load_site(site_copy), db_url, listen=("127.0.0.1", 0), simulate=False)
    await src.start()
    try:
        assert await src.needs_first_admin()
        assert src.current_login() is None
        with pytest.raises(SessionExpired):
            await src.users()  # nobody signed in
        await src.create_first_admin("admin", ADMIN_PW, "值长")
        assert not await src.needs_first_admin()
        with pytest.raises(UserConflict):
            await src.create_first_admin("second", ADMIN_PW)
        with pytest.raises(BadCredentials):
            await src.login("admin", "wrong password")
        login = await src.login("admin", ADMIN_PW)
        assert login.user.role is Role.ADMINISTRATOR and src.current_login().user.name == "admin"
        op = await src.create_user("wang", Role.OPERATOR, "Shift-Op3rator-A", rooms=["LV"], display_name="王工")
        assert op.rooms == ("LV",)
        await src.update_user("wang", role=Role.ENGINEER, rooms=[])
        assert {u.name: u.role for u in await src.users()}["wang"] is Role.ENGINEER
        await src.logout()
        assert src.current_login() is None
        await src.login("wang", "Shift-Op3rator-A")
        with pytest.raises(PermissionDenied):
            await src.users()  # an engineer does not manage users
        # the source audits actions with the user it is given, refused ones too
        with pytest.raises(AlarmActionError):
            await src.acknowledge([999_999], "wang", "no such alarm")
        text = await src.diagram("hv-room")
        await src.save_diagram("hv-room", text, None, "wang")
        # the source itself refuses what a user of the site may not do, whoever forgot to ask
        await src.logout()
        await src.login("admin", ADMIN_PW)
        await src.create_user("zhao", Role.OPERATOR, "Night-Shift-0perator")
        with pytest.raises(PermissionDenied):
            await src.save_diagram("hv-room", text, None, "zhao")
        with pytest.raises(PermissionDenied):
            await src.set_point_limits("T1-LV-IN.Ia", None, "zhao")
        rows = await src.audit(limit=50)
        assert any(r.action == Action.DIAGRAM_EDIT and r.user == "zhao" and r.result == Result.REFUSED for r in rows)
        seen = {(r.action, r.user, r.result) for r in rows}
        assert (Action.LOGIN_FAILED, "admin", Result.REFUSED) in seen or any(
            r.action == Action.LOGIN_FAILED for r in rows)
        assert (Action.ACKNOWLEDGE, "wang", Result.REFUSED) in seen
        assert (Action.DIAGRAM_EDIT, "wang", Result.OK) in seen
        assert (Action.USER_CREATE, "admin", Result.OK) in seen
        assert any(r.action == Action.LOGOUT and r.user == "admin" for r in rows)
        assert rows == sorted(rows, key=lambda r: r.ts, reverse=True)
    finally:
        await src.stop()
