"""CameraStream, grab and probe against real RTSP servers on loopback (issue 8).

Two independent peers: PyPI `rtsp` (PyAV/libx264, frames we drew: a pixel check) and GStreamer's
RTSP server (Debian; authentication, unknown mounts, killed, frozen and restarted).  Waits are
bounded polls; nothing asserts on wall-clock time.
"""

from __future__ import annotations

import gc
import logging
import threading
import tracemalloc

import numpy as np
import pytest

from app.video.grab import grab, to_jpeg
from app.video.model import StreamState, StreamStatus
from app.video.probe import probe
from app.video.stream import CameraStream
from tests.integration.rtsp_peers import (
    BLOCKS,
    GstServer,
    block_centres,
    free_port,
    gst_missing,
    pattern_frames,
    rtsp_missing,
    rtsp_source,
    wait_for,
)

PASSWORD = "s3cr@t:/#pw"  # every awkward character a password can hold in a URL
SMPTE_TOP = ((255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0), (255, 0, 255), (255, 0, 0), (0, 0, 255))
WRONG = "Wr0ngPw"
TOLERANCE = 40  # H.264 at default quality moves a flat colour by a few levels; a wrong block by >150

needs_rtsp = pytest.mark.skipif(rtsp_missing() is not None, reason=str(rtsp_missing()))
needs_gst = pytest.mark.skipif(gst_missing() is not None, reason=str(gst_missing()))


class Recorder:
    """on_status / on_frame callbacks as the GUI gets them, from the worker thread."""

    def __init__(self) -> None:
        self.statuses: list[StreamStatus] = []
        self.frames = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def on_status(self, status: StreamStatus) -> None:
        with self._lock:
            self.statuses.append(status)
            self.threads.add(threading.current_thread().name)

    def on_frame(self) -> None:
        with self._lock:
            self.frames += 1

    def states(self) -> list[StreamState]:
        with self._lock:
            return [s.state for s in self.statuses]


def stream(url: str, recorder: Recorder | None = None, **options) -> CameraStream:
    options.setdefault("open_timeout_s", 5.0)
    options.setdefault("stall_s", 3.0)
    options.setdefault("backoff_first_s", 0.3)
    options.setdefault("backoff_most_s", 3.0)
    if recorder is not None:
        options.update(on_status=recorder.on_status, on_frame=recorder.on_frame)
    return CameraStream(url, label="CAM-T", **options)


def assert_blocks(image: np.ndarray) -> None:
    height, width = image.shape[:2]
    for (row, col), colour in zip(block_centres(width, height), BLOCKS, strict=True):
        got = image[row, col].astype(int)
        assert np.abs(got - colour).max() <= TOLERANCE, f"block at {(row, col)}: {got.tolist()} != {colour}"


@needs_rtsp
def test_frames_arrive_with_the_pattern_scaled_once_for_the_pane() -> None:
    recorder = Recorder()
    with rtsp_source(pattern_frames()) as url:
        cam = stream(url, recorder)
        cam.start()
        try:
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 30, 20), cam.status
            full = cam.latest()
            assert full.image.shape == (240, 320, 3) and (full.source_width, full.source_height) == (320, 240)
            assert_blocks(full.image)
            live = cam.status
            assert live.state is StreamState.LIVE and (live.width, live.height) == (320, 240)
            assert wait_for(lambda: cam.status.fps > 0, 5)
            assert 5 <= cam.status.fps <= 40, cam.status  # served at 25 fps; measured over ~2 s

            cam.set_target_size(160, 160)  # a small pane: fit inside, aspect kept
            assert wait_for(lambda: cam.latest().image.shape == (120, 160, 3), 5)
            small = cam.latest()
            assert (small.source_width, small.source_height) == (320, 240)
            assert_blocks(small.image)
            snapshot = cam.full_frame()  # the camera's own size, for a snapshot
            assert snapshot.image.shape == (240, 320, 3) and snapshot.seq >= small.seq
            assert_blocks(snapshot.image)
            assert to_jpeg(snapshot)[:2] == b"\xff\xd8"
        finally:
            cam.stop()
    assert cam.status.state is StreamState.STOPPED and not cam.running
    assert recorder.frames >= 30
    assert recorder.threads == {"camera CAM-T"}  # callbacks come from the worker, never the caller
    assert recorder.states()[:2] == [StreamState.CONNECTING, StreamState.LIVE]


