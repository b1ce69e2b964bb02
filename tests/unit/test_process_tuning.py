"""Process-wide tuning: the collector's thresholds, GC pauses around bulk building, glibc's heaps."""

from __future__ import annotations

import gc
import platform
import sys

import pytest

from app.process import limit_malloc_arenas, no_gc_pauses


def test_gc_pauses_nest_and_always_end_enabled():
    assert gc.isenabled()
    with no_gc_pauses():
        assert not gc.isenabled()
        with no_gc_pauses():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one did not switch it back on under the outer
    assert gc.isenabled()
    with pytest.raises(ValueError), no_gc_pauses():
        raise ValueError
    assert gc.isenabled()


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's heaps are a Linux glibc matter")
def test_glibc_takes_the_heap_limit():
    assert limit_malloc_arenas() is True
