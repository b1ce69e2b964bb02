"""The awaitable queries run in an executor and give the same answers as the synchronous ones."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from app.historian import AsyncHistory, Historian
from app.model import Quality, Sample

NOW = 1_780_000_000_000


async def test_queries_as_coroutines_do_not_run_on_the_loop(tmp_path):
    h = Historian(tmp_path / "h.sqlite", commit_interval=0.05, clock=lambda: NOW / 1000)
    h.open()
    try:
        h.write([Sample("A.x", NOW - 10_000 + i * 1000, float(i)) for i in range(10)])
        h.flush()
        loop_thread = threading.get_ident()
        threads: set[int] = set()
        original = h.raw

        def raw(*args):
            threads.add(threading.get_ident())
            return original(*args)

        h.raw = raw  # type: ignore[method-assign]  # records which thread ran the query
        with ThreadPoolExecutor(2) as pool:
            aio = AsyncHistory(h, pool)
            raw_rows, trend, latest, at, many = await asyncio.gather(
                aio.raw("A.x", NOW - 10_000, NOW),
                aio.history("A.x", NOW - 10_000, NOW, 100),
                aio.latest(["A.x"]),
                aio.as_of("A.x", NOW - 5_500),
                aio.as_of_many(["A.x"], NOW - 5_500),
            )
        assert loop_thread not in threads and threads
        assert len(raw_rows) == 10 and trend.raw and len(trend.samples) == 10
        assert latest["A.x"] == Sample("A.x", NOW - 1000, 9.0, Quality.GOOD)
        assert at == many["A.x"] == Sample("A.x", NOW - 6000, 4.0, Quality.GOOD)
    finally:
        h.close()