@needs_rtsp
def test_a_viewer_that_never_reads_makes_nothing_grow() -> None:
    """The worker keeps one frame in a slot: an absent viewer costs no memory, seq runs on."""
    with rtsp_source(pattern_frames()) as url:
        cam = stream(url)
        cam.start()
        try:
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 10, 20)
            gc.collect()
            tracemalloc.start()
            try:
                first = cam.latest().seq
                before = tracemalloc.take_snapshot()
                # Nobody reads for 100 frames (4 s at 25 fps): a queue would hold 100 x 230 kB.
                assert wait_for(lambda: cam.latest().seq >= first + 100, 30)
                gc.collect()
                after = tracemalloc.take_snapshot()
            finally:
                tracemalloc.stop()
            # Only what app.video allocated (the in-process peer server allocates too).
            ours = [tracemalloc.Filter(True, "*/app/video/*")]
            grown = sum(d.size_diff for d in after.filter_traces(ours).compare_to(before.filter_traces(ours), "lineno"))
            held = sum(stat.size for stat in after.filter_traces(ours).statistics("filename"))
            assert held >= 320 * 240 * 3  # the filter sees the slot's frame: the measure measures
            assert grown < 3 * 320 * 240 * 3, f"memory grew by {grown} bytes while nobody read"
            frame = cam.latest()
            assert frame.seq >= first + 100 and frame.image.shape == (240, 320, 3)
            assert cam.latest() is cam.latest()  # one slot, read as often as the painter likes
        finally:
            cam.stop()


@needs_rtsp
def test_a_camera_without_parameter_sets_in_its_sdp_opens() -> None:
    """Some cameras give the SPS/PPS only in the stream, not in the SDP: the short stream analysis
    of the low-latency options must still find the picture size."""
    with rtsp_source(pattern_frames(), sprop=False) as url:
        cam = stream(url)
        cam.start()
        try:
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 5, 20), cam.status
            assert (cam.status.width, cam.status.height) == (320, 240)
            assert_blocks(cam.latest().image)
        finally:
            cam.stop()


@needs_rtsp
def test_grab_takes_one_frame_for_a_snapshot() -> None:
    with rtsp_source(pattern_frames()) as url:
        frame = grab(url, timeout=10)
        state, detail = probe(url)
    assert frame.image.shape == (240, 320, 3) and frame.seq == 1
    assert_blocks(frame.image)
    assert state is StreamState.LIVE and "H264" in detail


@needs_gst
def test_credentials_and_addresses_give_the_right_states(caplog, capfd) -> None:
    caplog.set_level(logging.INFO, logger="app.video")
    with GstServer(user="admin", password=PASSWORD, auth="digest") as server:
        assert probe(server.url(user="admin", password=PASSWORD))[0] is StreamState.LIVE
        assert probe(server.url(user="admin", password=WRONG))[0] is StreamState.AUTH_FAILED
        assert probe(server.url())[0] is StreamState.AUTH_FAILED
        state, detail = probe(server.url("/nothing", user="admin", password=PASSWORD))
        assert state is StreamState.NOT_FOUND and "/nothing" in detail

        wrong = Recorder()
        cam = stream(server.url(user="admin", password=WRONG), wrong, backoff_most_s=30.0)
        cam.start()
        try:
            assert wait_for(lambda: StreamState.AUTH_FAILED in wrong.states(), 20), wrong.statuses
            failed = cam.status
            assert failed.retry_in_s == 30.0  # a wrong password waits the longest at once
            assert "admin" in failed.detail and WRONG not in failed.detail
        finally:
            cam.stop()

        right = Recorder()
        cam = stream(server.url(user="admin", password=PASSWORD), right)
        cam.start()
        try:
            assert wait_for(lambda: cam.status.state is StreamState.LIVE, 20), right.statuses
            frame = cam.latest()
            assert frame is not None and frame.image.shape == (240, 320, 3)
            # videotestsrc's SMPTE bars (full level): white, yellow, cyan, green, magenta, red, blue.
            for k, colour in enumerate(SMPTE_TOP):
                x = int(320 / 7 * (k + 0.5))
                assert np.abs(frame.image[60, x].astype(int) - colour).max() <= TOLERANCE, (k, frame.image[60, x])
        finally:
            cam.stop()

        missing = stream(server.url("/nothing", user="admin", password=PASSWORD))
        missing.start()
        try:
            assert wait_for(lambda: missing.status.state is StreamState.NOT_FOUND, 20), missing.status
        finally:
            missing.stop()

        with pytest.raises(Exception) as raised:
            grab(server.url(user="admin", password=WRONG), timeout=6)
        assert getattr(raised.value, "state", None) is StreamState.AUTH_FAILED
        assert WRONG not in str(raised.value)

    for record in caplog.records:
        assert PASSWORD not in record.getMessage() and "s3cr" not in record.getMessage()
        assert WRONG not in record.getMessage()
    # What OpenCV and FFmpeg print themselves (file descriptors 1 and 2) names no password either.
    printed = "".join(capfd.readouterr())
    assert "s3cr" not in printed and WRONG not in printed


