"""Loading a site file: YAML with line numbers, schema validation, and every error in one pass.

An engineer editing a site file on a commissioning laptop needs "devices[3].gateway, line 42:
'DTU-9' is not a gateway of this site", not a traceback, and needs all the mistakes at once
rather than one per attempt.  Parsing keeps each key's line; pydantic validates field by
field; `app.config.checks` validates what spans sections; the problems are gathered and
raised together as one `SiteError`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.config import schema
from app.config.alarms import KINDS
from app.config.common import Names

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a site file."""

    file: str
    line: int | None
    key: str  # key path, e.g. "devices[3].gateway"
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.reason}" if self.key else f"{where}: {self.reason}"


class SiteError(Exception):
    """A site file that cannot be used; ``problems`` lists every reason, ``str()`` one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def key_path(path: Path_) -> str:
    """``("devices", 3, "gateway")`` → ``devices[3].gateway``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Marks:
    """Line numbers of every key and list item, by key path (1-based)."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.duplicates: list[tuple[Path_, int]] = []

    def walk(self, node: yaml.Node, path: Path_) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append(((*path, key), key_node.start_mark.line + 1))
                seen.add(key)
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                self.walk(value_node, (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.walk(item, (*path, i))

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor the file has."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _all_fields() -> set[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [schema.SiteFile]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(name)
            for arg in _types_in(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    stack.append(arg)
    return names


def _types_in(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        out += _types_in(arg)
    meta = getattr(annotation, "__metadata__", ())
    if meta:
        out += _types_in(annotation.__origin__)
    return out


_FIELDS = _all_fields()
_UNION_TAGS = {"dtu", "modbus_tcp", *KINDS}  # tagged-union branch names (gateways, alarm rules)


def _clean_loc(loc: tuple[Any, ...]) -> Path_:
    """Drop pydantic's union-branch names from a location."""
    out: list[str | int] = []
    for i, part in enumerate(loc):
        if isinstance(part, str) and part in _UNION_TAGS and i > 0 and isinstance(loc[i - 1], int):
            continue
        if isinstance(part, str) and (part.startswith("function-") or part in ("str", "int", "Names")):
            continue
        out.append(part)
    return tuple(out)


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    msg: str = error["msg"]
    if kind == "extra_forbidden":
        key = error["loc"][-1]
        # Fields of every section are candidates; the key itself (valid elsewhere) is no suggestion.
        close = difflib.get_close_matches(str(key), _FIELDS - {str(key)}, n=1, cutoff=0.7)
        return f"unknown key{f' (did you mean {close[0]!r}?)' if close else ''}"
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        return msg.replace("Input should be", "should be")
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    got = error.get("input")
    shown = f" (got {got!r})" if got is not None and not isinstance(got, dict | list) else ""
    return msg[0].lower() + msg[1:] + shown


def parse_site(text: str, file: str = "<site>") -> schema.SiteFile:
    """Parse and validate site-file text (cross-section checks included); raises `SiteError`."""
    from app.config.checks import cross_check  # noqa: PLC0415 - checks import this module's types

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        context = ""
        if exc.context and exc.context_mark is not None:
            context = f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise SiteError([Problem(file, line, "", f"not valid YAML: {exc.problem}{context}")]) from None
    if not isinstance(data, dict):
        raise SiteError([Problem(file, 1, "", "a site file is a mapping with at least a 'site' section")])
    marks = _Marks()
    if node is not None:
        marks.walk(node, ())
    problems = [Problem(file, line, key_path(path), "key given twice") for path, line in marks.duplicates]
    try:
        site = schema.SiteFile.model_validate(data)
        index: dict[str, list[int]] = {}
    except ValidationError as exc:
        for error in exc.errors():
            path = _clean_loc(tuple(error["loc"]))
            problems.append(Problem(file, marks.line(path), key_path(path), _reason(error)))
        partial = _partial(data)
        if partial is None:
            raise SiteError(_unique(problems)) from None
        site, index = partial
    for found, reason in cross_check(site):
        path = found
        if len(found) > 1 and isinstance(found[1], int) and found[0] in index:
            path = (found[0], index[str(found[0])][found[1]], *found[2:])  # back to the file's own numbering
        problems.append(Problem(file, marks.line(path), key_path(path), reason))
    if problems:
        raise SiteError(_unique(problems))
    return site


_LISTS = ("rooms", "gateways", "devices", "derived", "cameras", "diagrams")


def _partial(data: dict[str, Any]) -> tuple[schema.SiteFile, dict[str, list[int]]] | None:
    """The valid part of an invalid file, so cross-section checks can still report in the same pass.

    Items that fail on their own are left out; the returned index maps each kept item back
    to its position in the file.
    """
    kept: dict[str, Any] = {}
    index: dict[str, list[int]] = {}
    fields = schema.SiteFile.model_fields
    for key in _LISTS:
        items = data.get(key)
        if not isinstance(items, list):
            continue
        adapter = TypeAdapter(fields[key].annotation)
        good, where = [], []
        for i, item in enumerate(items):
            try:
                good.extend(adapter.validate_python([item]))
            except ValidationError:
                continue
            where.append(i)
        kept[key], index[key] = good, where
    try:
        site_info = schema.SiteInfo.model_validate(data.get("site"))
    except ValidationError:
        site_info = schema.SiteInfo(name=Names(zh="?", en="?"))
    return schema.SiteFile.model_construct(site=site_info, **kept), index


def load_site_file(path: Path) -> schema.SiteFile:
    """Read and validate a site file; raises `SiteError` (also for a missing/unreadable file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SiteError([Problem(str(path), None, "", "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise SiteError([Problem(str(path), None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise SiteError([Problem(str(path), None, "", f"cannot read it: {exc.strerror or exc}")]) from None
    return parse_site(text, path.name)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    out = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return sorted(out, key=lambda p: (p.line or 0, p.key))
