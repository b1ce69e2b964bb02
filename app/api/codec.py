"""JSON of every shape the cloud API carries, used by both the server and `CloudSource`.

One module for both ends so they cannot drift: the server answers with `encode(...)` (or the
compact sample forms below) and the client rebuilds the same Python objects with `decode(cls,
data)`.  Dataclasses are walked by their type hints (nested dataclasses, enums, tuples,
optionals, dicts with enum keys), so a field added with a default to a shape travels without
touching this file.  Samples travel compactly as ``[id, ts, value, quality]`` with the quality
as its word (``good``, ``stale``, ``comm_fail``, ``bad_value``), as API.md says; history as
``{"id", "unit", "raw", "samples": [[ts, value, quality]...]}`` or ``buckets``.

A value that does not fit its field raises `CodecError` naming the field, so a server that
sends something unexpected is reported in words instead of failing somewhere later.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import math
import types
import typing
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import numpy as np

from app.historian import History
from app.model import Quality, Sample

T = TypeVar("T")


class CodecError(ValueError):
    """JSON that does not fit the shape it should have; the message names the field."""


# ------------------------------------------------------------------ samples and history


def sample_row(s: Sample) -> list[Any]:
    """``[id, ts, value, quality word]`` (non-finite values travel as null)."""
    value = s.value if math.isfinite(s.value) else None
    return [s.point, s.ts, value, s.quality.word]


def sample_from_row(row: Any) -> Sample:
    """A `Sample` from ``[id, ts, value, quality]``."""
    try:
        point, ts, value, quality = row
        return Sample(str(point), int(ts), float("nan") if value is None else float(value),
                      Quality.from_word(str(quality)))
    except (TypeError, ValueError) as exc:
        raise CodecError(f"a sample must be [id, ts, value, quality], not {row!r}") from exc


def sample_object(s: Sample) -> dict[str, Any]:
    """``{"id", "ts", "value", "quality"}`` as `GET /points/latest` answers."""
    point, ts, value, quality = sample_row(s)
    return {"id": point, "ts": ts, "value": value, "quality": quality}


def sample_from_object(d: Mapping[str, Any]) -> Sample:
    """A `Sample` from `sample_object`'s shape."""
    try:
        return sample_from_row([d["id"], d["ts"], d.get("value"), d.get("quality", "good")])
    except KeyError as exc:
        raise CodecError(f"a sample object lacks {exc.args[0]!r}") from exc


def history_json(h: History) -> dict[str, Any]:
    """`GET /points/{id}/history`'s answer."""
    out: dict[str, Any] = {"id": h.point, "unit": h.unit, "raw": h.raw}
    if h.raw:
        out["samples"] = [[ts, v if math.isfinite(v) else None, Quality(q).word] for ts, v, q in h.samples]
    else:
        out["buckets"] = [list(b) for b in h.buckets]
        out["bucket_ms"] = h.bucket_ms
    return out


def history_from_json(d: Mapping[str, Any]) -> History:
    """A `History` from `history_json`'s shape."""
    try:
        raw = bool(d["raw"])
        samples = [(int(ts), float("nan") if v is None else float(v), Quality.from_word(str(q)))
                   for ts, v, q in d.get("samples", [])] if raw else []
        buckets = [tuple(b) for b in d.get("buckets", [])] if not raw else []
        return History(str(d["id"]), str(d.get("unit", "")), raw, samples, buckets,  # type: ignore[arg-type]
                       int(d.get("bucket_ms", 0)))
    except (KeyError, TypeError, ValueError) as exc:
        raise CodecError(f"a history answer does not fit its shape: {exc}") from exc


def history_columns(h: History) -> dict[str, Any]:
    """A raw history as columns, ``POST /points/history``'s answer when asked ``"shape": "columns"``.

    A console's backfill after a 10-minute outage of a large site reads 3 million samples; as
    ``[ts, value, quality]`` rows every one is a JSON array (and a Python list to build and
    read back), and the same quality word is repeated 3 million times.  Columns carry the same
    numbers as two flat arrays, ``ts`` and ``v`` (null where the value is not finite), and the
    qualities as runs ``[[word, count]...]``, which for a healthy point is a single run.
    A bucketed history keeps `history_json`'s shape.
    """
    if not h.raw:
        return history_json(h)
    series = h.columns()
    finite = np.isfinite(series.value)
    values = series.value.tolist()
    if not finite.all():
        for i in np.flatnonzero(~finite).tolist():
            values[i] = None
    q = series.quality
    starts = np.flatnonzero(np.diff(q)) + 1 if len(q) else np.empty(0, dtype=np.int64)
    bounds = np.concatenate(([0], starts, [len(q)])).astype(np.int64).tolist() if len(q) else [0]
    runs = [[Quality(int(q[a])).word, b - a] for a, b in itertools.pairwise(bounds)]
    return {"id": h.point, "unit": h.unit, "raw": True, "ts": series.ts.tolist(), "v": values, "q": runs}


