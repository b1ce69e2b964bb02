"""A real local HTTP server that records requests and answers as a test tells it to.

Stands in for the DingTalk and WeCom robot APIs, an SMS gateway and a generic webhook: the
stdlib's threading HTTP server on a loopback port, each request kept with method, path,
query, headers and body; replies per path prefix, including failing the next N requests.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int = 200
    body: str = '{"errcode": 0, "errmsg": "ok"}'
    fail_next: int = 0  # answer this many requests with HTTP 503 first


@dataclass
class HttpSink:
    replies: dict[str, Reply] = field(default_factory=dict)  # by path prefix
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                req = Request(self.command, url.path, urllib.parse.parse_qs(url.query), dict(self.headers), body)
                reply = next((r for p, r in sink.replies.items() if url.path.startswith(p)), Reply())
                with sink._cond:
                    sink.requests.append(req)
                    failing = reply.fail_next > 0
                    if failing:
                        reply.fail_next -= 1
                    sink._cond.notify_all()
                status, text = (503, "busy") if failing else (reply.status, reply.body)
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._any()

            def do_POST(self) -> None:
                self._any()

            def do_PUT(self) -> None:
                self._any()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="http-sink", daemon=True)

    def __enter__(self) -> HttpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def at(self, prefix: str) -> list[Request]:
        with self._cond:
            return [r for r in self.requests if r.path.startswith(prefix)]
