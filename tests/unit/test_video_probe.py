"""probe(): what a camera says over RTSP, against a tiny RTSP server in the test (issue 8).

The Digest answer is checked against RFC 2617's worked example (section 3.5) and, on the wire,
against the same formula computed here from the request the server received.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from app.video import probe as probe_module
from app.video.model import StreamState
from app.video.probe import digest_response, parse_challenge, probe

REALM, NONCE, OPAQUE = "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "5ccc069c403ebaf9f0171e9517f40e41"
SDP = b"v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"


def test_rfc_2617_worked_example() -> None:
    answer = digest_response(
        user="Mufasa", realm=REALM, password="Circle Of Life", method="GET", uri="/dir/index.html",
        nonce=NONCE, qop="auth", nc="00000001", cnonce="0a4f113b",
    )  # fmt: skip
    assert answer == "6629fae49393a05397450978507c4ef1"


def test_challenge_parsing_keeps_quoted_commas() -> None:
    scheme, params = parse_challenge(f'Digest realm="a, b", qop="auth,auth-int", nonce="{NONCE}", stale=FALSE')
    assert scheme == "digest"
    assert params == {"realm": "a, b", "qop": "auth,auth-int", "nonce": NONCE, "stale": "FALSE"}


Handler = Callable[[str, dict[str, str]], tuple[str, dict[str, str], bytes]]


@contextmanager
def rtsp_server(handler: Handler, *, silent: bool = False) -> Iterator[tuple[int, list[tuple[str, dict]]]]:
    """A one-thread RTSP server: `handler(request line, headers)` -> (status, headers, body)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    requests: list[tuple[str, dict]] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while not done.is_set():
                    try:
                        chunk = conn.recv(4096)
                    except (TimeoutError, OSError):
                        break
                    if not chunk:
                        break
                    data += chunk
                    while b"\r\n\r\n" in data:
                        head, _, data = data.partition(b"\r\n\r\n")
                        lines = head.decode().split("\r\n")
                        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
                        requests.append((lines[0], headers))
                        if silent:
                            continue
                        status, extra, body = handler(lines[0], headers)
                        reply = [f"RTSP/1.0 {status}", f"CSeq: {headers.get('cseq', '0')}"]
                        reply += [f"{k}: {v}" for k, v in extra.items()] + [f"Content-Length: {len(body)}"]
                        conn.sendall(("\r\n".join(reply) + "\r\n\r\n").encode() + body)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], requests
    finally:
        done.set()
        thread.join(5)
        listener.close()


