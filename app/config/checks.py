"""Checks that span sections of a site file: references, templates, buses, formulas.

Each check yields ``(key path, reason)``; the loader turns them into located problems.  The
rules are the field's: one RS-485 bus carries at most 32 devices with unique addresses and
one protocol (Modbus at 9600 8N1 and DL/T645 at 2400 8E1 do not share a bus), a DL/T645
meter cannot sit behind a Modbus TCP gateway, and every id names exactly one thing.
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Iterator

from app.alarms.when import When
from app.analysis.tariff import TariffError, tariff_from_mapping
from app.config import alarms, schema
from app.formula import Formula, FormulaError
from drivers.templates import Template, TemplateError, load_library

Issue = tuple[tuple[str | int, ...], str]
MAX_BUS_DEVICES = 32


@functools.cache
def template_library() -> dict[str, Template]:
    """The shipped device templates, loaded once per process."""
    return load_library()


def cross_check(site: schema.SiteFile) -> list[Issue]:
    """Every cross-section problem of ``site``."""
    return [*_ids(site), *_refs(site), *_devices(site), *_derived(site), *_alarms(site), *_tariff(site),
            *_meter_changes(site)]


def _meter_changes(site: schema.SiteFile) -> Iterator[Issue]:
    """A recorded meter change names a counter of the device's template."""
    library = template_library()
    for i, d in enumerate(site.devices):
        template = library.get(d.template)
        if template is None:
            continue
        counters = {q.id for q in template.quantities if q.kind == "counter"}
        for j, change in enumerate(d.meter_changes):
            if change.point not in counters:
                yield (("devices", i, "meter_changes", j, "point"),
                       f"{change.point!r} is not an energy register of template {d.template} "
                       f"({', '.join(sorted(counters)) or 'none'})")


def _tariff(site: schema.SiteFile) -> Iterator[Issue]:
    """The tariff section read as reports will read it: a bad one is named at load, not at month's end."""
    if site.tariff is None:
        return
    try:
        tariff = tariff_from_mapping(site.tariff, site.site.timezone)
    except TariffError as exc:
        parts = [int(p) if p.isdigit() else p for p in exc.path.replace("[", ".").replace("]", "").split(".") if p]
        yield ("tariff", *parts), str(exc).split(": ", 1)[-1]
        return
    devices = {d.id for d in site.devices}
    for i, resale in enumerate(tariff.resale):
        for device in sorted(resale.devices - devices):
            yield ("tariff", "resale", i, "devices"), f"{device!r} is not a device of this site"


def _ids(site: schema.SiteFile) -> Iterator[Issue]:
    seen: dict[str, str] = {}
    sections = (("rooms", site.rooms), ("gateways", site.gateways), ("devices", site.devices),
                ("cameras", site.cameras), ("diagrams", site.diagrams))  # fmt: skip
    for section, items in sections:
        for i, item in enumerate(items):
            if item.id in seen:
                yield (section, i, "id"), f"{item.id!r} is already the id of {seen[item.id]}"
            else:
                seen[item.id] = f"{section}[{i}]"
    regs: dict[bytes, str] = {}
    for i, g in enumerate(site.gateways):
        if isinstance(g, schema.DtuGateway):
            raw = g.registration.raw
            if raw in regs:
                yield ("gateways", i, "registration", "id"), f"gateway {regs[raw]} registers with the same id"
            regs.setdefault(raw, g.id)


def _refs(site: schema.SiteFile) -> Iterator[Issue]:
    rooms = {r.id for r in site.rooms}
    devices = {d.id for d in site.devices}
    for section, items in (("gateways", site.gateways), ("devices", site.devices), ("cameras", site.cameras),
                           ("diagrams", site.diagrams), ("derived", site.derived)):  # fmt: skip
        for i, item in enumerate(items):
            if item.room is not None and item.room not in rooms:
                yield (section, i, "room"), f"{item.room!r} is not a room of this site"
    yield from _cameras(site, rooms, devices)
    for i, d in enumerate(site.devices):
        for key in ("upstream", "tie_to"):
            ref = getattr(d, key)
            if ref is not None and ref not in devices:
                yield ("devices", i, key), f"{ref!r} is not a device of this site"
            elif ref == d.id:
                yield ("devices", i, key), "a device cannot feed itself"
        if d.role == "bus_tie" and (d.upstream is None or d.tie_to is None):
            yield (
                ("devices", i, "tie_to"),
                "a bus tie needs upstream and tie_to: the two LV incomers it joins",
            )
    yield from _loops(site)