@needs_gst
def test_nothing_listening_is_no_signal() -> None:
    url = f"rtsp://127.0.0.1:{free_port()}/cam"
    cam = stream(url)
    cam.start()
    try:
        assert wait_for(lambda: cam.status.state is StreamState.NO_SIGNAL, 20), cam.status
        assert cam.status.retry_in_s is not None and "refused" in cam.status.detail
    finally:
        cam.stop()
    with pytest.raises(Exception) as raised:
        grab(url, timeout=4)
    assert getattr(raised.value, "state", None) is StreamState.NO_SIGNAL


@needs_gst
def test_a_killed_camera_is_reconnected_when_it_comes_back() -> None:
    recorder = Recorder()
    server = GstServer().start()
    cam = stream(server.url(), recorder)
    try:
        cam.start()
        assert wait_for(lambda: cam.status.state is StreamState.LIVE, 20), cam.status
        server.kill()
        assert wait_for(lambda: cam.status.state in (StreamState.ENDED, StreamState.NO_SIGNAL), 20), cam.status
        lost = cam.latest().seq
        assert wait_for(lambda: cam.status.retry_in_s is not None, 10)
        server.start()  # the same port
        assert wait_for(lambda: cam.status.state is StreamState.LIVE and cam.latest().seq > lost + 10, 30), cam.status
    finally:
        cam.stop()
        server.stop()
    states = recorder.states()
    first_live = states.index(StreamState.LIVE)
    assert StreamState.ENDED in states[first_live:] or StreamState.NO_SIGNAL in states[first_live:]
    assert states.count(StreamState.LIVE) >= 2


@needs_gst
def test_a_stuck_stream_is_detected_and_reopened() -> None:
    recorder = Recorder()
    with GstServer() as server:
        cam = stream(server.url(), recorder, stall_s=2.0)
        try:
            cam.start()
            assert wait_for(lambda: cam.status.state is StreamState.LIVE, 20), cam.status
            server.pause()  # the connection stays open; nothing more arrives
            assert wait_for(lambda: cam.status.state is StreamState.NO_SIGNAL, 20), cam.status
            assert "stuck" in cam.status.detail
            stuck_at = cam.latest().seq
            server.resume()
            assert wait_for(lambda: cam.status.state is StreamState.LIVE and cam.latest().seq > stuck_at + 10, 30), (
                cam.status
            )
        finally:
            server.resume()
            cam.stop()
    assert StreamState.NO_SIGNAL in recorder.states()[recorder.states().index(StreamState.LIVE) :]


@needs_gst
def test_stop_returns_while_the_open_blocks() -> None:
    """A frozen camera accepts the TCP connection and never answers: the open blocks in OpenCV.
    stop() still returns (within its timeout) and says STOPPED; the worker ends within the open
    timeout."""
    with GstServer() as server:
        server.pause()
        cam = stream(server.url(), open_timeout_s=3.0)
        try:
            cam.start()
            assert wait_for(lambda: cam.status.state is StreamState.CONNECTING, 5)
            cam.stop(timeout=0.5)
            assert cam.status.state is StreamState.STOPPED and not cam.running
            worker = cam._worker
            assert worker is not None
            worker.join(15)  # bounded by open_timeout_s + the probe's 3 s
            assert not worker.is_alive()
            assert cam.status.state is StreamState.STOPPED  # what the worker found on its way out is not shown
        finally:
            server.resume()
            cam.stop()


