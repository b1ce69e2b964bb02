"""`app.sources.gap.Gap`: an outage's samples, gathered per point in any answer shape, come out in time order."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.api.codec import CodecError, history_columns, history_json
from app.historian import History
from app.model import Quality, Sample
from app.sources.gap import Gap

G, S = Quality.GOOD, Quality.STALE


def test_every_shape_merges_into_one_time_order():
    gap = Gap()
    gap.add_json("A", history_columns(History("A", "V", True, [(10, 1.0, G), (20, 2.0, S), (30, math.nan, G)])), -1)
    gap.add_json("B", history_json(History("B", "V", True, [(15, 5.0, G), (20, 6.0, G), (25, 7.0, S)])), -1)
    gap.add_json("C", history_json(History("C", "V", False, [], [(0, 1.0, 9.0, 4.0, 8.0), (20, 2.0, 3.0, 2.5, 3.0)],
                                            20)), -1)
    assert len(gap) == 8 and gap.bucketed == ["C"]
    out = [s for batch in gap.batches(3) for s in batch]
    assert [(s.point, s.ts) for s in out] == [("C", 0), ("A", 10), ("B", 15), ("A", 20), ("B", 20), ("C", 20),
                                              ("B", 25), ("A", 30)]  # equal instants: in the order added
    assert out[3] == Sample("A", 20, 2.0, S) and out[6].quality is S and out[5] == Sample("C", 20, 3.0, G)
    assert math.isnan(out[7].value)
    assert [len(b) for b in gap.batches(3)] == [3, 3, 2]
    assert all(type(s.ts) is int and type(s.value) is float for s in out)


def test_only_what_the_subscribers_lack_and_one_sample_per_instant():
    gap = Gap()
    ts = np.asarray([5, 1, 3, 3, 7], dtype=np.int64)  # unordered, with two samples at 3 (the later stored stands)
    gap.add("A", ts, np.asarray([5.0, 1.0, 3.0, 33.0, 7.0]), np.zeros(5, dtype=np.uint8), after=1)
    gap.add("B", np.asarray([1, 2], dtype=np.int64), np.asarray([1.0, 2.0]), np.zeros(2, dtype=np.uint8), after=2)
    assert [(s.ts, s.value) for b in gap.batches(10) for s in b] == [(3, 33.0), (5, 5.0), (7, 7.0)]
    assert list(Gap().batches(10)) == []


@pytest.mark.parametrize("answer", [
    {"raw": True, "samples": [[1, 2.0]]},
    {"raw": True, "samples": [[1, 2.0, "perfect"]]},
    {"raw": False, "buckets": [[1, 2.0]]},
    {"raw": True, "ts": [1], "v": [], "q": [["good", 1]]},
    {"samples": []},
])
def test_an_answer_that_does_not_fit_is_named(answer):
    with pytest.raises(CodecError, match="P"):
        Gap().add_json("P", {"id": "P", **answer}, -1)