def rule_ids(site: schema.SiteFile) -> list[str]:
    """Each alarm rule's id as alarms name it: its ``id``, or ``KIND-N`` (N counted from 1) without one."""
    return [rule.id or f"{rule.kind}-{i + 1}" for i, rule in enumerate(site.alarms.rules)]


def _cameras(site: schema.SiteFile, rooms: set[str], devices: set[str]) -> Iterator[Issue]:
    """A camera's links name rooms, devices and alarm rules of this site."""
    rules = rule_ids(site)
    # A file that failed validation is cross-checked without its alarms section (the loader keeps
    # only its valid list items): rule links are then not judged rather than all called unknown.
    judge_rules = bool(rules) or "alarms" in site.model_fields_set
    for i, cam in enumerate(site.cameras):
        for j, room in enumerate(cam.rooms):
            if room not in rooms:
                yield ("cameras", i, "rooms", j), f"{room!r} is not a room of this site"
        for j, dev in enumerate(cam.devices):
            if dev not in devices:
                yield ("cameras", i, "devices", j), f"{dev!r} is not a device of this site"
        for j, rule in enumerate(cam.rules):
            if judge_rules and rule not in rules:
                close = difflib.get_close_matches(rule, rules, 1)
                hint = f"did you mean {close[0]!r}?" if close else "the rules are " + (", ".join(rules) or "none")
                yield ("cameras", i, "rules", j), f"{rule!r} is not the id of an alarm rule of this site ({hint})"


def _loops(site: schema.SiteFile) -> Iterator[Issue]:
    by_id = {d.id: d for d in site.devices}
    for i, d in enumerate(site.devices):
        seen = {d.id}
        cur = d
        while cur.upstream is not None and cur.upstream in by_id:
            if cur.upstream in seen:
                yield (
                    ("devices", i, "upstream"),
                    f"the chain of upstream devices loops back to {cur.upstream!r}",
                )
                break
            seen.add(cur.upstream)
            cur = by_id[cur.upstream]


def _devices(site: schema.SiteFile) -> Iterator[Issue]:
    gateways = {g.id: g for g in site.gateways}
    try:
        library = template_library()
    except TemplateError as exc:
        yield ("devices",), f"the device templates do not load: {exc}"
        return
    per_bus: dict[str, list[tuple[int, schema.Device, str]]] = {}
    for i, d in enumerate(site.devices):
        gw = gateways.get(d.gateway)
        if gw is None:
            yield ("devices", i, "gateway"), f"{d.gateway!r} is not a gateway of this site"
        template = library.get(d.template)
        if template is None:
            yield (
                ("devices", i, "template"),
                f"no device template {d.template!r}; there are: {', '.join(sorted(library))}",
            )
            continue
        if template.protocol == "dlt645" and not isinstance(d.address, str):
            yield ("devices", i, "address"), "a DL/T645 meter's address is its 12-digit number, in quotes"
        if template.protocol == "modbus" and not isinstance(d.address, int):
            yield ("devices", i, "address"), "a Modbus device's address is its unit id 1-247"
        if gw is not None:
            if isinstance(gw, schema.TcpGateway) and template.protocol != "modbus":
                yield (
                    ("devices", i, "gateway"),
                    f"{gw.id} speaks Modbus TCP; a DL/T645 meter cannot sit behind it",
                )
            per_bus.setdefault(gw.id, []).append((i, d, template.protocol))
    for gid, members in per_bus.items():
        addresses = Counter(d.address for _, d, _ in members if d.enabled)
        for i, d, _ in members:
            if d.enabled and addresses[d.address] > 1:
                yield ("devices", i, "address"), f"address {d.address} is used twice on gateway {gid}"
        protocols = {p for _, _, p in members}
        if len(protocols) > 1 and isinstance(gateways[gid], schema.DtuGateway):
            i = next(i for i, _, p in members if p == "dlt645")
            yield (
                ("devices", i, "gateway"),
                (
                    f"gateway {gid} already carries Modbus devices; DL/T645 (2400 8E1) and Modbus (9600 8N1) "
                    "do not share one RS-485 bus"
                ),
            )
        if len(members) > MAX_BUS_DEVICES and isinstance(gateways[gid], schema.DtuGateway):
            yield (
                ("devices", members[MAX_BUS_DEVICES][0], "gateway"),
                (f"gateway {gid} has {len(members)} devices; one RS-485 bus carries at most {MAX_BUS_DEVICES}"),
            )


