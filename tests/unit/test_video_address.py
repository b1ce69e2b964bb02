"""Camera credentials joined to the URL and kept out of every text (issue 8)."""

from __future__ import annotations

import pickle

import pytest

from app.video.address import credentials_of, redact, with_credentials, without_credentials
from app.video.errors import VideoError
from app.video.model import StreamState


@pytest.mark.parametrize("password", ["p@ss", "a:b", "x/y", "h#sh", "100%", "空格 密码", "@:/#?"])
def test_awkward_passwords_survive_the_round_trip(password: str) -> None:
    url = with_credentials("rtsp://192.0.2.7:554/Streaming/Channels/101?transport=tcp", "ad@min", password)
    assert url.endswith("@192.0.2.7:554/Streaming/Channels/101?transport=tcp")
    assert credentials_of(url) == ("ad@min", password)
    assert without_credentials(url) == "rtsp://192.0.2.7:554/Streaming/Channels/101?transport=tcp"


def test_credentials_already_in_the_url_are_replaced_and_none_leaves_it_alone() -> None:
    assert with_credentials("rtsp://old:secret@cam/1", "admin", "new") == "rtsp://admin:new@cam/1"
    assert with_credentials("rtsp://cam/1", None, "x") == "rtsp://cam/1"
    assert with_credentials("rtsp://cam/1", "viewer", None) == "rtsp://viewer@cam/1"
    assert credentials_of("rtsp://cam/1") == ("", "")


def test_redact_hides_every_password_in_a_message() -> None:
    secret_url = with_credentials("rtsp://10.1.2.3:554/live", "admin", "S3cr@t:/#")
    message = (
        f"[rtsp @ 0x55] method DESCRIBE failed for '{secret_url}'; also rtsp://u:p@ss@cam2/x "
        f'and "rtsp://op:pw@cam3:8554/a b" and rtsp://nouser.example/x and rtsp://viewer@cam4/y'
    )
    text = redact(message)
    for leaked in ("S3cr", "%40t", "p@ss", ":pw@"):
        assert leaked not in text
    assert "rtsp://admin:***@10.1.2.3:554/live" in text
    assert "rtsp://u:***@cam2/x" in text
    assert "rtsp://op:***@cam3:8554/a b" in text
    assert "rtsp://nouser.example/x" in text and "rtsp://viewer@cam4/y" in text
    assert redact("no url here") == "no url here"


def test_video_error_speaks_both_languages_without_the_password() -> None:
    err = VideoError(StreamState.AUTH_FAILED, "RTSP 401 for rtsp://admin:hunter2@cam/1")
    assert err.state is StreamState.AUTH_FAILED
    assert "hunter2" not in str(err) and "hunter2" not in err.detail
    assert "认证失败" in str(err) and "authentication failed" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert again.state is StreamState.AUTH_FAILED and str(again) == str(err)
    assert str(VideoError(StreamState.NO_SIGNAL)) == "无信号 / no signal"
    both = VideoError(StreamState.NO_SIGNAL, "连接被拒绝 / connection refused (cam:554)")
    zh, _, en = str(both).partition(" / ")  # how a one-language reader splits it
    assert zh == "无信号：连接被拒绝" and en == "no signal: connection refused (cam:554)"