def columns_from_json(d: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`history_columns`' ``ts``, ``v`` and ``q`` as arrays: int64 ms, float64 (NaN for null) and
    the quality codes (uint8); `CodecError` names what does not fit."""
    try:
        ts = np.asarray(d["ts"], dtype=np.int64)
        v = np.asarray(d["v"], dtype=np.float64)  # null reads as NaN
        runs = d["q"]
        codes = np.repeat(np.asarray([Quality.from_word(str(w)) for w, _n in runs], dtype=np.uint8),
                          np.asarray([int(n) for _w, n in runs], dtype=np.int64))
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise CodecError(f"the history columns of {d.get('id', '?')!r} do not fit their shape: {exc}") from exc
    if not (ts.ndim == v.ndim == 1 and len(ts) == len(v) == len(codes)):
        raise CodecError(f"the history columns of {d.get('id', '?')!r} differ in length "
                         f"(ts {ts.size}, v {v.size}, qualities {codes.size})")
    return ts, v, codes


# ------------------------------------------------------------------ dataclasses by their hints


def encode(obj: Any) -> Any:
    """JSON-able form of a dataclass (recursively), enum (its value), tuple, list, dict or plain value."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Sample):
        return sample_object(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Mapping):
        return {str(encode(k)): encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [encode(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def decode(cls: type[T], data: Any, where: str = "") -> T:
    """Rebuild ``cls`` (a dataclass, enum, or a typing form like ``list[Alarm]``) from `encode`'s JSON."""
    return _decode(cls, data, where or getattr(cls, "__name__", str(cls)))


def _decode(tp: Any, data: Any, where: str) -> Any:
    origin = get_origin(tp)
    if tp is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        options = get_args(tp)
        if data is None and type(None) in options:
            return None
        problems = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data, where)
            except CodecError as exc:
                problems.append(str(exc))
        raise CodecError("; ".join(problems) or f"{where}: {data!r} fits none of {tp}")
    if origin in (list, tuple, set, frozenset) or tp in (list, tuple):
        if not isinstance(data, list):
            raise CodecError(f"{where}: expected a list, found {type(data).__name__}")
        args = get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:  # a fixed tuple: each place its own type
            if len(data) != len(args):
                raise CodecError(f"{where}: expected {len(args)} items, found {len(data)}")
            return tuple(_decode(t, v, f"{where}[{i}]") for i, (t, v) in enumerate(zip(args, data, strict=True)))
        item = args[0] if args else Any
        items = [_decode(item, v, f"{where}[{i}]") for i, v in enumerate(data)]
        return items if origin in (list, None) and tp is not tuple else (origin or tuple)(items)
    if origin in (dict, Mapping) or tp is dict:
        if not isinstance(data, dict):
            raise CodecError(f"{where}: expected an object, found {type(data).__name__}")
        key_t, value_t = get_args(tp) or (Any, Any)
        return {_key(key_t, k, where): _decode(value_t, v, f"{where}.{k}") for k, v in data.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise CodecError(f"{where}: expected an object, found {type(data).__name__}")
        hints = _hints(tp)
        values = {}
        for f in dataclasses.fields(tp):
            if f.name in data:
                values[f.name] = _decode(hints[f.name], data[f.name], f"{where}.{f.name}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise CodecError(f"{where}: '{f.name}' is missing")
        return tp(**values)
    if tp is Sample:
        return sample_from_object(data)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError:
            raise CodecError(f"{where}: {data!r} is not one of {[e.value for e in tp]}") from None
    if tp is float:
        if data is None:
            return float("nan")
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
        raise CodecError(f"{where}: expected a number, found {data!r}")
    if tp is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        raise CodecError(f"{where}: expected an integer, found {data!r}")
    if tp is bool:
        if isinstance(data, bool):
            return data
        raise CodecError(f"{where}: expected true or false, found {data!r}")
    if tp is str:
        if isinstance(data, str):
            return data
        raise CodecError(f"{where}: expected text, found {data!r}")
    if tp is type(None):
        if data is None:
            return None
        raise CodecError(f"{where}: expected null, found {data!r}")
    return data


def _key(tp: Any, key: str, where: str) -> Any:
    """Object keys are text in JSON: turn them back into ints or enums (``FloodSummary.per_level``)."""
    if tp in (Any, str):
        return key
    if isinstance(tp, type) and issubclass(tp, enum.IntEnum):
        return _decode(tp, int(key), where)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _decode(tp, key, where)
    if tp is int:
        return int(key)
    return key


def encode_all(items: Iterable[Any]) -> list[Any]:
    """`encode` for each item of a list answer."""
    return [encode(i) for i in items]