def _derived(site: schema.SiteFile) -> Iterator[Issue]:
    library = template_library()
    known: set[str] = set()
    for d in site.devices:
        template = library.get(d.template)
        if template is not None:
            known.update(f"{d.id}.{q.id}" for q in template.quantities)
    derived_ids = {x.id for x in site.derived}
    formulas: dict[str, Formula] = {}
    for i, x in enumerate(site.derived):
        if x.id in known:
            yield ("derived", i, "id"), f"{x.id!r} is already a measured point"
        try:
            formula = Formula(x.expr)
        except FormulaError as exc:
            yield ("derived", i, "expr"), str(exc)
            continue
        formulas[x.id] = formula
        for ref in formula.points:
            if ref not in known and ref not in derived_ids:
                yield ("derived", i, "expr"), f"{ref!r} is not a point of this site"
    # A derived point may read another, but never itself through a chain.
    for i, x in enumerate(site.derived):
        stack, seen = [x.id], set()
        while stack:
            cur = stack.pop()
            for ref in formulas[cur].points if cur in formulas else ():
                if ref == x.id:
                    yield ("derived", i, "expr"), f"{x.id} depends on itself"
                    stack = []
                    break
                if ref in formulas and ref not in seen:
                    seen.add(ref)
                    stack.append(ref)


def _alarms(site: schema.SiteFile) -> Iterator[Issue]:
    """Alarm rules name points, devices and gateways that exist, and devices that have what a rule reads.

    Caught here, at load time, so that a rule on a quantity a meter does not measure is a
    located error in the file rather than an alarm that silently never comes.
    """
    library = template_library()
    quantities: dict[str, set[str]] = {}
    points: list[str] = []
    for d in site.devices:
        template = library.get(d.template)
        qs = {q.id for q in template.quantities} if template is not None else set()
        quantities[d.id] = qs
        points += [f"{d.id}.{q}" for q in sorted(qs)]
    points += [x.id for x in site.derived]
    devices = {d.id: d for d in site.devices}
    gateways = [g.id for g in site.gateways]
    seen: dict[str, int] = {}
    for i, rule in enumerate(site.alarms.rules):
        where = ("alarms", "rules", i)
        targets, missing = alarms.resolve(rule, points, devices, gateways)
        for target, pattern in missing:
            what = target[:-1]
            if alarms.is_pattern(pattern):
                yield (*where, target), f"{pattern!r} matches no {what} of this site"
            else:
                yield (*where, target), f"{pattern!r} is not a {what} of this site"
        for dev in targets.get("devices", []):
            d = devices[dev]
            why = alarms.device_needs(rule, dev, quantities.get(dev, set()), d.rating.kva, d.rating.a)
            if why is not None:
                yield (*where, "devices"), why
        if rule.suppress_when is not None:
            yield from _suppress(rule, where, targets, set(points), quantities)
        for key in alarms.condition_keys(rule, targets):
            if key in seen and seen[key] != i:
                yield where, f"{key} is already judged by alarms.rules[{seen[key]}]; one condition, one rule"
            seen.setdefault(key, i)


def _suppress(rule: alarms.AnyRule, where: tuple[str | int, ...], targets: dict[str, list[str]], known: set[str],
              quantities: dict[str, set[str]]) -> Iterator[Issue]:  # fmt: skip
    """A rule's ``suppress_when`` parses and reads points that exist (for each target device with ``{@.X}``)."""
    text = rule.suppress_when or ""
    own = [p.partition(".")[0] if p.partition(".")[0] in quantities else None for p in targets.get("points", [])]
    own += targets.get("devices", [])
    if alarms.SELF in text and (not own or None in own):
        yield (*where, "suppress_when"), "{@.…} reads the target's own device, but this rule judges a derived point"
        return
    for _device, expr in alarms.suppress_texts(text, own).items():
        try:
            when = When(expr)
        except FormulaError as exc:
            yield (*where, "suppress_when"), str(exc)
            return
        for ref in when.points:
            if ref not in known:
                yield (*where, "suppress_when"), f"{ref!r} is not a point of this site"
