"""CameraStream's waiting between attempts, and what it is before it starts (issue 8)."""

from __future__ import annotations

import pytest

from app.video.model import StreamState
from app.video.stream import CameraStream


def test_backoff_doubles_to_its_cap_with_jitter_and_a_wrong_password_waits_longest() -> None:
    cam = CameraStream("rtsp://127.0.0.1:9/x", backoff_first_s=1.0, backoff_most_s=30.0)
    for failures, base in enumerate([1, 2, 4, 8, 16, 30, 30, 30]):
        waits = {cam._backoff(failures, StreamState.NO_SIGNAL) for _ in range(200)}
        assert all(0.8 * base <= w <= min(30.0, 1.2 * base) for w in waits), (failures, sorted(waits)[:3])
        assert len(waits) > 1  # jittered: cameras behind one switch do not all call back together
    assert cam._backoff(0, StreamState.AUTH_FAILED) == 30.0
    assert cam._backoff(1000, StreamState.ENDED) <= 30.0


def test_a_new_stream_is_stopped_and_refuses_unknown_transports() -> None:
    cam = CameraStream("rtsp://admin:pw@127.0.0.1:9/x")
    assert cam.status.state is StreamState.STOPPED and not cam.running
    assert cam.latest() is None and cam.full_frame() is None
    assert cam.label == "rtsp://admin:***@127.0.0.1:9/x"  # no label: the redacted address
    cam.set_target_size(-5, 100)
    assert cam._target == (0, 100)
    cam.stop()  # stopping a stream never started is harmless
    assert cam.status.state is StreamState.STOPPED
    with pytest.raises(ValueError):
        CameraStream("rtsp://h/x", transport="http")


def test_a_failing_callback_never_ends_the_capture(caplog) -> None:
    def broken(_status) -> None:
        raise RuntimeError("viewer bug")

    cam = CameraStream("rtsp://127.0.0.1:9/x", label="CAM-X", on_status=broken)
    cam._set_status(cam.status.__class__(StreamState.CONNECTING, 0))
    assert cam.status.state is StreamState.CONNECTING
    assert any("CAM-X" in r.getMessage() and r.exc_info for r in caplog.records)
