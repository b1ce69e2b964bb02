"""Commissioning probe: wait for a DTU to dial in, read one device with a template, print its values.

The tool an engineer runs on site when a new gateway goes in: point the DTU at this machine,
run `python -m app probe --listen 0.0.0.0:9000 --template cl7331m --address 1`, and see at
once whether registration, wiring, address, baud and register map are right.
"""

from __future__ import annotations

import argparse
import asyncio
import locale
import os
import sys
from typing import TextIO

from drivers.dtu import (
    DtuListener,
    GatewaySpec,
    RegistrationError,
    RegistrationFormat,
    RegistrationMode,
    registration_bytes,
)
from drivers.link import LinkDown
from drivers.reading import Reading, read_device
from drivers.templates import Template, TemplateError, load_library


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The probe's options."""
    parser.add_argument("--listen", required=True, metavar="HOST:PORT", help="where the DTU dials in")
    parser.add_argument("--template", required=True, metavar="NAME", help="device template, e.g. cl7331m")
    parser.add_argument(
        "--address", required=True, metavar="ADDR", help="Modbus unit id (1-247) or 12-digit DL/T645 address"
    )
    parser.add_argument("--id", metavar="ID", help="the DTU's registration id (any DTU when omitted)")
    parser.add_argument(
        "--id-format",
        choices=[f.value for f in RegistrationFormat],
        default="ascii",
        help="how --id is written (default: ascii)",
    )
    parser.add_argument("--heartbeat", metavar="TEXT", default="", help="the DTU's heartbeat text, to strip it")
    parser.add_argument("--pt", type=float, default=1.0, help="voltage transformer ratio (default 1)")
    parser.add_argument("--ct", type=float, default=1.0, help="current transformer ratio (default 1)")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds per request (NB-IoT: 10+)")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the DTU (default 300)")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of quantity names (default: system)")


def run(args: argparse.Namespace) -> int:
    """Parse and check the options, then probe; exit 0 all read, 1 some failed, 2 bad usage."""
    try:
        host, port = parse_host_port(args.listen)
        template = load_library().get(args.template)
        if template is None:
            names = ", ".join(sorted(load_library()))
            raise UsageError(f"no device template {args.template!r}; there are: {names}")
        address = parse_address(args.address, template)
        spec = None
        if args.id:
            reg = registration_bytes(args.id, args.id_format)
            spec = GatewaySpec(args.id, reg, RegistrationMode.BOTH, heartbeat=args.heartbeat.encode("latin-1"))
    except (UsageError, RegistrationError, TemplateError) as exc:
        print(f"probe: {exc}", file=sys.stderr)
        return 2
    lang = args.lang or ("zh" if _system_language().startswith("zh") else "en")
    try:
        return asyncio.run(probe(host, port, template, address, spec, args, lang, sys.stdout))
    except OSError as exc:
        print(f"probe: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2


class UsageError(ValueError):
    """An option the probe cannot work with; the message says which and why."""


def parse_host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[v6]:PORT`` too) into its parts."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"{text!r} is not HOST:PORT (e.g. 0.0.0.0:9000)")
    return host.strip("[]") or "0.0.0.0", int(port)


def parse_address(text: str, template: Template) -> int | str:
    """A Modbus unit id or a DL/T645 address, checked against the template's protocol."""
    if template.protocol == "dlt645":
        if len(text) != 12 or not text.isdigit():
            raise UsageError(f"a DL/T645 meter address has 12 digits (e.g. 000000000161), not {text!r}")
        return text
    if not text.isdigit() or not 1 <= int(text) <= 247:
        raise UsageError(f"a Modbus unit id is 1-247, not {text!r}")
    return int(text)


async def probe(
    host: str,
    port: int,
    template: Template,
    address: int | str,
    spec: GatewaySpec | None,
    args: argparse.Namespace,
    lang: str,
    out: TextIO,
) -> int:
    """Listen, wait for the DTU, read the device once and print the table."""
    listener = DtuListener([spec] if spec else [], accept_unknown=spec is None)
    bound = await listener.start(host, port)
    who = f"DTU {spec.id!r}" if spec else "any DTU"
    print(
        f"listening on {bound[0]}:{bound[1]}, waiting up to {args.wait:g} s for {who} ...",
        file=out,
        flush=True,
    )
    try:
        link = await listener.wait_online(spec.id if spec else None, args.wait)
        print(f"gateway {link.name!r} registered from {link.peer}", file=out, flush=True)
        reading = await read_device(link, template, address, pt=args.pt, ct=args.ct, timeout=args.timeout)
    except TimeoutError as exc:
        print(f"probe: {exc}", file=out)
        return 1
    except LinkDown as exc:
        print(f"probe: the gateway went offline while reading: {exc}", file=out)
        return 1
    finally:
        await listener.stop()
    print(format_reading(template, address, reading, lang), file=out)
    return 0 if reading.complete else 1


def format_reading(template: Template, address: int | str, reading: Reading, lang: str = "en") -> str:
    """The probe's table: one row per quantity, with value and unit or the reason there is none."""
    name = template.name_zh if lang == "zh" else template.name_en
    rows = [("quantity", "name", "value", "unit", "status")]
    for q in template.quantities:
        label = q.name_zh if lang == "zh" else q.name_en
        if q.id in reading.values:
            value = format_value(reading.values[q.id], q.kind)
            status = "OUT OF RANGE" if q.id in reading.out_of_range else "ok"
        else:
            value, status = "-", reading.errors.get(q.id, "not read")
        rows.append((q.id, label, value, q.unit, status))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = [f"{template.id} ({name}) at address {address}"]
    for r in rows:
        cells = [r[i] + " " * (widths[i] - _width(r[i])) for i in range(4)]
        cells[2] = " " * (widths[2] - _width(r[2])) + r[2]  # numbers right-aligned
        lines.append("  ".join([*cells, r[4]]).rstrip())
    read = len(reading.values)
    lines.append(f"{read} of {len(template.quantities)} quantities read, {len(reading.out_of_range)} out of range")
    return "\n".join(lines)


def format_value(value: float, kind: str) -> str:
    """Digital as 0/1, counters and analog with sensible decimals."""
    if kind == "digital":
        return str(int(value))
    if abs(value) >= 1000:
        return f"{value:.1f}"
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)


def _system_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return os.environ[var].lower()
    return (locale.getlocale()[0] or "").lower()
