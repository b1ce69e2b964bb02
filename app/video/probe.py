"""Ask a camera over RTSP why it gives no picture: OPTIONS, then DESCRIBE, with its credentials.

OpenCV's FFmpeg backend only says "could not open": a wrong password, a wrong stream path and
a camera that is switched off look the same to it.  The operator must know which (an account
gets locked when a console retries a wrong password), so when an open fails the stream asks
the camera itself with this small client over a plain socket.  It answers Basic and Digest
challenges (RFC 2617: MD5, MD5-sess, qop=auth and the legacy form without qop) with the
credentials carried by the URL; the request lines never carry them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.video.address import credentials_of, redact, without_credentials
from app.video.model import StreamState

USER_AGENT = "SwitchRoom probe"
DEFAULT_PORT = 554
_MAX_HEADER = 64 * 1024


@dataclass
class Reply:
    """One RTSP answer: status code, reason, headers (names lower-case, repeated ones kept)."""

    code: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name.lower()), "")

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name.lower()]


class _Gone(Exception):
    """The camera closed the connection before answering."""


def probe(url: str, timeout: float = 3.0) -> tuple[StreamState, str]:
    """What the camera at `url` says: LIVE (it describes the stream), AUTH_FAILED (401/403),
    NOT_FOUND (404) or NO_SIGNAL (refused, unreachable, no answer within `timeout` seconds,
    or not an RTSP server).  The detail names the cause in words, never the password."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("rtsp", "rtsps") or not parts.hostname:
        return StreamState.NOT_FOUND, f"不是 RTSP 地址 / not an RTSP address: {redact(url)}"
    host, port = parts.hostname, parts.port or DEFAULT_PORT
    where = f"{host}:{port}"
    deadline = time.monotonic() + timeout
    try:
        return _ask(url, host, port, deadline)
    except ConnectionRefusedError:
        return StreamState.NO_SIGNAL, f"连接被拒绝 / connection refused ({where})"
    except TimeoutError:
        return StreamState.NO_SIGNAL, f"{timeout:g} 秒内无应答 / no answer within {timeout:g} s ({where})"
    except _Gone:
        return StreamState.NO_SIGNAL, f"摄像机关闭了连接 / the camera closed the connection ({where})"
    except socket.gaierror as exc:
        return StreamState.NO_SIGNAL, f"无法解析主机名 / host name not found ({host}: {exc.strerror})"
    except OSError as exc:
        return StreamState.NO_SIGNAL, f"网络错误 / network error ({where}: {exc.strerror or exc})"
    except ValueError as exc:
        return StreamState.NO_SIGNAL, f"不是 RTSP 应答 / not an RTSP answer ({where}: {redact(str(exc))})"


def _ask(url: str, host: str, port: int, deadline: float) -> tuple[StreamState, str]:
    target = without_credentials(url)
    user, password = credentials_of(url)
    session = _Session(host, port, deadline)
    try:
        method = "OPTIONS"
        reply = session.request(method, target)
        if reply.code not in (401, 403):  # some cameras challenge OPTIONS too; DESCRIBE tells more
            method = "DESCRIBE"
            reply = session.request(method, target, {"Accept": "application/sdp"})
        if reply.code == 401:
            if not user:
                return StreamState.AUTH_FAILED, (
                    f"摄像机要求用户名和密码，但未配置 / the camera asks for a user name and password; none given "
                    f"(RTSP 401, {_schemes(reply)})"
                )
            challenges = reply.all("www-authenticate")
            authorization = answer_challenge(challenges, method, target, user, password)
            if authorization is None:
                return StreamState.AUTH_FAILED, f"不支持的认证方式 / unsupported authentication ({_schemes(reply)})"
            reply = session.request(method, target, {"Accept": "application/sdp", "Authorization": authorization})
            if method == "OPTIONS" and reply.code == 200:  # digest answers name their method: answer again
                authorization = answer_challenge(challenges, "DESCRIBE", target, user, password)
                again = {"Accept": "application/sdp", "Authorization": authorization or ""}
                reply = session.request("DESCRIBE", target, again)
    finally:
        session.close()
    return _verdict(reply, user, urlsplit(target).path or "/")


def _verdict(reply: Reply, user: str, path: str) -> tuple[StreamState, str]:
    status = f"RTSP {reply.code} {reply.reason}".strip()
    if reply.code in (401, 403):
        who = f"'{user}'" if user else "(none)"
        return StreamState.AUTH_FAILED, f"摄像机拒绝了用户 {who} / the camera refused user {who} ({status})"
    if reply.code == 404:
        return StreamState.NOT_FOUND, f"摄像机没有视频流 {path} / no stream at {path} ({status})"
    if 200 <= reply.code < 300:
        media = _media(reply.body)
        return StreamState.LIVE, f"摄像机应答 / the camera answers ({status}{', ' + media if media else ''})"
    return StreamState.NO_SIGNAL, f"摄像机无法提供视频流 / the camera cannot serve the stream ({status})"


