"""A bare RTSP client over a blocking socket, for tests that must see the exact answers.

OpenCV and ffprobe say only "opened" or not; the camera server's tests also need the status
codes (401, 404, 454, ...), the headers, and the RTP packets themselves.  This client speaks
just enough RTSP for that, with Digest and Basic authentication, and reassembles H.264 from
RTP over TCP or UDP so PyAV can decode what the server sent.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import time
from dataclasses import dataclass, field

import av
import numpy as np

from drivers.simulator.camera_auth import parse_params
from drivers.simulator.rtp import Reassembly, RtpHeader, payload_of


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class RawRtsp:
    """One RTSP connection; ``request`` returns the answer, skipping interleaved frames (kept)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.cseq = 0
        self.frames: list[tuple[int, bytes]] = []  # interleaved (channel, data) seen so far
        self.credentials: tuple[str, str] | None = None
        self._challenge: dict[str, str] | None = None
        self._scheme = ""

    def close(self) -> None:
        self.sock.close()

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def _next(self) -> Answer | None:
        """The next message: an Answer, or None after storing an interleaved frame."""
        while True:
            if self.buf[:1] == b"$" and len(self.buf) >= 4:
                length = int.from_bytes(self.buf[2:4], "big")
                if len(self.buf) >= 4 + length:
                    self.frames.append((self.buf[1], self.buf[4 : 4 + length]))
                    self.buf = self.buf[4 + length :]
                    return None
            elif self.buf and self.buf[:1] != b"$":
                end = self.buf.find(b"\r\n\r\n")
                if end >= 0:
                    lines = self.buf[:end].decode().split("\r\n")
                    headers = {}
                    for line in lines[1:]:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                    length = int(headers.get("content-length", "0"))
                    if len(self.buf) >= end + 4 + length:
                        body = self.buf[end + 4 : end + 4 + length]
                        self.buf = self.buf[end + 4 + length :]
                        return Answer(int(lines[0].split()[1]), headers, body)
            self._fill()

    def read_answer(self) -> Answer:
        while True:
            answer = self._next()
            if answer is not None:
                return answer

    def _authorization(self, method: str, uri: str) -> str | None:
        if self.credentials is None or self._challenge is None:
            return None
        user, password = self.credentials
        if self._scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        realm, nonce = self._challenge["realm"], self._challenge["nonce"]
        response = _md5(f"{_md5(f'{user}:{realm}:{password}')}:{nonce}:{_md5(f'{method}:{uri}')}")
        return f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", response="{response}"'

    def request(self, method: str, uri: str, headers: dict[str, str] | None = None, retry_auth: bool = True) -> Answer:
        """Send a request, answer a 401 challenge once when credentials are set."""
        self.cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}"]
        auth = self._authorization(method, uri)
        if auth:
            lines.append(f"Authorization: {auth}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = self.read_answer()
        assert answer.headers.get("cseq") == str(self.cseq)
        if answer.status == 401 and retry_auth and self.credentials is not None:
            scheme, _, rest = answer.headers["www-authenticate"].partition(" ")
            self._scheme, self._challenge = scheme.lower(), parse_params(rest)
            return self.request(method, uri, headers, retry_auth=False)
        return answer

    def play(self, url: str, transport: str = "RTP/AVP/TCP;unicast;interleaved=0-1") -> Answer:
        """DESCRIBE, SETUP the track, PLAY; returns the PLAY answer (asserting every step is 200)."""
        described = self.request("DESCRIBE", url, {"Accept": "application/sdp"})
        assert described.status == 200, described
        base = described.headers["content-base"]
        setup = self.request("SETUP", base + "trackID=0", {"Transport": transport})
        assert setup.status == 200, setup
        self.session = setup.headers["session"].split(";")[0]
        self.transport = setup.headers["transport"]
        played = self.request("PLAY", base, {"Session": self.session, "Range": "npt=0.000-"})
        assert played.status == 200, played
        return played

    def interleaved_packets(self, count: int, deadline_s: float = 20.0) -> list[bytes]:
        """The next ``count`` RTP packets on channel 0."""
        end = time.monotonic() + deadline_s
        while sum(1 for ch, _ in self.frames if ch == 0) < count:
            if time.monotonic() > end:
                raise TimeoutError("no RTP over the RTSP connection")
            self._next()
        packets = [data for ch, data in self.frames if ch == 0]
        self.frames.clear()
        return packets


def access_units(packets: list[bytes]) -> list[tuple[int, list[bytes]]]:
    """(RTP timestamp, NAL units) of each whole access unit (ended by a marker bit)."""
    reassembly = Reassembly()
    units: list[tuple[int, list[bytes]]] = []
    nals: list[bytes] = []
    for packet in packets:
        header = RtpHeader(packet)
        nals += reassembly.push(payload_of(packet))
        if header.marker:
            units.append((header.timestamp, nals))
            nals = []
    return units


def decode(units: list[tuple[int, list[bytes]]]) -> list[np.ndarray]:
    """The pictures (RGB) PyAV's H.264 decoder makes of the access units."""
    codec = av.CodecContext.create("h264", "r")
    pictures = []
    for _, nals in units:
        data = b"".join(b"\x00\x00\x00\x01" + n for n in nals)
        for frame in codec.decode(av.Packet(data)):
            pictures.append(frame.to_ndarray(format="rgb24"))
    return pictures