def test_the_simulators_camera_streams_with_its_time_stamp() -> None:
    """The demo's own RTSP server (drivers.simulator, Digest auth): the stamp drawn in the
    picture reads back from our frames; a frozen camera is caught as stuck, a dropped
    connection as ended, and both come back LIVE."""
    from drivers.simulator import SimCamera
    from drivers.simulator.camera_pattern import read_stamp
    from drivers.simulator.camera_thread import serve_in_thread

    camera = SimCamera("CAM-T", "camt", port=0, width=320, height=240, fps=15, username="admin", password=PASSWORD)
    recorder = Recorder()
    with serve_in_thread([camera]) as server:
        assert probe(server.url("CAM-T", "admin", WRONG))[0] is StreamState.AUTH_FAILED
        cam = stream(server.url("CAM-T", "admin", PASSWORD), recorder, stall_s=2.0)
        try:
            cam.start()
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 5, 20), cam.status
            full = cam.full_frame()
            stamp = read_stamp(full.image)
            assert stamp is not None and stamp <= full.received_ms  # drawn before it was decoded
            assert wait_for(lambda: (s := read_stamp(cam.full_frame().image)) is not None and s > stamp, 10)

            server.freeze("CAM-T", True)  # sessions kept, nothing sent
            assert wait_for(lambda: cam.status.state is StreamState.NO_SIGNAL, 20), cam.status
            assert "stuck" in cam.status.detail
            server.freeze("CAM-T", False)
            assert wait_for(lambda: cam.status.state is StreamState.LIVE, 30), cam.status

            live_at = cam.latest().seq
            server.disconnect("CAM-T")  # the camera drops its viewers: the stream ended
            assert wait_for(lambda: cam.status.state is not StreamState.LIVE, 20), cam.status
            assert wait_for(lambda: cam.status.state is StreamState.LIVE and cam.latest().seq > live_at + 5, 30)
        finally:
            cam.stop()
    states = recorder.states()
    assert StreamState.NO_SIGNAL in states and StreamState.ENDED in states and states.count(StreamState.LIVE) >= 3


def test_rtp_over_udp() -> None:
    """transport="udp" (what "auto" falls back to): RTP over UDP from the simulator's camera."""
    from drivers.simulator import SimCamera
    from drivers.simulator.camera_thread import serve_in_thread

    with serve_in_thread([SimCamera("CAM-U", "camu", port=0, width=320, height=240, fps=15)]) as server:
        cam = stream(server.url("CAM-U"), transport="udp")
        try:
            cam.start()
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 10, 20), cam.status
            assert cam.status.state is StreamState.LIVE and cam.status.detail == "RTSP over UDP"
        finally:
            cam.stop()


@needs_gst
def test_auto_falls_back_to_udp_when_the_camera_refuses_tcp() -> None:
    """A camera that serves RTP over UDP only answers SETUP over TCP with 461: "auto" opens over
    TCP, fails, asks the camera (it answers), and opens over UDP."""
    with GstServer(udp_only=True) as server:
        tcp = stream(server.url(), transport="tcp")
        cam = stream(server.url(), transport="auto")
        try:
            tcp.start()
            cam.start()
            assert wait_for(lambda: (f := cam.latest()) is not None and f.seq >= 10, 30), cam.status
            assert cam.status.state is StreamState.LIVE and cam.status.detail == "RTSP over UDP"
            assert wait_for(lambda: tcp.status.state is StreamState.NO_SIGNAL, 30), tcp.status
            assert tcp.latest() is None and "tcp" in tcp.status.detail
        finally:
            tcp.stop()
            cam.stop()


@needs_gst
def test_grab_from_a_frozen_camera_gives_up_in_words() -> None:
    """A snapshot of a camera that accepts the connection and never answers: grab returns (its
    opens and reads are bounded by the timeout given) with NO_SIGNAL, not a hang."""
    with GstServer() as server:
        server.pause()
        try:
            with pytest.raises(Exception) as raised:
                grab(server.url(), timeout=3)
        finally:
            server.resume()
    assert getattr(raised.value, "state", None) is StreamState.NO_SIGNAL
    assert "no signal" in str(raised.value)


def test_a_camera_that_keeps_dropping_the_stream_is_called_back_ever_later() -> None:
    """Frames flow for a moment, then the camera ends the stream, again and again: the waits
    double (a brief LIVE does not reset the backoff; `STEADY_S` of frames does)."""
    from drivers.simulator import SimCamera
    from drivers.simulator.camera_thread import serve_in_thread

    recorder = Recorder()
    with serve_in_thread([SimCamera("CAM-F", "camf", port=0, width=320, height=240, fps=15)]) as server:
        cam = stream(server.url("CAM-F"), recorder, backoff_first_s=0.3, backoff_most_s=10.0)
        try:
            cam.start()
            for _ in range(3):
                assert wait_for(lambda: cam.status.state is StreamState.LIVE, 30), cam.status
                server.disconnect("CAM-F")
                assert wait_for(lambda: cam.status.retry_in_s is not None, 20), cam.status
        finally:
            cam.stop()
    waits = [s.retry_in_s for s in recorder.statuses if s.retry_in_s is not None]
    assert len(waits) >= 3
    # 0.3, 0.6, 1.2 s +-20 %: each range above the one before.
    assert waits[0] <= 0.36 and 0.48 <= waits[1] <= 0.72 and 0.96 <= waits[2] <= 1.44, waits
