"""Who may call what: 401 and 403 on every protected call, login, lockout, session expiry, logout.

A real server (`create_app` under uvicorn on a loopback port, in the test's loop) over the demo
site's DirectSource without its simulated plant: nothing here needs live values.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest

from app.auth import Action, Permission, Result, Sessions
from app.server import create_app
from app.server.body_limit import MAX_BODY
from tests.integration.test_server_rig import USERS, served

# (method, path, JSON body, the permission it needs: None = any logged-in user)
PROTECTED: list[tuple[str, str, object, Permission | tuple[Permission, ...] | None]] = [
    ("GET", "/site", None, Permission.VIEW),
    ("GET", "/status", None, Permission.VIEW),
    ("GET", "/points/latest", None, Permission.VIEW),
    ("GET", "/points/as-of?ids=ENV-1.temp&ts=1", None, Permission.VIEW),
    ("GET", "/points/ENV-1.temp/history?start=0&end=1000", None, Permission.VIEW),
    ("POST", "/points/history", {"ids": ["ENV-1.temp"], "start": 0, "end": 1000}, Permission.VIEW),
    ("GET", "/alarms", None, Permission.VIEW),
    ("GET", "/alarms/journal", None, Permission.VIEW),
    ("GET", "/alarms/flood", None, Permission.VIEW),
    ("POST", "/alarms/ack", {"ids": [1]}, Permission.ACKNOWLEDGE),
    ("POST", "/alarms/1/ack", {"comment": "x"}, Permission.ACKNOWLEDGE),
    ("POST", "/alarms/1/shelve", {"minutes": 5, "reason": "maintenance"}, Permission.SHELVE),
    ("POST", "/alarms/1/unshelve", None, Permission.SHELVE),
    ("GET", "/points/ENV-1.temp/limits", None, Permission.VIEW),
    ("PUT", "/points/ENV-1.temp/limits", {"limits": None}, Permission.EDIT_ALARM_RULES),
    ("DELETE", "/points/ENV-1.temp/limits", None, Permission.EDIT_ALARM_RULES),
    ("GET", "/diagrams/hv-room", None, Permission.VIEW),
    ("PUT", "/diagrams/hv-room", {"text": "{}", "base_revision": None}, Permission.EDIT_SITE),
    ("GET", "/notifications", None, Permission.VIEW),
    ("GET", "/fault-records", None, Permission.VIEW),
    ("GET", "/fault-records/1", None, Permission.VIEW),
    ("GET", "/cameras/CAM-1/url", None, Permission.VIEW),
    ("GET", "/alarms/1/snapshots", None, Permission.VIEW),
    ("GET", "/snapshots?alarm_ids=1,2", None, Permission.VIEW),
    ("GET", "/snapshots/1", None, Permission.VIEW),
    ("GET", "/snapshots/1/info", None, Permission.VIEW),
    ("GET", "/users", None, Permission.MANAGE_USERS),
    ("POST", "/users", {"name": "new", "role": "operator", "password": "N3w-Operator-Pw"}, Permission.MANAGE_USERS),
    ("PATCH", "/users/op", {"display_name": "x"}, Permission.MANAGE_USERS),
    ("DELETE", "/users/op", None, Permission.MANAGE_USERS),
    ("GET", "/audit", None, (Permission.MANAGE_USERS, Permission.EXPORT_REPORTS)),
    ("POST", "/auth/logout", None, None),
    ("GET", "/auth/me", None, None),
    ("POST", "/auth/password", {"old": "a", "new": "b"}, None),
]
OPEN = {("GET", "/api/v1/health"), ("POST", "/api/v1/auth/login")}

#: A user whose role lacks the permission (view and acknowledge: every role has them).
LACKING = {Permission.SHELVE: "mgr", Permission.EDIT_ALARM_RULES: "op", Permission.EDIT_SITE: "op",
           Permission.MANAGE_USERS: "eng", (Permission.MANAGE_USERS, Permission.EXPORT_REPORTS): "op"}


def _operation(method: str, path: str, documented: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The documented operation ``method path`` calls (a literal path wins over a template)."""
    path = "/api/v1" + path.split("?", maxsplit=1)[0]
    if (method, path) in documented:
        return method, path
    for m, template in documented:
        if m == method and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return m, template
    return None


