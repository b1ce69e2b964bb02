"""The plant through the API: latest, history, as-of, alarms with acknowledge and shelve, limits,
diagrams, users and the audit — round trips against the demo site's simulated plant behind the
real server, on SQLite and on a real PostgreSQL server (the server's normal database).
"""

from __future__ import annotations

import time

import httpx
import pytest

from app.alarms.model import Alarm, AlarmState, Level
from app.api.codec import decode, history_from_json, sample_from_object
from app.auth import AuditEntry
from app.diagram.fileformat import dumps, loads
from app.diagram.symbols import load_library
from app.sources.base import SiteModel
from drivers.simulator import Fault, FaultKind
from tests.integration.test_server_rig import USERS, fast_polls, served, until

QUALITIES = {"good", "stale", "comm_fail", "bad_value"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ok(r: httpx.Response, status: int = 200) -> object:
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json() if r.content else None


def refused(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    assert r.json()["error"]["code"] == code, r.text
    return r.json()["error"]


@pytest.mark.timeout(240)
async def test_live_values_history_and_an_alarm_acknowledged_and_shelved(db_url, tmp_path):
    async with served(db_url, tmp_path) as api, api.client() as c:
        fast_polls(api.source)
        op = bearer(await api.token("op", c))
        admin = bearer(await api.token("admin", c))

        # the site as the source has it, in the codec's form
        site = decode(SiteModel, ok(await c.get("/site", headers=op)))
        assert {p.id for p in site.points} == set(api.source.site_config.points)
        assert {r.id for r in site.rooms} == {"HV", "LV"}

        # latest values: every point once the plant has answered; ids= picks some
        async def many_values():
            rows = ok(await c.get("/points/latest", headers=op))
            return rows if len(rows) > 500 else None

        rows = await until(many_values, 60, "the first values")
        assert all(set(r) == {"id", "ts", "value", "quality"} and r["quality"] in QUALITIES for r in rows)
        picked = ok(await c.get("/points/latest", params={"ids": "T1-LV-IN.Ia,ENV-1.temp,NO.SUCH"}, headers=op))
        assert {r["id"] for r in picked} == {"T1-LV-IN.Ia", "ENV-1.temp"}
        ia = next(sample_from_object(r) for r in picked if r["id"] == "T1-LV-IN.Ia")
        assert ia.value > 0

        health = ok(await c.get("/health"))
        assert health["status"] == "ok" and health["gateways_online"] == health["gateways_total"] == 4
        assert health["db"] == "ok" and health["points"] == len(site.points)
        status = ok(await c.get("/status", headers=op))
        assert status["kind"] == "direct" and status["connected"] is True

        # history: raw for a short range, buckets when it holds more than max_points samples
        start = int(time.time() * 1000) - 120_000

        async def some_history():
            h = history_from_json(ok(await c.get("/points/T1-LV-IN.Ia/history", headers=op,
                                                 params={"start": start, "end": int(time.time() * 1000) + 1})))
            return h if h.raw and len(h.samples) >= 4 else None

        raw = await until(some_history, 60, "four stored samples")
        assert raw.point == "T1-LV-IN.Ia" and raw.unit == "A"
        end = raw.samples[-1][0] + 1
        bucketed = ok(await c.get("/points/T1-LV-IN.Ia/history", headers=op,
                                  params={"start": start, "end": end, "max_points": 2}))
        assert bucketed["raw"] is False and 1 <= len(bucketed["buckets"]) <= 2
        assert all(len(b) == 5 for b in bucketed["buckets"])

        # many points in one call: each as its own call answers; unknown ones left out
        many = ok(await c.post("/points/history", headers=op, json={
            "ids": ["T1-LV-IN.Ia", "NO.SUCH", "T1-LV-IN.Ua", "T1-LV-IN.Ia"], "start": start, "end": end}))
        assert [h["id"] for h in many["items"]] == ["T1-LV-IN.Ia", "T1-LV-IN.Ua"]
        for h in many["items"]:
            alone = ok(await c.get(f"/points/{h['id']}/history", params={"start": start, "end": end}, headers=op))
            assert h == alone
        refused(await c.post("/points/history", headers=op, json={"ids": ["T1-LV-IN.Ia"], "start": 5, "end": 1}),
                422, "bad_input")
        columns = ok(await c.post("/points/history", headers=op, json={
            "ids": ["T1-LV-IN.Ia", "T1-LV-IN.Ua"], "start": start, "end": end, "shape": "columns"}))
        for h, rows in zip(columns["items"], many["items"], strict=True):
            assert h["raw"] and "samples" not in h and h["id"] == rows["id"] and h["unit"] == rows["unit"]
            assert [[t, v] for t, v in zip(h["ts"], h["v"], strict=True)] == [r[:2] for r in rows["samples"]]
            assert [w for w, n in h["q"] for _ in range(n)] == [r[2] for r in rows["samples"]]
        refused(await c.post("/points/history", headers=op, json={
            "ids": ["T1-LV-IN.Ia"], "start": start, "end": end, "shape": "sideways"}), 422, "bad_input")

        # as-of: the last sample at or before ts
        ts = raw.samples[-2][0]
        as_of = ok(await c.get("/points/as-of", params={"ids": "T1-LV-IN.Ia", "ts": ts}, headers=op))
        assert [(r["id"], r["ts"]) for r in as_of] == [("T1-LV-IN.Ia", ts)]
        assert ok(await c.get("/points/as-of", params={"ids": "T1-LV-IN.Ia", "ts": 1}, headers=op)) == []

        # smoke in the LV room: a level-1 alarm on the active list
        api.source.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))

        async def smoke_alarm():
            alarms = decode(list[Alarm], ok(await c.get("/alarms", headers=op)))
            return next((a for a in alarms if a.point == "ENV-1.smoke"), None)

        smoke = await until(smoke_alarm, 30, "the smoke alarm")
        assert smoke.level is Level.CRITICAL and smoke.state is AlarmState.ACTIVE_UNACKED and smoke.room == "LV"

        # an operator of the HV room may not acknowledge it; the LV operator may, once
        hv = bearer(await api.token("hv-op", c))
        err = refused(await c.post(f"/alarms/{smoke.id}/ack", json={"comment": "x"}, headers=hv), 403,
                      "permission_denied")
        assert "LV" in err["message_en"]
        refused(await c.post("/alarms/ack", json={"ids": [smoke.id]}, headers=hv), 403, "permission_denied")
        acked = decode(Alarm, ok(await c.post(f"/alarms/{smoke.id}/ack", json={"comment": "已派人到现场"},
                                              headers=op)))
        assert acked.state is AlarmState.ACTIVE_ACKED and acked.acked_by == "op"
        again = refused(await c.post(f"/alarms/{smoke.id}/ack", json={}, headers=op), 409, "alarm_action_refused")
        assert "already acknowledged" in again["message"]
        refused(await c.post("/alarms/ack", json={"ids": [smoke.id, 987654]}, headers=op), 409,
                "alarm_action_refused")

        # shelve with a reason, then take it back
        shelved = decode(Alarm, ok(await c.post(f"/alarms/{smoke.id}/shelve", headers=op,
                                                json={"minutes": 30, "reason": "探头检修"})))
        assert shelved.state is AlarmState.SHELVED and shelved.shelved_until > time.time() * 1000
        back = decode(Alarm, ok(await c.post(f"/alarms/{smoke.id}/unshelve", headers=op)))
        assert back.state is not AlarmState.SHELVED and back.shelved_until is None
        refused(await c.post(f"/alarms/{smoke.id}/unshelve", headers=op), 409, "alarm_action_refused")

        # the journal has the operator's acknowledgement with the comment
        rows = ok(await c.get("/alarms/journal", params={"alarm_id": smoke.id}, headers=op))
        changes = [r["change"] for r in reversed(rows)]
        assert changes[:4] == ["raised", "acked", "shelved", "unshelved"]
        ack = next(r for r in rows if r["change"] == "acked")
        assert ack["user"] == "op" and ack["comment"] == "已派人到现场"
        assert ok(await c.get("/alarms/journal", params={"text": "派人", "levels": "1"}, headers=op))
        all_alarms = ok(await c.get("/alarms", params={"state": "all", "limit": 5}, headers=op))
        assert smoke.id in [a["id"] for a in all_alarms]

        # the audit says who, from where, refusals too; a manager may read it, an operator not
        audit = decode(list[AuditEntry], ok(await c.get("/audit", headers=admin,
                                                        params={"actions": "acknowledge,shelve,unshelve"})))
        mine = [(e.action, e.user, str(e.result)) for e in audit]
        assert ("acknowledge", "op", "ok") in mine and ("acknowledge", "op", "refused") in mine
        assert ("shelve", "op", "ok") in mine and ("unshelve", "op", "ok") in mine
        assert all(e.address == "127.0.0.1" for e in audit)
        denied = ok(await c.get("/audit", params={"user": "hv-op", "actions": "access_denied"}, headers=admin))
        assert len(denied) == 2 and all("in room LV" in d["detail"] for d in denied)
        assert ok(await c.get("/audit", params={"limit": 3}, headers=bearer(await api.token("mgr", c))))
        refused(await c.get("/audit", headers=op), 403, "permission_denied")

        # the fault record around the smoke alarm, its samples as [id, ts, value, quality]
        async def record():
            return ok(await c.get("/fault-records", params={"alarm_id": smoke.id}, headers=op))

        headers = await until(record, 60, "a fault record")
        data = ok(await c.get(f"/fault-records/{headers[0]['id']}", headers=op))
        assert data["id"] == headers[0]["id"]
        smoke_rows = data["samples"]["ENV-1.smoke"]
        assert smoke_rows and all(len(r) == 4 and r[0] == "ENV-1.smoke" for r in smoke_rows)
        refused(await c.get("/fault-records/987654", headers=op), 404, "not_found")

        assert isinstance(ok(await c.get("/notifications", headers=op)), list)
        flood = ok(await c.get("/alarms/flood", headers=op))
        assert flood is None or flood["count"] >= 1


