"""The historian's queries as coroutines for code running on the event loop.

Each call runs the synchronous query in an executor (a thread), so the loop keeps polling
meters while the database works.  Pass the core's own executor to bound how many queries run at
once; ``None`` uses the loop's default.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import TypeVar

from app.model import Quality, Sample

from .historian import Historian
from .query import DEFAULT_LOOKBACK_MS, History

T = TypeVar("T")


class AsyncHistory:
    """`Historian` queries, awaitable."""

    def __init__(self, historian: Historian, executor: Executor | None = None) -> None:
        self.historian = historian
        self.executor = executor

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args))

    async def raw(self, point: str, start: int, end: int, limit: int | None = None) -> list[tuple[int, float, Quality]]:
        return await self._run(self.historian.raw, point, start, end, limit)

    async def history(self, point: str, start: int, end: int, max_points: int) -> History:
        return await self._run(self.historian.history, point, start, end, max_points)

    async def histories(self, points: Iterable[str], start: int, end: int, max_points: int,
                        rows: bool = True) -> list[History]:
        return await self._run(self.historian.histories, list(points), start, end, max_points, rows)

    async def latest(self, points: Iterable[str] | None = None) -> dict[str, Sample]:
        return await self._run(self.historian.latest, None if points is None else list(points))

    async def as_of(self, point: str, ts: int, lookback_ms: int = DEFAULT_LOOKBACK_MS) -> Sample | None:
        return await self._run(self.historian.as_of, point, ts, lookback_ms)

    async def as_of_many(self, points: Iterable[str], ts: int,
                         lookback_ms: int = DEFAULT_LOOKBACK_MS) -> dict[str, Sample]:
        return await self._run(self.historian.as_of_many, list(points), ts, lookback_ms)
