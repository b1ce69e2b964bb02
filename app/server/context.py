"""What every route of one server shares: the plant's source, the users, the sessions, the stream.

One `DirectSource` serves every user: the server passes each request's user to it (the source
audits with that name), while the users and sessions are the server's own (`UserStore` on the
source's database, `Sessions` in memory).  The user store blocks (database, Argon2), so its
calls run on a small thread pool of their own, never on the loop the plant runs on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from app.auth import Sessions, UserStore
from app.server.errors import NotFound
from app.server.stream import StreamHub, StreamLimits
from app.sources.base import DataSource

T = TypeVar("T")


class ServerState:
    """The server's parts, kept on ``app.state.server``."""

    def __init__(self, source: DataSource, users: UserStore, sessions: Sessions,
                 stream_limits: StreamLimits | None = None) -> None:
        self.source = source
        self.users = users
        self.sessions = sessions
        self.hub = StreamHub(source, sessions, stream_limits or StreamLimits())
        self._executor: ThreadPoolExecutor | None = None
        self._point_rooms: dict[str, str | None] | None = None
        self._diagram_rooms: dict[str, str | None] | None = None

    async def blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking call (user store, audit log) off the loop."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="api-users")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    def _rooms(self) -> None:
        site = self.source.site()
        device_room = {d.id: d.room for d in site.devices}
        self._point_rooms = {p.id: device_room.get(p.device) if p.device else None for p in site.points}
        self._diagram_rooms = {d.id: d.room for d in site.diagrams}

    def point_room(self, point: str) -> str | None:
        """The room a point's device stands in (None: the whole site); `NotFound` for an unknown point."""
        if self._point_rooms is None:
            self._rooms()
        assert self._point_rooms is not None
        if point not in self._point_rooms:
            raise NotFound(f"this site has no point {point!r}")
        return self._point_rooms[point]

    def diagram_room(self, diagram_id: str) -> str | None:
        """The room a diagram draws (None: the whole site); `NotFound` for an unknown diagram."""
        if self._diagram_rooms is None:
            self._rooms()
        assert self._diagram_rooms is not None
        if diagram_id not in self._diagram_rooms:
            raise NotFound(f"this site has no diagram {diagram_id!r}")
        return self._diagram_rooms[diagram_id]

    async def close(self) -> None:
        """Close every stream and let go of the thread pool (the source and the store are the caller's)."""
        await self.hub.close()
        if self._executor is not None:
            self._executor.shutdown(wait=False)  # a login still hashing finishes on its own
            self._executor = None