async def test_limits_diagrams_and_users_through_the_api(db_url, tmp_path):
    async with served(db_url, tmp_path, simulate=False) as api, api.client() as c:
        eng = bearer(await api.token("eng", c))
        admin = bearer(await api.token("admin", c))

        # a point's limits: from the site file, changed at runtime, back to the file
        site_limits = ok(await c.get("/points/ENV-1.temp/limits", headers=eng))
        assert site_limits["origin"] == "site" and site_limits["point"] == "ENV-1.temp"
        new = {"H": {"value": 38, "level": 3}, "HH": {"value": 45, "level": 2}, "deadband": 1}
        changed = ok(await c.put("/points/ENV-1.temp/limits", json={"limits": new}, headers=eng))
        assert changed["origin"] == "runtime" and changed["limits"]["H"]["value"] == 38
        assert ok(await c.get("/points/ENV-1.temp/limits", headers=eng)) == changed
        none = ok(await c.put("/points/ENV-1.temp/limits", json={"limits": None}, headers=eng))
        assert none == {"point": "ENV-1.temp", "limits": None, "origin": "runtime"}
        assert ok(await c.delete("/points/ENV-1.temp/limits", headers=eng)) == site_limits
        refused(await c.put("/points/ENV-1.temp/limits", json={"limits": {"H": "hot"}}, headers=eng), 422,
                "bad_input")
        refused(await c.get("/points/NO.SUCH/limits", headers=eng), 404, "not_found")
        refused(await c.put("/points/NO.SUCH/limits", json={"limits": None}, headers=eng), 404, "not_found")

        # a diagram: the file as stored, saved with its revision, a stale save refused, a broken one too
        r = await c.get("/diagrams/hv-room", headers=eng)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
        assert r.text == await api.source.diagram("hv-room")
        library = load_library()
        diagram = loads(r.text, library)
        base = diagram.version
        diagram.name, diagram.version = "高压室（改）", base + 1
        saved = ok(await c.put("/diagrams/hv-room", json={"text": dumps(diagram), "base_revision": base},
                               headers=eng))
        assert saved == {"id": "hv-room", "revision": base + 1}
        assert loads((await c.get("/diagrams/hv-room", headers=eng)).text, library).name == "高压室（改）"
        refused(await c.put("/diagrams/hv-room", json={"text": dumps(diagram), "base_revision": base}, headers=eng),
                409, "drawing_conflict")
        refused(await c.put("/diagrams/hv-room", json={"text": "{}", "base_revision": base + 1}, headers=eng), 422,
                "bad_drawing")
        refused(await c.get("/diagrams/nowhere", headers=eng), 404, "not_found")
        hv = bearer(await api.token("hv-op", c))
        refused(await c.put("/diagrams/hv-room", json={"text": dumps(diagram), "base_revision": base + 1},
                            headers=hv), 403, "permission_denied")

        # users: create, change, log in, disable (the session ends), delete; never the last administrator
        made = ok(await c.post("/users", headers=admin, json={"name": "li", "role": "operator",
                                                               "password": "Li-Shift-B-0perator", "rooms": ["LV"],
                                                               "display_name": "李工"}), 201)
        assert made["rooms"] == ["LV"] and made["display_name"] == "李工" and "view" in made["permissions"]
        refused(await c.post("/users", headers=admin, json={"name": "li", "role": "operator",
                                                             "password": "Li-Shift-B-0perator"}), 409, "conflict")
        refused(await c.post("/users", headers=admin, json={"name": "zhao", "role": "operator",
                                                             "password": "123"}), 422, "password_rejected")
        li = bearer((await c.post("/auth/login", json={"username": "li", "password": "Li-Shift-B-0perator"})).json()
                    ["token"])
        refused(await c.put("/points/ENV-1.temp/limits", json={"limits": None}, headers=li), 403, "permission_denied")
        promoted = ok(await c.patch("/users/li", json={"role": "engineer", "rooms": []}, headers=admin))
        assert promoted["role"] == "engineer" and promoted["rooms"] == []
        # the running session has the new role at once
        assert ok(await c.put("/points/ENV-1.temp/limits", json={"limits": None}, headers=li))["origin"] == "runtime"
        ok(await c.patch("/users/li", json={"enabled": False}, headers=admin))
        refused(await c.get("/auth/me", headers=li), 401, "session_expired")
        refused(await c.post("/auth/login", json={"username": "li", "password": "Li-Shift-B-0perator"}), 401,
                "account_disabled")
        assert ok(await c.delete("/users/li", headers=admin), 204) is None
        assert "li" not in {u["name"] for u in ok(await c.get("/users", headers=admin))}
        refused(await c.patch("/users/li", json={"display_name": "x"}, headers=admin), 404, "unknown_user")
        refused(await c.delete("/users/admin", headers=admin), 409, "conflict")
        refused(await c.patch("/users/admin", json={"role": "operator"}, headers=admin), 409, "conflict")

        rows = ok(await c.get("/audit", params={"user": "admin"}, headers=admin))
        actions = {r["action"] for r in rows}
        assert {"user_create", "user_change", "user_delete", "login"} <= actions
        eng_rows = ok(await c.get("/audit", params={"user": "eng", "actions": "limit_change,diagram_edit"},
                                  headers=admin))
        assert {(r["action"], r["result"]) for r in eng_rows} >= {("limit_change", "ok"), ("diagram_edit", "ok"),
                                                                   ("diagram_edit", "refused")}
        assert set(USERS) <= {u["name"] for u in ok(await c.get("/users", headers=admin))}
