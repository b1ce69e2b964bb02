"""The server as a service: HTTPS with a real certificate, CORS closed unless opened, /health without
a login, the mobile page at /, a 500 that tells the client nothing, one JSON log line per request
without secrets, and `python -m app serve --http` as an engineer runs it — refusing to start
without an administrator, stopping cleanly on SIGTERM with the data committed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import trustme
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

from app.historian import Historian
from app.server import API_PREFIX
from app.server.app import MOBILE_DIR
from tests.integration.test_server_rig import USERS, served


def _certificate(tmp_path: Path) -> tuple[trustme.CA, Path, Path]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = tmp_path / "server.pem", tmp_path / "server.key"
    cert.private_key_pem.write_to_path(str(key))
    with open(chain, "wb") as f:
        for blob in cert.cert_chain_pems:
            f.write(blob.bytes())
    return ca, chain, key


async def test_https_and_wss_with_a_certificate(sqlite_url, tmp_path):
    ca, chain, key = _certificate(tmp_path)
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    async with served(sqlite_url, tmp_path, simulate=False, tls=(chain, key)) as api:
        assert api.base.startswith("https://127.0.0.1:")
        async with httpx.AsyncClient(base_url=api.base, verify=trusting) as c:
            assert (await c.get("/health")).json()["db"] == "ok"
            r = await c.post("/auth/login", json={"username": "op", "password": USERS["op"][2]})
            token = r.json()["token"]
            assert (await c.get("/site", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        async with connect(f"{api.ws_base}/stream?token={token}", ssl=trusting) as ws:
            assert ws.protocol.state.name == "OPEN"
        # a client that does not trust the certificate, or speaks plain HTTP, gets nowhere
        async with httpx.AsyncClient(base_url=api.base) as c:
            with pytest.raises(httpx.ConnectError):
                await c.get("/health")
        async with httpx.AsyncClient(base_url=api.base.replace("https", "http")) as c:
            with pytest.raises(httpx.HTTPError):
                await c.get("/health")


async def test_cors_is_closed_by_default_and_open_only_to_the_given_origins(sqlite_url, tmp_path):
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "authorization"}
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        r = await c.get("/health", headers={"Origin": "https://evil.example"})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
        r = await c.options("/site", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
    async with served(sqlite_url, tmp_path, simulate=False, cors=["https://console.example"]) as api, \
            api.client() as c:
        r = await c.options("/site", headers={**preflight, "Origin": "https://console.example"})
        assert r.headers["access-control-allow-origin"] == "https://console.example"
        assert "authorization" in r.headers["access-control-allow-headers"].lower()
        r = await c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


async def test_the_mobile_page_is_served_at_the_root_beside_the_api(sqlite_url, tmp_path):
    mobile = tmp_path / "mobile"
    mobile.mkdir()
    (mobile / "index.html").write_text("<!doctype html><title>配电房</title>", encoding="utf-8")
    async with served(sqlite_url, tmp_path, simulate=False, mobile_dir=mobile) as api, \
            httpx.AsyncClient(base_url=api.http.url) as c:
        r = await c.get("/")
        assert r.status_code == 200 and "配电房" in r.text and r.headers["content-type"].startswith("text/html")
        # a strict policy: the page needs nothing inline, so nothing injected can run with a token
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
        docs = await c.get(f"{API_PREFIX}/docs")
        assert "content-security-policy" not in docs.headers  # Swagger UI loads its own scripts
        assert (await c.get(f"{API_PREFIX}/health")).status_code == 200
        assert (await c.get(f"{API_PREFIX}/openapi.json")).json()["info"]["title"] == "SwitchRoom cloud API"
        missing = await c.get(f"{API_PREFIX}/no/such/call")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    async with served(sqlite_url, tmp_path, simulate=False, mobile_dir=tmp_path / "none") as api, \
            httpx.AsyncClient(base_url=api.http.url) as c:
        assert (await c.get("/")).status_code == 404


async def test_an_unexpected_failure_is_a_bare_500_and_the_log_has_the_trace(sqlite_url, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    async with served(sqlite_url, tmp_path, simulate=False) as api, api.client() as c:
        def broken():
            raise RuntimeError("secret internals at /srv/plant")

        api.source.flood = broken  # type: ignore[method-assign]
        token = await api.token("op", c)
        r = await c.get("/alarms/flood", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 500
        assert r.json() == {"error": {"code": "internal", "message": r.json()["error"]["message"]}}
        assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
        assert (await c.get("/health")).status_code == 200  # the server goes on
    failures = [rec for rec in caplog.records if rec.name == "app.server" and rec.exc_info]
    assert failures and "secret internals" in str(failures[0].exc_info[1])

    # one JSON line per request: method, path, status, ms, user; never the token or a password
    lines = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "app.server.access"]
    assert {"method", "path", "status", "ms", "user", "client"} <= set(lines[0])
    flood = next(line for line in lines if line["path"] == f"{API_PREFIX}/alarms/flood")
    assert flood["status"] == 500 and flood["user"] == "op" and flood["method"] == "GET"
    login = next(line for line in lines if line["path"] == f"{API_PREFIX}/auth/login")
    assert login["status"] == 200 and login["user"] == "op"
    text = caplog.text
    assert token not in text and USERS["op"][2] not in text


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHROOM_ADMIN")}
    return {**env, "SWITCHROOM_DATA": str(tmp_path), **extra}


def test_serve_http_refuses_to_start_without_an_administrator(tmp_path):
    args = [sys.executable, "-m", "app", "serve", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
            "--db", str(tmp_path / "h.sqlite")]
    out = subprocess.run(args, capture_output=True, text=True, env=_env(tmp_path), timeout=120, check=False)
    assert out.returncode == 2, out.stderr
    assert "SWITCHROOM_ADMIN_PASSWORD" in out.stderr and "--admin-password-file" in out.stderr
    assert "Traceback" not in out.stderr
    weak = tmp_path / "admin.pw"
    weak.write_text("123456\n", encoding="utf-8")
    out = subprocess.run([*args, "--admin-password-file", str(weak)], capture_output=True, text=True,
                         env=_env(tmp_path), timeout=120, check=False)
    assert out.returncode == 2 and "password is refused" in out.stderr, out.stderr
    out = subprocess.run([*args, "--tls-cert", str(weak)], capture_output=True, text=True, env=_env(tmp_path),
                         timeout=120, check=False)
    assert out.returncode == 2 and "--tls-cert and --tls-key" in out.stderr, out.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGTERM")
@pytest.mark.timeout(180)
def test_serve_http_serves_and_stops_cleanly_on_sigterm_with_the_data_committed(tmp_path):
    db = tmp_path / "history.sqlite"
    password = "F1rst-Chief-Of-Site"
    pw_file = tmp_path / "admin.pw"
    pw_file.write_text(password + "\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--simulate", "--no-bus-timing", "--listen", "127.0.0.1:0",
         "--http", "127.0.0.1:0", "--db", str(db), "--admin-password-file", str(pw_file), "--status-every", "0.5"],
        stderr=subprocess.PIPE, text=True, env=_env(tmp_path),
    )  # fmt: skip
    assert proc.stderr is not None
    lines: list[str] = []
    base = None
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and base is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            found = re.search(r"cloud API at (http://\S+/api/v1)", line)
            base = found.group(1) if found else None
        assert base is not None, "".join(lines)
        with httpx.Client(base_url=base, timeout=30) as c:
            token = c.post("/auth/login", json={"username": "admin", "password": password}).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                latest = c.get("/points/latest", params={"ids": "T1-LV-IN.Ia"}, headers=auth).json()
                if latest and c.get("/health").json()["samples_written"] > 0:
                    break
                time.sleep(0.3)
            assert latest and latest[0]["quality"] == "good", latest
            seen_ts = latest[0]["ts"]
        # a console's stream is open when the service manager stops the server: it is told, not cut
        ws_url = base.replace("http", "ws", 1) + f"/stream?token={token}"
        with sync_connect(ws_url) as ws:
            assert json.loads(ws.recv(timeout=30))["type"] == "samples"
            proc.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=30)
        assert closed.value.rcvd is not None and closed.value.rcvd.code in (1001, 1012)
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        proc.stderr.close()
    log = "".join(lines) + rest
    assert proc.returncode == 0, log
    assert "cloud API stopped" in rest and "stopped; everything received is committed" in rest
    assert rest.index("cloud API stopped") < rest.index("stopped; everything received is committed")
    assert "Traceback" not in log
    assert token not in log and password not in log
    requests = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(r["path"] == "/api/v1/points/latest" and r["user"] == "admin" and r["status"] == 200
               for r in requests)

    # what the API showed is in the database after the stop
    historian = Historian(db, read_only=True)
    historian.open()
    try:
        stored = historian.latest(["T1-LV-IN.Ia"])["T1-LV-IN.Ia"]
        assert stored.ts >= seen_ts
    finally:
        historian.close()


@pytest.mark.skipif(not (MOBILE_DIR / "index.html").is_file(), reason="the mobile page is not in this checkout")
async def test_the_packaged_mobile_page_is_what_the_server_serves_by_default(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path, simulate=False, mobile_dir=MOBILE_DIR) as api, \
            httpx.AsyncClient(base_url=api.http.url) as c:
        r = await c.get("/")
        assert r.status_code == 200 and r.text == (MOBILE_DIR / "index.html").read_text(encoding="utf-8")
