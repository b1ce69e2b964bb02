"""`create_app`: the cloud API (shared/API.md) over one DataSource, as a FastAPI application.

Every route lives under ``/api/v1`` (`API_PREFIX`), with FastAPI's OpenAPI document at
``/api/v1/openapi.json`` — the complete contract, including the calls the DataSource needs
beyond API.md.  The mobile page's static files are served at ``/`` when their folder exists.
CORS is closed unless origins are given: a browser page from elsewhere cannot call the API
with a user's token.  The application does not start or stop the source: the caller runs it
(see `app.server.runner`), so the plant keeps being recorded whether or not HTTP is up.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles

from app.auth import Sessions, UserStore
from app.server.body_limit import BodyLimit
from app.server.context import ServerState
from app.server.errors import install_error_handlers
from app.server.headers import SecurityHeaders
from app.server.request_log import RequestLog
from app.server.routes import alarms, auth, cameras, configuration, plant, stream
from app.server.routes import users as user_routes
from app.server.stream import StreamLimits
from app.sources.base import DataSource

API_PREFIX = "/api/v1"
MOBILE_DIR = Path(__file__).resolve().parent / "mobile"

DESCRIPTION = """\
SwitchRoom's cloud API: the plant of one site as a DirectSource serves it, for consoles
(`CloudSource`) and the mobile page.

* Times are integers, ms since the Unix epoch, UTC.  Samples are `[id, ts, value, quality]`
  with quality one of `good`, `stale`, `comm_fail`, `bad_value`; a value that is not a finite
  number is `null`.
* `POST /auth/login` gives a bearer token; every other call except `GET /health` needs
  `Authorization: Bearer TOKEN`.  401: missing, bad or ended token.  403: the user may not.
* Errors are `{"error": {"code", "message"}}`, never a stack trace.
* `WS /api/v1/stream?token=TOKEN` pushes `{"type": "samples", "items": [[id, ts, value, quality]...]}`
  (newest value per point, at most ~10 messages a second), `{"type": "alarm", "events": [...]}`
  and `{"type": "link", "gateway", "state", "detail", "peer", "ts"}`.  It closes with 4401 when
  the session ends, 4403 without the view permission, 4008 when the client does not keep up
  (reconnect and backfill the gap from `/points/{id}/history`), 1001/1012 when the server stops.
"""


def create_app(source: DataSource, users: UserStore, sessions: Sessions, *, mobile_dir: Path | None = MOBILE_DIR,
               cors_origins: Sequence[str] = (), stream_limits: StreamLimits | None = None) -> FastAPI:
    """The API over ``source`` (already started, or started by the caller alongside), with ``users``
    in the source's database and ``sessions`` in memory; ``mobile_dir`` is served at ``/`` when it
    holds an index.html."""
    state = ServerState(source, users, sessions, stream_limits)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(title="SwitchRoom cloud API", version="1", description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs", redoc_url=None)
    app.state.server = state
    install_error_handlers(app)
    for module in (plant, auth, alarms, cameras, configuration, user_routes, stream):
        app.include_router(module.router, prefix=API_PREFIX)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Accept-Language"])
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    if mobile_dir is not None and (Path(mobile_dir) / "index.html").is_file():
        app.mount("/", StaticFiles(directory=Path(mobile_dir), html=True), name="mobile")
    return app