def _schemes(reply: Reply) -> str:
    return ", ".join(v.split(None, 1)[0] for v in reply.all("www-authenticate") if v) or "no challenge"


def _media(sdp: bytes) -> str:
    """'video H264' and the like, from the SDP's rtpmap lines."""
    codecs = re.findall(rb"a=rtpmap:\d+\s+([A-Za-z0-9-]+)/", sdp)
    return ("video " + "/".join(c.decode() for c in dict.fromkeys(codecs))) if codecs else ""


# --- answering a challenge ------------------------------------------------------------------


def parse_challenge(value: str) -> tuple[str, dict[str, str]]:
    """('digest', {'realm': ..., 'nonce': ..., ...}) from one WWW-Authenticate value."""
    scheme, _, rest = value.strip().partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in re.finditer(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', rest)
    }
    return scheme.lower(), params


def answer_challenge(challenges: list[str], method: str, uri: str, user: str, password: str) -> str | None:
    """The Authorization value for the strongest challenge offered (Digest before Basic)."""
    parsed = [parse_challenge(c) for c in challenges]
    for scheme, params in parsed:
        if scheme == "digest" and params.get("algorithm", "MD5").upper() in _HASHES:
            return digest_authorization(params, method, uri, user, password, cnonce=new_cnonce())
    for scheme, _params in parsed:
        if scheme == "basic":
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            return f"Basic {token}"
    return None


def new_cnonce() -> str:
    return os.urandom(8).hex()


_HASHES = {"MD5": "md5", "MD5-SESS": "md5", "SHA-256": "sha256", "SHA-256-SESS": "sha256"}


def digest_response(
    *,
    user: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str = "00000001",
    cnonce: str = "",
    algorithm: str = "MD5",
) -> str:
    """RFC 2617 section 3.2.2.1's request-digest (RFC 7616 for SHA-256)."""
    name = _HASHES[algorithm.upper()]

    def h(text: str) -> str:
        return hashlib.new(name, text.encode("utf-8")).hexdigest()

    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    if qop:
        return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return h(f"{ha1}:{nonce}:{ha2}")


def digest_authorization(params: dict[str, str], method: str, uri: str, user: str, password: str, cnonce: str) -> str:
    """The `Authorization: Digest ...` value answering the challenge `params`."""
    offered = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    qop = "auth" if "auth" in offered else None  # auth-int would need the body: cameras offer auth
    algorithm = params.get("algorithm", "MD5")
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    nc = "00000001"
    response = digest_response(
        user=user, realm=realm, password=password, method=method, uri=uri, nonce=nonce,
        qop=qop, nc=nc, cnonce=cnonce, algorithm=algorithm,
    )  # fmt: skip
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"', f'response="{response}"']
    if "algorithm" in params:
        fields.append(f"algorithm={algorithm}")
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    if qop:
        fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
    return "Digest " + ", ".join(fields)


# --- the wire ---------------------------------------------------------------------------------


class _Session:
    """One TCP connection to the camera, reopened once if it closes after a 401."""

    def __init__(self, host: str, port: int, deadline: float) -> None:
        self.host, self.port, self.deadline = host, port, deadline
        self.cseq = 0
        self.sock: socket.socket | None = None

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self._left())
        self.sock = sock
        return sock

    def request(self, method: str, uri: str, headers: dict[str, str] | None = None) -> Reply:
        for attempt in (1, 2):
            sock = self.sock or self._connect()
            self.cseq += 1
            lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}", f"User-Agent: {USER_AGENT}"]
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            try:
                sock.settimeout(self._left())
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
                return self._read(sock)
            except (_Gone, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise _Gone from None
        raise _Gone  # pragma: no cover - the loop returns or raises

    def _read(self, sock: socket.socket) -> Reply:
        data = b""
        while b"\r\n\r\n" not in data:
            sock.settimeout(self._left())
            chunk = sock.recv(4096)
            if not chunk:
                raise _Gone
            data += chunk
            if len(data) > _MAX_HEADER:
                raise ValueError("header too long")
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("utf-8", "replace").split("\r\n")
        m = re.match(r"RTSP/\d\.\d\s+(\d{3})\s*(.*)", lines[0])
        if not m:
            raise ValueError(f"first line {lines[0][:60]!r}")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip().lower(), value.strip()))
        reply = Reply(int(m.group(1)), m.group(2).strip(), headers)
        length = int(reply.header("content-length") or 0)
        while len(body) < length:
            sock.settimeout(self._left())
            chunk = sock.recv(length - len(body))
            if not chunk:
                break
            body += chunk
        reply.body = body[:length]
        return reply

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
