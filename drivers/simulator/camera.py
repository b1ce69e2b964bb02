"""The simulated cameras' RTSP server: live H.264 of a test picture, as an IP camera serves it.

The demo site's cameras must show moving pictures without a real camera, and the video
tests need a real RTSP peer on loopback that they control (kill it, restart it, make it
stall, ask for a password).  This is an RTSP 1.0 server (RFC 2326) on asyncio, no Qt:
OPTIONS, DESCRIBE (SDP: H.264, packetization-mode=1, sprop-parameter-sets), SETUP with
RTP/AVP/TCP interleaved or RTP/AVP over UDP (sent from a server socket pair), PLAY, PAUSE,
TEARDOWN, GET_PARAMETER/SET_PARAMETER as keep-alives, a session timeout; several cameras
(paths) on one port, several viewers per camera; per-camera Basic or Digest authentication.
Answers: 401 with a challenge (no or wrong credentials), 404 unknown path, 454 unknown
session, 455 PLAY before SETUP, 461 no usable transport, 400 malformed (and it keeps serving).

A camera encodes (`camera_encoder`, in a thread) only while someone plays it; each new
viewer starts at a forced keyframe.  The picture is `camera_pattern`'s: colour bars, a moving
box, the camera's id, the clock, and the frame's wall time as a block code (`read_stamp`).

Public API::

    from drivers.simulator import SimCamera
    from drivers.simulator.camera import CameraServer
    from drivers.simulator.camera_thread import serve_in_thread

    # asyncio
    server = CameraServer("127.0.0.1", 0, [SimCamera("CAM-1", "cam1", port=0, width=320, height=240)])
    port = await server.start()              # the bound port (port 0: the OS picks one)
    url = server.url("CAM-1")                # rtsp://127.0.0.1:<port>/cam1
    await server.stop()                      # closes every session, stops every encoder

    # synchronous tests (its own event loop in a thread); serve_in_thread(cameras, host="127.0.0.1",
    # port=0, *, tz=None, session_timeout=60.0) yields a ThreadedCameraServer with .port, .url()
    # and the test controls below
    with serve_in_thread([SimCamera("CAM-1", "cam1", width=320, height=240)]) as server:
        cv2.VideoCapture(server.url("CAM-1"), cv2.CAP_FFMPEG)
        server.url("CAM-1", "admin", "pw")  # rtsp://admin:pw@127.0.0.1:<port>/cam1 (percent-encoded)
    # a server "killed and restarted": leave the block, then serve again on the same port
    with serve_in_thread(cameras, port=port_of_the_first): ...

A camera's own ``host``/``port`` fields are ignored by a server made directly (the server's
own are used); `Simulator` groups its plant's cameras by them, one server per host and port.

Test controls (thread-safe through `serve_in_thread`'s server; on the loop otherwise):
``viewers(id)`` playing sessions, ``encoding(id)`` whether its encoder runs, ``frames(id)``
access units encoded, ``sessions()`` all sessions, ``freeze(id, True)`` keep sessions but send
nothing (a stalled camera), ``disconnect(id | None)`` drop viewers' connections (stream ended).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import secrets
import time
from collections.abc import Sequence
from datetime import tzinfo
from urllib.parse import quote, urlsplit

from drivers.simulator.camera_auth import Guard
from drivers.simulator.camera_encoder import AccessUnit, CameraEncoder, parameter_sets
from drivers.simulator.camera_rtsp import Interleaved, Malformed, MessageReader, Request, response
from drivers.simulator.camera_session import CameraSession, choose_transport, open_udp
from drivers.simulator.rtp import NAL_SPS, nal_type
from drivers.simulator.spec import SimCamera, SpecError

log = logging.getLogger(__name__)

SESSION_TIMEOUT = 60.0  # s without a request or RTCP before a session is dropped
PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER"
TRACK = "trackID=0"


class _Feed:
    """One camera: its encoder, its parameter sets, its viewers."""

    def __init__(self, camera: SimCamera, server: CameraServer) -> None:
        self.camera = camera
        self.server = server
        self.encoder = CameraEncoder(camera, self._from_thread, tz=server.tz)
        self.guard = Guard(camera.username, camera.password or "", camera.auth) if camera.username else None
        self.sps: bytes | None = None
        self.pps: bytes | None = None
        self.sessions: set[CameraSession] = set()
        self.frozen = False
        self._lock = asyncio.Lock()

    def _from_thread(self, au: AccessUnit) -> None:
        loop = self.server.loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed under a late frame
                loop.call_soon_threadsafe(self.deliver, au)

    async def parameter_sets(self) -> tuple[bytes, bytes]:
        async with self._lock:
            if self.sps is None or self.pps is None:
                loop = asyncio.get_running_loop()
                self.sps, self.pps = await loop.run_in_executor(None, parameter_sets, self.camera)
            return self.sps, self.pps

    def deliver(self, au: AccessUnit) -> None:
        if au.keyframe:
            for nal in au.nals:
                if nal_type(nal) == NAL_SPS:
                    self.sps = nal
        if self.frozen or self.sps is None or self.pps is None:
            return
        for session in list(self.sessions):
            if session.playing and session.send(au, self.sps, self.pps):
                self.encoder.keyframe()

    def update(self) -> None:
        """Encode while anyone plays, not otherwise."""
        if any(s.playing for s in self.sessions):
            self.encoder.start()
        elif self.encoder.running:
            self.encoder.stop()
            log.info("camera %s: nobody watches, encoding stops / 无人观看，停止编码", self.camera.id)


class CameraServer:
    """RTSP server for ``cameras`` on ``host:port`` (every camera's own host/port is ignored here)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8554,
        cameras: Sequence[SimCamera] = (),
        *,
        tz: tzinfo | None = None,
        session_timeout: float = SESSION_TIMEOUT,
    ) -> None:
        for c in cameras:
            try:
                c.validate()
            except SpecError as exc:
                raise ValueError(str(exc)) from exc
        self.host, self.port = host, port
        self.tz = tz
        self.session_timeout = session_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self._feeds: dict[str, _Feed] = {}
        self._by_id: dict[str, _Feed] = {}
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._sessions: dict[str, CameraSession] = {}
        self._watchdog: asyncio.Task[None] | None = None
        for c in cameras:
            feed = _Feed(c, self)
            path = c.path.strip("/")
            if path in self._feeds or c.id in self._by_id:
                raise ValueError(f"camera {c.id}: its id or path /{path} is taken by another camera")
            self._feeds[path] = feed
            self._by_id[c.id] = feed

    # -- life ------------------------------------------------------------------------------

    async def start(self) -> int:
        """Listen; returns the bound port.  Raises OSError when the port is taken."""
        self.loop = asyncio.get_running_loop()
        self._server = await self.loop.create_server(lambda: _Connection(self), self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._watchdog = self.loop.create_task(self._expire(), name="camera-sessions")
        log.info("simulated cameras on rtsp://%s:%d: %s", self.host, self.port, ", ".join(self._by_id))
        return self.port

    async def stop(self) -> None:
        """Close every session and connection, stop listening and stop every encoder."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
            self._watchdog = None
        if self._server is not None:
            self._server.close()
        for session in list(self._sessions.values()):
            self.end_session(session)
        tasks = [c.task for c in self._connections if c.task is not None]
        for conn in list(self._connections):
            conn.transport.abort()
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)  # each ends when its connection_lost arrives
        for feed in self._feeds.values():
            feed.encoder.stop()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, f.encoder.join) for f in self._feeds.values()))
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def _expire(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self.session_timeout / 4))
            now = time.monotonic()
            for session in list(self._sessions.values()):
                if now - session.last_seen > self.session_timeout:
                    log.info("camera %s: session timed out / 会话超时", session.feed_id)
                    conn = session.connection
                    self.end_session(session)
                    if session.tcp and conn is not None:
                        conn.transport.abort()

    # -- for tests and the simulator -------------------------------------------------------

    @property
    def cameras(self) -> list[SimCamera]:
        """The cameras this server serves."""
        return [f.camera for f in self._by_id.values()]

    def url(self, camera_id: str, username: str | None = None, password: str | None = None) -> str:
        """The camera's RTSP URL on this server (with credentials only when given)."""
        feed = self._feed(camera_id)
        auth = ""
        if username is not None:
            auth = quote(username, safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"rtsp://{auth}{host}:{self.port}/{feed.camera.path.strip('/')}"

    def _feed(self, camera_id: str) -> _Feed:
        try:
            return self._by_id[camera_id]
        except KeyError:
            raise KeyError(f"there is no camera {camera_id!r} on this server") from None

    def viewers(self, camera_id: str) -> int:
        """Sessions playing the camera now."""
        return sum(1 for s in self._feed(camera_id).sessions if s.playing)

    def encoding(self, camera_id: str) -> bool:
        """Whether the camera's encoder thread runs."""
        return self._feed(camera_id).encoder.running

    def frames(self, camera_id: str) -> int:
        """Access units the camera has encoded since the server was made."""
        return self._feed(camera_id).encoder.frames

    def sessions(self) -> int:
        """Sessions set up on the server (playing or not)."""
        return len(self._sessions)

    def freeze(self, camera_id: str, frozen: bool = True) -> None:
        """Stop (or resume) sending the camera's pictures, keeping its sessions: a stalled stream."""
        feed = self._feed(camera_id)
        feed.frozen = frozen
        if not frozen:
            feed.encoder.keyframe()
            for s in feed.sessions:
                s.waiting_key = True

    def disconnect(self, camera_id: str | None = None) -> int:
        """Close the connections of the camera's viewers (every viewer's with None); how many."""
        conns = {s.connection for s in self._sessions.values() if camera_id is None or s.feed_id == camera_id}
        conns.discard(None)
        for conn in conns:
            assert conn is not None
            conn.transport.abort()
        return len(conns)

    # -- sessions --------------------------------------------------------------------------

    def end_session(self, session: CameraSession) -> None:
        if self._sessions.pop(session.id, None) is None:
            return
        feed = self._by_id[session.feed_id]
        feed.sessions.discard(session)
        if session.connection is not None:
            session.connection.sessions.discard(session.id)
        session.close()
        feed.update()

    def find(self, uri: str) -> _Feed | None:
        """The camera a request URI names (its path, or its path and our track's control)."""
        path = urlsplit(uri).path.strip("/") if "://" in uri else uri.strip("/")
        feed = self._feeds.get(path)
        if feed is None and path.endswith("/" + TRACK):
            feed = self._feeds.get(path[: -len(TRACK) - 1])
        return feed

    async def handle(self, conn: _Connection, req: Request) -> bytes:
        """The answer to one request."""
        cseq = req.cseq
        if req.version != "RTSP/1.0":
            return response(505, cseq)
        session = None
        if "session" in req.headers:
            sid = req.headers["session"].split(";")[0].strip()
            session = self._sessions.get(sid)
            if session is None or session.connection is not conn:
                return response(454, cseq)
            session.touch()
        method = req.method
        if method == "OPTIONS":
            return response(200, cseq, {"Public": PUBLIC})
        if method in ("ANNOUNCE", "RECORD", "REDIRECT"):
            return response(405, cseq, {"Allow": PUBLIC})
        if method not in PUBLIC.split(", "):
            return response(501, cseq)
        if method in ("GET_PARAMETER", "SET_PARAMETER"):
            return response(200, cseq, {"Session": session.header(self.session_timeout)} if session else {})
        if method == "TEARDOWN":
            if session is None:
                return response(454, cseq)
            self.end_session(session)
            return response(200, cseq)
        feed = self.find(req.uri)
        if feed is None:
            return response(404, cseq)
        if feed.guard is not None:
            allowed, stale = feed.guard.check(method, req.headers.get("authorization"))
            if not allowed:
                log.info("camera %s: %s refused, no or wrong credentials / 认证失败", feed.camera.id, method)
                return response(401, cseq, {"WWW-Authenticate": feed.guard.challenge(stale)})
        if method == "DESCRIBE":
            return await self._describe(feed, req)
        if method == "SETUP":
            return await self._setup(conn, feed, req, session)
        if session is None:
            return response(455, cseq)  # PLAY or PAUSE before SETUP
        if session.feed_id != feed.camera.id:
            return response(459, cseq)
        if method == "PLAY":
            return self._play(feed, session, req)
        session.playing = False  # PAUSE
        feed.update()
        return response(200, cseq, {"Session": session.header(self.session_timeout)})

    async def _describe(self, feed: _Feed, req: Request) -> bytes:
        try:
            sps, pps = await feed.parameter_sets()
        except Exception as exc:  # no encoder: the camera is broken, not the server
            log.error("camera %s: no H.264 parameters / 无H.264参数: %s", feed.camera.id, exc)
            return response(503, req.cseq)
        parts = urlsplit(req.uri)
        host = parts.hostname or self.host
        netloc = (f"[{host}]" if ":" in host else host) + f":{parts.port or self.port}"
        base = f"rtsp://{netloc}/{feed.camera.path.strip('/')}/"
        sdp = _sdp(feed.camera, sps, pps, self.host).encode("ascii")
        return response(200, req.cseq, {"Content-Base": base, "Content-Type": "application/sdp"}, sdp)

    async def _setup(self, conn: _Connection, feed: _Feed, req: Request, session: CameraSession | None) -> bytes:
        cseq = req.cseq
        if session is not None:
            return response(455 if session.feed_id == feed.camera.id else 459, cseq)  # one track per session
        setup = choose_transport(req.headers.get("transport", ""))
        if setup is None:
            return response(461, cseq)
        sid = secrets.token_hex(8)
        udp = None
        if not setup.tcp:
            try:
                udp = await open_udp(conn.local_host, conn.peer_host, setup, lambda: self._touch(sid))
            except OSError as exc:
                log.warning("camera %s: no UDP ports / 无可用UDP端口: %s", feed.camera.id, exc)
                return response(461, cseq)
        session = CameraSession(sid, feed.camera.id, conn, setup, udp)
        self._sessions[sid] = session
        feed.sessions.add(session)
        conn.sessions.add(sid)
        log.info("camera %s: %s session from %s / 新会话", feed.camera.id, setup.kind, conn.peer_host)
        return response(
            200, cseq, {"Transport": session.transport_header(), "Session": session.header(self.session_timeout)}
        )

    def _touch(self, sid: str) -> None:
        session = self._sessions.get(sid)
        if session is not None:
            session.touch()

    def _play(self, feed: _Feed, session: CameraSession, req: Request) -> bytes:
        parts = urlsplit(req.uri)
        track = f"rtsp://{parts.netloc.rpartition('@')[2]}/{feed.camera.path.strip('/')}/{TRACK}"
        info = f"url={track};seq={session.packetizer.seq};rtptime={session.rtp_time(time.time() * 1000)}"
        answer = response(
            200,
            req.cseq,
            {"Range": "npt=0.000-", "RTP-Info": info, "Session": session.header(self.session_timeout)},
        )
        session.start_after = answer  # the connection writes the answer, then the session plays
        return answer

    def started(self, session_id: str) -> None:
        """The PLAY answer is on the wire: frames may follow."""
        session = self._sessions.get(session_id)
        if session is None:
            return
        feed = self._by_id[session.feed_id]
        session.playing = True
        session.waiting_key = True
        feed.encoder.keyframe()
        feed.update()


def _sdp(camera: SimCamera, sps: bytes, pps: bytes, host: str) -> str:
    sprop = ",".join(base64.b64encode(n).decode("ascii") for n in (sps, pps))
    profile = sps[1:4].hex().upper()
    version = secrets.randbelow(1 << 31)
    fps = f"{camera.fps:g}"
    return (
        "v=0\r\n"
        f"o=- {version} 1 IN IP4 {host if ':' not in host else '0.0.0.0'}\r\n"
        f"s={camera.id}\r\n"
        "i=SwitchRoom simulated camera\r\n"
        "c=IN IP4 0.0.0.0\r\n"
        "t=0 0\r\n"
        "a=tool:SwitchRoom simulator\r\n"
        "a=range:npt=0-\r\n"
        "a=control:*\r\n"
        "m=video 0 RTP/AVP 96\r\n"
        "a=rtpmap:96 H264/90000\r\n"
        f"a=fmtp:96 packetization-mode=1;profile-level-id={profile};sprop-parameter-sets={sprop}\r\n"
        f"a=framerate:{fps}\r\n"
        f"a=x-dimensions:{camera.width},{camera.height}\r\n"
        f"a=control:{TRACK}\r\n"
    )


class _Connection(asyncio.Protocol):
    """One RTSP client connection: requests answered in order, interleaved RTP out."""

    def __init__(self, server: CameraServer) -> None:
        self.server = server
        self.reader = MessageReader()
        self.sessions: set[str] = set()
        self.queue: asyncio.Queue[Request | Malformed | None] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername") or ("?", 0)
        local = transport.get_extra_info("sockname") or (self.server.host, 0)
        self.peer_host, self.local_host = str(peer[0]), str(local[0])
        self.server._connections.add(self)
        self.task = asyncio.get_running_loop().create_task(self._serve(), name="rtsp-connection")

    def data_received(self, data: bytes) -> None:
        for sid in self.sessions:
            self.server._touch(sid)
        for message in self.reader.feed(data):
            if isinstance(message, Interleaved):
                continue  # RTCP receiver reports: the touch above is all they are for
            self.queue.put_nowait(message)  # malformed ones too: answers go out in request order

    async def _serve(self) -> None:
        """Requests in order (DESCRIBE may wait for the encoder's parameters)."""
        while True:
            req = await self.queue.get()
            if req is None:
                return
            if isinstance(req, Malformed):
                log.info("RTSP client %s: malformed request (%s) / 请求格式错误", self.peer_host, req.reason)
                self.transport.write(response(400, req.cseq))
                if req.fatal:
                    self.transport.close()
                    return
                continue
            try:
                answer = await self.server.handle(self, req)
            except Exception:
                log.exception("RTSP %s failed / 请求处理失败", req.method)
                answer = response(500, req.cseq)
            if self.transport.is_closing():
                return
            self.transport.write(answer)
            if req.method == "PLAY":
                for sid in list(self.sessions):
                    session = self.server._sessions.get(sid)
                    if session is not None and session.start_after is answer:
                        session.start_after = None
                        self.server.started(sid)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        for sid in list(self.sessions):
            session = self.server._sessions.get(sid)
            if session is not None:
                log.info("camera %s: viewer %s left / 观看者断开", session.feed_id, self.peer_host)
                self.server.end_session(session)
        self.queue.put_nowait(None)
