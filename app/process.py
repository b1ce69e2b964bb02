"""Process-wide settings for a long-running acquisition process.

Acquisition makes hundreds of thousands of short-lived objects a second (frames, samples,
futures).  With CPython's default collector thresholds (700 allocations) the cyclic garbage
collector runs thousands of times a second and its older generations walk every long-lived
object of a large site on each pass: measured, it halves the polls per second of a
1,000-gateway site.  Larger thresholds and freezing what start-up built (templates, the site,
point tables) keep collection cheap without turning it off.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Iterator

#: Allocations before a young collection, and how often older generations follow.
THRESHOLDS = (50_000, 20, 100)


def tune_collector() -> None:
    """Collect less often; call once, early, in a process that acquires data."""
    gc.set_threshold(*THRESHOLDS)


def settle_after_start() -> None:
    """Move everything start-up built out of the collector's reach (it lives for the whole run)."""
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Build many small tuples without the cyclic GC scanning the heap again and again.

    A day of 1 s samples is 86 400 tuples, a console's backfill of an outage millions of
    `Sample`s; the collections their allocation triggers cost up to three times the building
    itself.  Tuples of numbers, strings and enums form no cycles, so nothing is left
    uncollected.  Every thread that disables re-enables, so concurrent calls always end with
    the GC enabled.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Keep glibc's allocator to ``arenas`` heaps for the whole process (Linux; elsewhere a no-op).

    glibc gives busy threads heaps of their own, up to 8 per core.  A console decoding nine
    cameras (each an OpenCV/FFmpeg thread allocating a frame's worth 25 times a second) then grew
    ~0.5 MiB a minute without end: freed memory scattered over many heaps that are never given
    back.  With two heaps the same run stays flat (measured: ±4 MiB with no trend over 4 minutes,
    against +0.5 MiB a minute).  Call it early, before the threads start.  Returns whether it took.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-8, arenas))  # M_ARENA_MAX
    except (OSError, AttributeError):  # not glibc (musl...): nothing to tune
        return False
