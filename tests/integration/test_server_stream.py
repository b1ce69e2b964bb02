"""WS /stream: samples and alarm events from the simulated plant, coalesced per client; the socket
closes with 4401 when the session ends; a client that does not read is dropped, not buffered.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.alarms.model import AlarmEvent, Change
from app.api.codec import decode, sample_from_row
from app.auth import Sessions
from app.server import StreamLimits
from app.server.stream import CLOSE_SESSION_ENDED, CLOSE_TOO_SLOW
from drivers.simulator import Fault, FaultKind
from tests.integration.test_server_rig import fast_polls, served, until


async def next_of(ws, kind: str, timeout: float = 30.0) -> dict:
    """The next message of ``kind`` (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


async def closed_with(ws, timeout: float = 30.0) -> tuple[int, str]:
    """Read until the server closes; its close code and reason."""
    async with asyncio.timeout(timeout):
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await ws.recv()
    assert info.value.rcvd is not None, "the server closed without a close frame"
    return info.value.rcvd.code, info.value.rcvd.reason


@pytest.mark.timeout(180)
async def test_the_stream_delivers_samples_and_alarm_events(sqlite_url, tmp_path):
    async with served(sqlite_url, tmp_path) as api:
        fast_polls(api.source)
        token = await api.token("op")
        async with connect(f"{api.ws_base}/stream?token={token}") as ws:
            seen: set[str] = set()
            for _ in range(20):
                message = await next_of(ws, "samples")
                batch = [sample_from_row(row) for row in message["items"]]
                ids = [s.point for s in batch]
                assert len(ids) == len(set(ids)), "a message holds the newest value of each point once"
                seen.update(ids)
                if len(seen) > 100:
                    break
            assert len(seen) > 100

            api.source.simulator.inject(Fault(FaultKind.SMOKE, "ENV-1"))
            async with asyncio.timeout(30):
                while True:
                    events = decode(list[AlarmEvent], (await next_of(ws, "alarm"))["events"])
                    smoke = [e for e in events if e.alarm.point == "ENV-1.smoke"]
                    if smoke:
                        break
            assert smoke[0].change is Change.RAISED and smoke[0].alarm.level == 1
            # an acknowledgement over REST comes back on the stream with who did it
            async with api.client() as c:
                r = await c.post(f"/alarms/{smoke[0].alarm.id}/ack", json={"comment": "on my way"},
                                 headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 200, r.text
            async with asyncio.timeout(30):
                while True:
                    events = decode(list[AlarmEvent], (await next_of(ws, "alarm"))["events"])
                    acked = [e for e in events if e.change is Change.ACKED]
                    if acked:
                        break
            assert acked[0].user == "op" and acked[0].comment == "on my way"
        # the last client gone, the server holds no subscription to the source
        await until(lambda: _now(not api.source._subscribers.samples), 10, "the subscription closed")


async def _now(value):
    return value


async def test_a_bad_token_and_an_ended_session_close_the_stream_with_4401(sqlite_url, tmp_path):
    now = [time.time() * 1000]
    sessions = Sessions(idle_timeout_s=60, clock=lambda: int(now[0]))
    limits = StreamLimits(session_check_s=0.05)
    async with served(sqlite_url, tmp_path, simulate=False, sessions=sessions, limits=limits) as api:
        async with connect(f"{api.ws_base}/stream?token=forged") as ws:
            code, reason = await closed_with(ws)
            assert code == CLOSE_SESSION_ENDED and "log in again" in reason
        async with connect(f"{api.ws_base}/stream") as ws:
            assert (await closed_with(ws))[0] == CLOSE_SESSION_ENDED

        token = await api.token("op")
        async with connect(f"{api.ws_base}/stream?token={token}") as ws:
            now[0] += 61_000  # idle for longer than the timeout: watching the stream is not use
            code, reason = await closed_with(ws)
            assert code == CLOSE_SESSION_ENDED and "idle" in reason

        token = await api.token("op")
        async with connect(f"{api.ws_base}/stream", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            async with api.client() as c:
                r = await c.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 204
            assert (await closed_with(ws))[0] == CLOSE_SESSION_ENDED


@pytest.mark.timeout(180)
async def test_a_client_that_does_not_read_is_dropped_instead_of_buffered(sqlite_url, tmp_path):
    # small socket buffers on both ends, so a client that stops reading holds the server's sends up at once
    server_sock = socket.create_server(("127.0.0.1", 0))
    server_sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    limits = StreamLimits(send_timeout_s=0.5)
    async with served(sqlite_url, tmp_path, sock=server_sock, limits=limits) as api:
        fast_polls(api.source, 0.5)
        token = await api.token("op")
        client_sock = socket.socket()
        client_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client_sock.connect(("127.0.0.1", api.http.address[1]))
        async with connect(f"{api.ws_base}/stream?token={token}", sock=client_sock, max_queue=1,
                           compression=None) as slow, \
                connect(f"{api.ws_base}/stream?token={token}") as reader:
            await until(lambda: _now(len(api.http.app.state.server.hub.clients) == 2), 10, "both connected")
            # the reader keeps reading; the slow one never does
            read = 0

            async def keep_reading():
                nonlocal read
                while True:
                    await reader.recv()
                    read += 1

            reading = asyncio.create_task(keep_reading())
            try:
                hub = api.http.app.state.server.hub
                await until(lambda: _now(len(hub.clients) == 1), 120, "the slow client dropped")
                left = next(iter(hub.clients))
                assert left.closing is None and len(left.pending) <= len(api.source.site_config.points)
                before = read
                await until(lambda: _now(read > before + 5), 30, "the reader still served")
            finally:
                reading.cancel()
            code, reason = await closed_with(slow, 60)
            assert code == CLOSE_TOO_SLOW and "too slow" in reason
