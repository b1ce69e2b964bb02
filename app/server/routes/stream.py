"""WS /stream?token=: the live stream (see `app.server.stream` for what it sends and when it closes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, WebSocket

router = APIRouter()


@router.websocket("/stream")
async def stream(ws: WebSocket, token: Annotated[str | None, Query()] = None) -> None:
    """The token comes as ``?token=`` (browsers cannot set headers on a WebSocket) or as a bearer header."""
    if not token:
        header = ws.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    await ws.app.state.server.hub.serve(ws, token)
