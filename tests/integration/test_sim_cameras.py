"""The simulator's RTSP cameras against independent clients on real loopback sockets.

OpenCV's FFmpeg backend and the ffprobe CLI are the clients the console and an engineer use;
`rtsp_raw` is a bare client that sees status codes and RTP packets.  Pictures are checked by
their content (colour bars, the stamped wall time), never by timing; waits poll with generous
deadlines.  Cameras are 320x240 to spare the shared CPUs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import cv2
import numpy as np
import pytest

from app.config import load_site, schema
from app.simulation import plant_from_site
from drivers.simulator import SimCamera, SimGateway, SimPlant, Simulator
from drivers.simulator.camera import CameraServer
from drivers.simulator.camera_pattern import bar_colours, read_stamp
from drivers.simulator.camera_thread import serve_in_thread
from drivers.simulator.rtp import NAL_IDR, NAL_PPS, NAL_SPS, nal_type
from tests.integration.rtsp_raw import RawRtsp, access_units, decode

W, H = 320, 240
#: Before any server of this module started: a stamp between this and now is a picture of this run,
#: not a constant or garbage (an ordering, no allowance of time).
STARTED_MS = time.time() * 1000


def cam(camera_id: str = "CAM-1", path: str = "cam1", **kw) -> SimCamera:
    return SimCamera(camera_id, path, port=0, width=W, height=H, fps=15, **kw)


@pytest.fixture
def raw() -> Iterator[Callable[..., RawRtsp]]:
    """Opens bare RTSP clients and closes them whatever the test did."""
    clients: list[RawRtsp] = []

    def connect(host: str, port: int, timeout: float = 10.0) -> RawRtsp:
        clients.append(RawRtsp(host, port, timeout))
        return clients[-1]

    yield connect
    for c in clients:
        c.close()


def wait_for(condition: Callable[[], bool], what: str, deadline_s: float = 20.0) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"still not {what} after {deadline_s} s")
        time.sleep(0.05)


@contextmanager
def capture(url: str, transport: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[cv2.VideoCapture]:
    monkeypatch.setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", f"rtsp_transport;{transport}")
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 10_000, cv2.CAP_PROP_READ_TIMEOUT_MSEC, 10_000]
    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    try:
        yield cap
    finally:
        cap.release()


def read_rgb(cap: cv2.VideoCapture, n: int = 1) -> list[np.ndarray]:
    out = []
    for _ in range(n):
        ok, bgr = cap.read()
        assert ok, "OpenCV read no frame"
        out.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    return out


def assert_test_picture(rgb: np.ndarray, width: int = W, height: int = H) -> None:
    assert rgb.shape == (height, width, 3)
    for bar in bar_colours():
        x, y = bar.centre(width, height)
        got = rgb[y - 2 : y + 3, x - 2 : x + 3].reshape(-1, 3).mean(axis=0)
        assert np.abs(got - np.array(bar.rgb)).max() < 40, f"{bar.name}: {got} instead of {bar.rgb}"
    stamp = read_stamp(rgb)
    assert stamp is not None
    assert STARTED_MS <= stamp <= time.time() * 1000


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_opencv_reads_the_test_picture(transport, monkeypatch):
    with serve_in_thread([cam()]) as server:
        assert not server.encoding("CAM-1")  # nobody watches yet: nothing encoded
        with capture(server.url("CAM-1"), transport, monkeypatch) as cap:
            assert cap.isOpened()
            frames = read_rgb(cap, 20)
            assert server.viewers("CAM-1") == 1 and server.encoding("CAM-1")
        assert_test_picture(frames[-1])
        stamps = [read_stamp(f) for f in frames]
        assert all(s is not None for s in stamps) and stamps == sorted(stamps) and stamps[0] < stamps[-1]
        motion = slice(int(0.5 * H), int(0.8 * H))
        assert np.abs(frames[0][motion].astype(int) - frames[-1][motion].astype(int)).max() > 100  # the box moved
        wait_for(lambda: server.viewers("CAM-1") == 0 and not server.encoding("CAM-1"), "idle after release")


def test_ffprobe_sees_h264_of_the_size():
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        pytest.skip("ffprobe (Debian's ffmpeg package) is not installed")
    with serve_in_thread([cam(), cam("CAM-2", "cam2")]) as server:
        for camera_id in ("CAM-1", "CAM-2"):
            out = subprocess.run(
                [
                    ffprobe,
                    "-v",
                    "error",
                    "-rtsp_transport",
                    "tcp",
                    "-show_streams",
                    "-of",
                    "json",
                    server.url(camera_id),
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            (stream,) = json.loads(out.stdout)["streams"]
            assert (stream["codec_name"], stream["width"], stream["height"]) == ("h264", W, H)
            assert stream["profile"] in ("Constrained Baseline", "Baseline")


def test_two_viewers_of_one_camera_and_two_cameras_on_one_port(monkeypatch):
    with serve_in_thread([cam(), cam("CAM-2", "streams/two")]) as server:
        assert server.url("CAM-2").endswith(f":{server.port}/streams/two")
        with (
            capture(server.url("CAM-1"), "tcp", monkeypatch) as a,
            capture(server.url("CAM-1"), "tcp", monkeypatch) as b,
            capture(server.url("CAM-2"), "tcp", monkeypatch) as c,
        ):
            pictures = [read_rgb(x, 3)[-1] for x in (a, b, c)]
            assert (server.viewers("CAM-1"), server.viewers("CAM-2")) == (2, 1)
            for rgb in pictures:
                assert_test_picture(rgb)
        wait_for(lambda: server.sessions() == 0, "every session closed")


def test_raw_client_starts_at_a_keyframe_and_decodes(raw):
    with serve_in_thread([cam()]) as server:
        client = raw("127.0.0.1", server.port)
        played = client.play(server.url("CAM-1"))
        assert "rtptime=" in played.headers["rtp-info"] and "seq=" in played.headers["rtp-info"]
        units = access_units(client.interleaved_packets(60))
        first = [nal_type(n) for n in units[0][1]]
        assert first[:2] == [NAL_SPS, NAL_PPS] and NAL_IDR in first  # a new viewer starts at a keyframe
        timestamps = [t for t, _ in units]
        assert all((b - a) % (1 << 32) < 90_000 for a, b in itertools.pairwise(timestamps))
        pictures = decode(units)
        assert pictures
        assert_test_picture(pictures[-1])
        assert client.request("TEARDOWN", server.url("CAM-1"), {"Session": client.session}).status == 200
        wait_for(lambda: not server.encoding("CAM-1"), "encoding stopped after TEARDOWN")
        assert client.request("OPTIONS", "*").status == 200  # the connection outlives the session
        client.close()


def test_udp_rtp_comes_from_the_server_port_pair(raw):
    with serve_in_thread([cam()]) as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp:
        rtp.bind(("127.0.0.1", 0))
        rtp.settimeout(10)
        port = rtp.getsockname()[1]
        client = raw("127.0.0.1", server.port)
        client.play(server.url("CAM-1"), f"RTP/AVP;unicast;client_port={port}-{port + 1}")
        server_ports = client.transport.split("server_port=")[1].split(";")[0].split("-")
        assert int(server_ports[0]) % 2 == 0 and int(server_ports[1]) == int(server_ports[0]) + 1
        packets, sources = [], set()
        while len(access_units(packets)) < 10:
            data, source = rtp.recvfrom(2048)
            packets.append(data)
            sources.add(source)
        assert sources == {("127.0.0.1", int(server_ports[0]))}
        assert_test_picture(decode(access_units(packets))[-1])
        client.close()
        wait_for(lambda: server.sessions() == 0, "the UDP session ended with its connection")


@pytest.mark.parametrize("scheme", ["digest", "basic"])
def test_credentials(scheme, monkeypatch, raw):
    with serve_in_thread([cam(username="admin", password="pa:ss wörd", auth=scheme)]) as server:
        url = server.url("CAM-1")
        client = raw("127.0.0.1", server.port)
        refused = client.request("DESCRIBE", url)
        assert refused.status == 401
        assert refused.headers["www-authenticate"].lower().startswith(scheme)
        client.credentials = ("admin", "wrong")
        assert client.request("DESCRIBE", url).status == 401
        client.credentials = ("admin", "pa:ss wörd")
        assert client.request("DESCRIBE", url).status == 200
        client.close()
        with capture(server.url("CAM-1", "admin", "wrong"), "tcp", monkeypatch) as cap:
            assert not cap.isOpened()
        with capture(server.url("CAM-1", "admin", "pa:ss wörd"), "tcp", monkeypatch) as cap:
            assert cap.isOpened()
            assert_test_picture(read_rgb(cap)[0])


def test_answers_for_wrong_requests_and_the_server_keeps_serving(raw):
    with serve_in_thread([cam()]) as server:
        url = server.url("CAM-1")
        client = raw("127.0.0.1", server.port)
        assert client.request("DESCRIBE", url.replace("/cam1", "/nope")).status == 404
        assert client.request("PLAY", url).status == 455  # before SETUP
        assert client.request("PLAY", url, {"Session": "deadbeef"}).status == 454
        assert client.request("TEARDOWN", url, {"Session": "deadbeef"}).status == 454
        assert client.request("SETUP", url + "/trackID=0", {"Transport": "RTP/AVP;multicast"}).status == 461
        assert client.request("RECORD", url).status == 405
        assert client.request("FLY", url).status == 501
        options = client.request("OPTIONS", url)
        assert options.status == 200 and "DESCRIBE" in options.headers["public"]
        client.send_raw(b"this is not rtsp\r\n\r\n")
        assert client.read_answer().status == 400
        client.send_raw(b"DESCRIBE " + url.encode() + b" RTSP/1.0\r\nno colon here\r\n\r\n")
        assert client.read_answer().status == 400
        client.send_raw(b"DESCRIBE " + url.encode() + b" RTSP/1.0\r\n\r\n")  # no CSeq
        assert client.read_answer().status == 400
        assert client.request("DESCRIBE", url).status == 200  # same connection, still served
        client.send_raw(b"\x00" * 20_000)  # a head that never ends: answered and closed
        assert client.read_answer().status == 400
        with pytest.raises((ConnectionError, OSError)):
            client.request("OPTIONS", url)
        client.close()
        other = raw("127.0.0.1", server.port)
        other.play(url)
        assert decode(access_units(other.interleaved_packets(30)))
        other.close()


def test_a_vanished_viewer_is_cleaned_up_and_encoding_stops(raw):
    with serve_in_thread([cam()]) as server:
        client = raw("127.0.0.1", server.port)
        client.play(server.url("CAM-1"))
        client.interleaved_packets(10)
        assert server.viewers("CAM-1") == 1
        client.sock.close()  # no TEARDOWN
        wait_for(lambda: server.viewers("CAM-1") == 0 and server.sessions() == 0, "the session gone")
        wait_for(lambda: not server.encoding("CAM-1"), "encoding stopped")
        frames = server.frames("CAM-1")
        time.sleep(0.5)
        assert server.frames("CAM-1") == frames  # idle: nothing encoded


def test_a_silent_udp_viewer_times_out(raw):
    with serve_in_thread([cam()], session_timeout=1.0) as server:
        client = raw("127.0.0.1", server.port)
        described = client.request("DESCRIBE", server.url("CAM-1"))
        setup = client.request(
            "SETUP",
            described.headers["content-base"] + "trackID=0",
            {"Transport": "RTP/AVP;unicast;client_port=40000-40001"},
        )
        assert setup.headers["session"].endswith(";timeout=1")
        client.session = setup.headers["session"].split(";")[0]
        assert client.request("PLAY", server.url("CAM-1"), {"Session": client.session}).status == 200
        assert server.viewers("CAM-1") == 1
        wait_for(lambda: server.sessions() == 0, "the silent session expired")  # the client sends no RTCP, no requests
        wait_for(lambda: not server.encoding("CAM-1"), "encoding stopped")
        assert client.request("GET_PARAMETER", server.url("CAM-1"), {"Session": client.session}).status == 454
        client.close()


def test_freeze_and_disconnect_controls(raw):
    with serve_in_thread([cam()]) as server:
        client = raw("127.0.0.1", server.port, timeout=1.0)
        client.play(server.url("CAM-1"))
        client.interleaved_packets(5)
        server.freeze("CAM-1")
        with pytest.raises(TimeoutError):  # what was sent before the freeze, then a second of nothing
            while True:
                client._next()
        client.frames.clear()
        server.freeze("CAM-1", False)
        units = access_units(client.interleaved_packets(20))
        assert NAL_SPS in [nal_type(n) for n in units[0][1]]  # resumes at a keyframe
        assert server.disconnect("CAM-1") == 1
        with pytest.raises((ConnectionError, OSError)):
            for _ in range(1000):
                client._next()
        client.close()


async def test_stop_closes_every_session():
    server = CameraServer("127.0.0.1", 0, [cam()])
    port = await server.start()
    client = await asyncio.to_thread(RawRtsp, "127.0.0.1", port)
    try:
        await asyncio.to_thread(client.play, server.url("CAM-1"))
        await asyncio.to_thread(client.interleaved_packets, 5)
        await server.stop()
        assert server.sessions() == 0 and not server.encoding("CAM-1")

        def drain() -> None:
            while True:
                client._next()

        with pytest.raises(ConnectionError):  # the server closed it (a timeout would be OSError, not this)
            await asyncio.to_thread(drain)
    finally:
        client.close()
    again = CameraServer("127.0.0.1", port, [cam()])  # the port is free again at once
    assert await again.start() == port
    await again.stop()


def plant(*cameras: SimCamera) -> SimPlant:
    return SimPlant([SimGateway("G", b"G1", devices=[])], cameras=list(cameras))


async def test_simulator_serves_its_cameras_and_survives_a_taken_port(caplog):
    sim = Simulator(plant(cam()), "127.0.0.1", 9)
    await sim.start()
    try:
        url = sim.camera_urls()["CAM-1"]
        rgb = await asyncio.to_thread(_one_picture, url)
        assert_test_picture(rgb)
    finally:
        await sim.stop()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = SimCamera("CAM-9", "cam9", port=taken.getsockname()[1], width=W, height=H)
    sim = Simulator(plant(busy), "127.0.0.1", 9)
    with caplog.at_level(logging.WARNING, logger="drivers.simulator.simulator"):
        await sim.start()  # no exception: the rest of the simulator runs on
    try:
        assert sim.camera_urls() == {}
        assert any(
            "8554" not in r.message and "cannot listen" in r.message and "无法监听" in r.message for r in caplog.records
        )
    finally:
        await sim.stop()
        taken.close()


def _one_picture(url: str) -> np.ndarray:
    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 10_000])
    try:
        ok, bgr = cap.read()
        assert ok
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()


def test_the_demo_site_plays_its_cameras_on_loopback():
    site = load_site()
    cameras = plant_from_site(site).cameras
    assert [(c.id, c.host, c.port, c.path) for c in cameras] == [
        ("CAM-1", "127.0.0.1", 8554, "cam1"),
        ("CAM-2", "127.0.0.1", 8554, "cam2"),
    ]
    assert all((c.width, c.height, c.username) == (1280, 720, None) for c in cameras)
    assert plant_from_site(load_site(), cameras=False).cameras == []


def test_only_loopback_cameras_are_simulated_with_the_site_credentials(monkeypatch):
    site = load_site()
    site.file.cameras[:] = [
        schema.Camera(id="REAL", name="real", url="rtsp://192.168.1.64:554/Streaming/Channels/101"),
        schema.Camera(id="LOCAL", name="local", url="rtsp://localhost/a%20b/", username="op", password_env="SR_CAM_PW"),
        schema.Camera(id="NOPATH", name="bad", url="rtsp://127.0.0.1:8555"),
    ]
    monkeypatch.setenv("SR_CAM_PW", "secret")
    (local,) = plant_from_site(site).cameras
    assert (local.id, local.host, local.port, local.path) == ("LOCAL", "localhost", 554, "a%20b")
    assert (local.username, local.password) == ("op", "secret")
    monkeypatch.delenv("SR_CAM_PW")
    (local,) = plant_from_site(site).cameras
    assert (local.username, local.password) == (None, None)  # no password in the environment: no protection