def expected_digest(user: str, password: str, method: str, uri: str, cnonce: str, qop: str | None) -> str:
    """RFC 2617's request-digest written out plainly, independent of the code under test."""
    ha1 = hashlib.md5(f"{user}:{REALM}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    if qop:
        return hashlib.md5(f"{ha1}:{NONCE}:00000001:{cnonce}:{qop}:{ha2}".encode()).hexdigest()
    return hashlib.md5(f"{ha1}:{NONCE}:{ha2}".encode()).hexdigest()


def digest_camera(user: str, password: str, qop: str | None) -> Handler:
    challenge = f'Digest realm="{REALM}", nonce="{NONCE}", opaque="{OPAQUE}"' + (f', qop="{qop}"' if qop else "")

    def handle(line: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
        method, uri, _ = line.split(" ")
        if method == "OPTIONS":
            return "200 OK", {"Public": "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"}, b""
        auth = headers.get("authorization", "")
        if not auth:
            return "401 Unauthorized", {"WWW-Authenticate": challenge}, b""
        _scheme, fields = parse_challenge(auth)
        want = expected_digest(user, password, method, uri, fields.get("cnonce", ""), qop)
        if fields.get("response") == want and fields.get("uri") == uri and fields.get("opaque") == OPAQUE:
            return "200 OK", {"Content-Type": "application/sdp"}, SDP
        return "401 Unauthorized", {"WWW-Authenticate": challenge}, b""

    return handle


@pytest.mark.parametrize("qop", ["auth", None], ids=["qop-auth", "legacy"])
def test_digest_answer_is_accepted(qop, monkeypatch) -> None:
    monkeypatch.setattr(probe_module, "new_cnonce", lambda: "0a4f113b")
    with rtsp_server(digest_camera("Mufasa", "Circle Of Life", qop)) as (port, requests):
        state, detail = probe(f"rtsp://Mufasa:Circle%20Of%20Life@127.0.0.1:{port}/dir/index.html")
        wrong = probe(f"rtsp://Mufasa:Circle@127.0.0.1:{port}/dir/index.html")
    assert state is StreamState.LIVE and "H264" in detail
    assert wrong[0] is StreamState.AUTH_FAILED and "Mufasa" in wrong[1] and "Circle" not in wrong[1]
    line, headers = requests[2]  # OPTIONS, DESCRIBE -> 401, DESCRIBE with the answer
    assert line == f"DESCRIBE rtsp://127.0.0.1:{port}/dir/index.html RTSP/1.0"  # no credentials on the wire
    assert headers["accept"] == "application/sdp"
    fields = parse_challenge(headers["authorization"])[1]
    assert fields["username"] == "Mufasa" and fields["realm"] == REALM and fields["nonce"] == NONCE
    assert (fields.get("qop"), fields.get("nc"), fields.get("cnonce")) == (
        (qop, "00000001", "0a4f113b") if qop else (None, None, None)
    )


def test_basic_answer_and_statuses() -> None:
    def handle(line: str, headers: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
        path = line.split(" ")[1].split("/", 3)[-1]
        if line.startswith("OPTIONS"):
            return "200 OK", {}, b""
        if path == "forbidden":
            return "403 Forbidden", {}, b""
        if path == "busy":
            return "503 Service Unavailable", {}, b""
        good = "Basic " + base64.b64encode(b"admin:p@ss:w/rd").decode()
        if headers.get("authorization") != good:
            return "401 Unauthorized", {"WWW-Authenticate": 'Basic realm="cam"'}, b""
        if path != "live":
            return "404 Not Found", {}, b""
        return "200 OK", {"Content-Type": "application/sdp"}, SDP

    with rtsp_server(handle) as (port, _requests):
        base = f"rtsp://admin:p%40ss%3Aw%2Frd@127.0.0.1:{port}"
        assert probe(f"{base}/live")[0] is StreamState.LIVE
        state, detail = probe(f"{base}/nope")
        assert state is StreamState.NOT_FOUND and "/nope" in detail
        assert probe(f"{base}/forbidden")[0] is StreamState.AUTH_FAILED
        assert probe(f"rtsp://127.0.0.1:{port}/live")[0] is StreamState.AUTH_FAILED  # no credentials given
        state, detail = probe(f"{base}/busy")
        assert state is StreamState.NO_SIGNAL and "503" in detail
        for _state, text in (probe(f"{base}/live"), probe(f"{base}/nope")):
            assert "p@ss" not in text and "w/rd" not in text and "%40" not in text


def test_silence_refusal_and_strangers_are_no_signal() -> None:
    with rtsp_server(lambda *_: ("200 OK", {}, b""), silent=True) as (port, _):
        state, detail = probe(f"rtsp://127.0.0.1:{port}/live", timeout=0.5)
    assert state is StreamState.NO_SIGNAL and "no answer" in detail

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    state, detail = probe(f"rtsp://127.0.0.1:{port}/live")
    assert state is StreamState.NO_SIGNAL and "refused" in detail

    http = socket.socket()
    http.bind(("127.0.0.1", 0))
    http.listen()

    def answer_http() -> None:
        conn, _ = http.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=answer_http, daemon=True)
    thread.start()
    try:
        state, detail = probe(f"rtsp://u:secret@127.0.0.1:{http.getsockname()[1]}/live")
    finally:
        thread.join(5)
        http.close()
    assert state is StreamState.NO_SIGNAL and "not an RTSP answer" in detail and "secret" not in detail
    assert probe("http://127.0.0.1/x")[0] is StreamState.NOT_FOUND