def test_the_route_list_is_every_operation_of_the_openapi_document():
    doc = create_app(None, None, Sessions(), mobile_dir=None).openapi()  # type: ignore[arg-type]
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    listed = {_operation(m, p, documented) for m, p, _b, _perm in PROTECTED}
    assert documented == listed | OPEN, (documented ^ (listed | OPEN))


def _error(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    body = r.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    assert "Traceback" not in r.text
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


@pytest.mark.parametrize("case", ["no token", "bad token", "not a bearer"])
async def test_every_protected_call_wants_a_valid_token(sqlite_url, tmp_path, case):
    headers = {"no token": {}, "bad token": {"Authorization": "Bearer not-a-token"},
               "not a bearer": {"Authorization": "Basic YWRtaW46eA=="}}[case]
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client(headers=headers) as c:
        for method, path, body, _perm in PROTECTED:
            r = await c.request(method, path, json=body)
            _error(r, 401)
            assert r.headers["www-authenticate"] == "Bearer"
        assert (await c.get("/health")).status_code == 200  # monitoring needs no login


@pytest.mark.parametrize(("method", "path", "body", "permission"),
                         [row for row in PROTECTED if row[3] in LACKING], ids=lambda v: str(v)[:30])
async def test_a_role_without_the_permission_gets_403_and_the_refusal_is_audited(
        sqlite_url, tmp_path, method, path, body, permission):
    who = LACKING[permission]
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        token = await api.token(who, c)
        before = (await c.get("/points/ENV-1.temp/limits", headers={"Authorization": f"Bearer {token}"})).json()
        r = await c.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        err = _error(r, 403, "permission_denied")
        assert who in err["message_en"] and err["message_zh"]
        # nothing happened: the limits, the users are as they were
        after = (await c.get("/points/ENV-1.temp/limits", headers={"Authorization": f"Bearer {token}"})).json()
        assert after == before
        assert {u.name for u in api.users.users()} == set(USERS)
        rows = api.users.audit.query(user=who, actions=["access_denied"])
        assert len(rows) == 1 and rows[0].result is Result.REFUSED
        assert rows[0].target == f"{method} /api/v1{path.split('?')[0]}" and rows[0].address == "127.0.0.1"


async def test_login_me_logout_and_a_token_after_logout(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        r = await c.post("/auth/login", json={"username": "eng", "password": USERS["eng"][2]})
        assert r.status_code == 200, r.text
        login = r.json()
        assert set(login) == {"token", "expires_at", "user"}
        user = login["user"]
        assert user["name"] == "eng" and user["role"] == "engineer" and user["rooms"] == []
        assert set(user["permissions"]) == {"view", "acknowledge", "shelve", "edit_alarm_rules", "edit_site",
                                            "control"}
        assert USERS["eng"][2] not in r.text and "argon2" not in r.text and "hash" not in r.text
        assert login["expires_at"] > time.time() * 1000
        auth = {"Authorization": f"Bearer {login['token']}"}
        me = (await c.get("/auth/me", headers=auth)).json()
        assert me["user"]["name"] == "eng"
        assert (await c.post("/auth/logout", headers=auth)).status_code == 204
        _error(await c.get("/auth/me", headers=auth), 401, "session_expired")
        _error(await c.get("/site", headers=auth), 401, "session_expired")
        rows = api.users.audit.query(user="eng")
        assert [r.action for r in rows][:2] == [Action.LOGOUT, Action.LOGIN]
        assert all(r.address == "127.0.0.1" for r in rows[:2])


async def test_bad_credentials_say_nothing_about_the_name_and_five_failures_lock(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        unknown = _error(await c.post("/auth/login", json={"username": "nobody", "password": "x"}), 401)
        wrong = _error(await c.post("/auth/login", json={"username": "op", "password": "x"}), 401)
        assert unknown["code"] == wrong["code"] == "bad_credentials"
        assert unknown["message"] == wrong["message"]
        for _ in range(4):
            _error(await c.post("/auth/login", json={"username": "op", "password": "wrong"}), 401)
        locked = _error(await c.post("/auth/login", json={"username": "op", "password": USERS["op"][2]}), 401,
                        "account_locked")
        assert locked["until"] > time.time() * 1000 and "locked" in locked["message"]
        zh = await c.post("/auth/login", json={"username": "op", "password": USERS["op"][2]},
                          headers={"Accept-Language": "zh-CN"})
        assert "锁定" in zh.json()["error"]["message"]
        # an administrator unlocks: the right password works again
        admin = {"Authorization": f"Bearer {await api.token('admin', c)}"}
        r = await c.patch("/users/op", json={"unlock": True}, headers=admin)
        assert r.status_code == 200 and r.json()["locked_until"] is None
        assert (await c.post("/auth/login", json={"username": "op", "password": USERS["op"][2]})).status_code == 200
        actions = [r.action for r in api.users.audit.query(user="op", limit=20)]
        assert Action.LOGIN_FAILED in actions and Action.LOGIN in actions


async def test_a_session_expires_after_its_idle_time_and_use_keeps_it(sqlite_url, tmp_path):
    now = [time.time() * 1000]
    sessions = Sessions(idle_timeout_s=60, lifetime_s=3600, clock=lambda: int(now[0]))
    async with served(sqlite_url, tmp_path, simulate=False, sessions=sessions) as api, api.client() as c:
        auth = {"Authorization": f"Bearer {await api.token('op', c)}"}
        now[0] += 50_000
        assert (await c.get("/status", headers=auth)).status_code == 200  # use: the idle time starts again
        now[0] += 50_000
        assert (await c.get("/status", headers=auth)).status_code == 200
        now[0] += 61_000
        err = _error(await c.get("/status", headers=auth), 401, "session_expired")
        assert "idle" in err["message_en"]


async def test_password_change_ends_the_other_sessions_and_the_policy_refuses_weak_ones(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        first = {"Authorization": f"Bearer {await api.token('op', c)}"}
        second = {"Authorization": f"Bearer {await api.token('op', c)}"}
        weak = await c.post("/auth/password", json={"old": USERS["op"][2], "new": "123"}, headers=first)
        _error(weak, 422, "password_rejected")
        wrong = await c.post("/auth/password", json={"old": "not it", "new": "An0ther-Strong-One"}, headers=first)
        _error(wrong, 401, "bad_credentials")
        ok = await c.post("/auth/password", json={"old": USERS["op"][2], "new": "An0ther-Strong-One"}, headers=first)
        assert ok.status_code == 204, ok.text
        assert (await c.get("/auth/me", headers=first)).status_code == 200
        _error(await c.get("/auth/me", headers=second), 401, "session_expired")
        r = await c.post("/auth/login", json={"username": "op", "password": "An0ther-Strong-One"})
        assert r.status_code == 200


async def test_bodies_that_do_not_fit_are_422_in_words(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        auth = {"Authorization": f"Bearer {await api.token('admin', c)}"}
        err = _error(await c.post("/alarms/1/shelve", json={"minutes": -1}, headers=auth), 422, "bad_input")
        assert "minutes" in err["message"] and "reason" in err["message"]
        _error(await c.post("/users", json={"name": "x", "role": "king", "password": "Pw-Of-A-King-1"},
                            headers=auth), 422, "bad_input")
        _error(await c.post("/alarms/ack", json={"ids": [], "typo": 1}, headers=auth), 422, "bad_input")
        _error(await c.post("/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}),
               422, "bad_input")
        _error(await c.get("/points/ENV-1.temp/history?start=10&end=5", headers=auth), 422, "bad_input")
        _error(await c.get("/points/NO.SUCH/history?start=0&end=5", headers=auth), 404, "not_found")
        _error(await c.get("/no/such/route", headers=auth), 404, "not_found")
        _error(await c.delete("/site", headers=auth), 405, "method_not_allowed")


async def test_a_body_over_the_cap_is_refused_before_it_is_read_whole(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        huge = b'{"username": "' + b"x" * (MAX_BODY + 1) + b'", "password": "y"}'
        _error(await c.post("/auth/login", content=huge, headers={"Content-Type": "application/json"}), 413,
               "too_large")

        async def chunks():
            for _ in range(MAX_BODY // (1 << 20) + 2):
                yield b" " * (1 << 20)

        r = await c.post("/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 413) and "error" in r.json()
        assert (await c.get("/health")).status_code == 200
