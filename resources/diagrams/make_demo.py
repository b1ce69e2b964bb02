"""Build the demo plant's single-line diagrams (一次系统图) from resources/sites/demo.yaml's devices.

    python resources/diagrams/make_demo.py

Writes ``overview.json`` (the plant on one page, linking to the rooms), ``hv-room.json`` (高压室:
10 kV incomer and revenue metering) and ``lv-room.json`` (低压配电室: both transformers, both LV
sections with every feeder, the bus tie, the temperature controllers and the environment
sensor) next to this script, through `app.diagram`'s model and file format.  Item uuids are
derived from the diagram id and the item's role, so regenerating gives the same files.

Breakers bind ``position`` to their meter's DI1 (the demo's breaker-position input, see the
alarm rule ``breaker``).  Feeders F1-05, F2-05 (SDM630) and F2-06 (EB10) have no digital
input: their breakers are drawn unbound (shown as unknown, the tracer vouches for nothing
behind them) until the plant wires a position contact.

Layout: grid units; busbars are placed half a unit above a grid line so their terminals
(and the line drawn) sit on it; feeders hang from the LV busbars at a fixed pitch.
"""

from __future__ import annotations

import sys
import uuid as uuidlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(HERE.parents[1]))

from app.diagram import fileformat  # noqa: E402
from app.diagram.model import Diagram, Link, PlacedSymbol, Text, ValueLabel, WireEnd  # noqa: E402
from app.diagram.symbols import SymbolLibrary, load_library  # noqa: E402

#: Feeders in drawing order per section: device, breaker name, feeder name.
SECTION_1 = [("F1-01", "照明"), ("F1-02", "空调"), ("F1-03", "动力"), ("F1-04", "水泵"), ("F1-05", "电梯"),
             ("F1-06", "消防")]
SECTION_2 = [("F2-01", "办公"), ("F2-02", "数据机房"), ("F2-03", "充电桩"), ("F2-04", "冷站"), ("F2-05", "电梯"),
             ("F2-06", "小动力箱")]
#: Devices whose template has no breaker-position input (DI1).
NO_POSITION = {"F1-05", "F2-05", "F2-06"}
PITCH = 7  # feeder spacing on the LV busbars

_NS = uuidlib.UUID("6a1d2f0e-5b7c-4c8e-9a34-2f1e0d9c8b7a")


class Builder:
    """A diagram under construction with deterministic uuids and short helpers."""

    def __init__(self, library: SymbolLibrary, id: str, name: str, room: str, size: tuple[float, float]) -> None:
        self.library = library
        self.d = Diagram(id, name, room, size)
        self._n = 0

    def uid(self, key: str) -> str:
        return str(uuidlib.uuid5(_NS, f"{self.d.id}/{key}"))

    def put(self, symbol: str, x: float, y: float, key: str, **fields: object) -> PlacedSymbol:
        return self.d.place(self.library[symbol], (x, y), uuid=self.uid(key), **fields)  # type: ignore[arg-type]

    def wire(self, a: PlacedSymbol, ta: str, b: PlacedSymbol, tb: str, *waypoints: tuple[float, float]) -> None:
        self._n += 1
        self.d.connect(WireEnd(a.uuid, ta), WireEnd(b.uuid, tb), waypoints, uuid=self.uid(f"wire{self._n}"))

    def text(self, x: float, y: float, text: str, size: float = 1.0) -> None:
        self.d.add(Text(self.uid(f"text:{x},{y}"), (float(x), float(y)), text, size))

    def link(self, x: float, y: float, target: str, text: str, size: tuple[float, float] = (8.0, 2.0)) -> None:
        self.d.add(Link(self.uid(f"link:{target}:{x},{y}"), (float(x), float(y)), target, text, size))

    # ------------------------------------------------------------ plant parts

    def breaker(self, x: float, y: float, name: str, device: str, *, withdrawable: bool = False,
                labels: tuple[ValueLabel, ...] = ()) -> PlacedSymbol:
        """A breaker whose a-terminal is at (x, y); position bound to the device's DI1 when it has one."""
        bindings = {} if device in NO_POSITION else {"position": f"{device}.DI1"}
        symbol = "breaker_withdrawable" if withdrawable else "breaker_fixed"
        return self.put(symbol, x - 1, y, name, name=name, device=device, bindings=bindings, labels=labels)

    def busbar(self, x0: float, x1: float, line_y: float, name: str) -> PlacedSymbol:
        """A busbar from x0 to x1 drawn on grid line ``line_y``; terminal ``S{i}``/``N{i}`` at x0 + i."""
        return self.put("busbar", x0, line_y - 0.5, name, name=name, length=float(x1 - x0))


def power(device: str, dx: float = 2.5, dy: float = 0.0) -> tuple[ValueLabel, ...]:
    """P and phase-A current labels beside a breaker (offsets from its top-left)."""
    return (ValueLabel(f"{device}.P", ".1f", "kW", (dx, dy)), ValueLabel(f"{device}.Ia", ".0f", "A", (dx, dy + 1.2)))


def transformer(b: Builder, x: float, y: float, n: int) -> PlacedSymbol:
    """T{n} with its hv terminal at (x, y): 10/0.4 kV, 1000 kVA, and its load rate."""
    return b.put("transformer_2w", x - 1, y, f"T{n}", name=f"{n}#主变", device=f"T{n}-LV-IN",
                 labels=(ValueLabel(f"T{n}.load_rate", ".0f", "%", (2.5, 3.0)),))


def tcu(b: Builder, x: float, y: float, n: int) -> PlacedSymbol:
    """T{n}'s temperature controller badge: winding temperatures, over-temperature alarm."""
    dev = f"T{n}-TCU"
    return b.put("temperature_controller", x, y, dev, name=f"{n}#温控器", device=dev,
                 bindings={"alarm": f"{dev}.alarm"},
                 labels=tuple(ValueLabel(f"{dev}.T{p}", ".0f", "°C", (2.5, 1.2 * i)) for i, p in enumerate("ABC")))


# ---------------------------------------------------------------- 10 kV incoming (shared by the pages)


def incoming(b: Builder, x: float, *, metering: bool) -> tuple[PlacedSymbol, PlacedSymbol, float]:
    """Utility supply, cable, QF101 (HV-IN) and CT down column x; returns the CT, QF101 and the next free y."""
    grid = b.put("utility_source", x - 1, 2, "GRID", name="10kV市电")
    cable = b.put("line_end", x - 1, 6, "W101", name="10kV进线电缆")
    qf = b.breaker(x, 9, "QF101", "HV-IN", withdrawable=True,
                   labels=(*power("HV-IN"), ValueLabel("HV-IN.Uab", ".0f", "V", (2.5, 2.4))))
    ct = b.put("ct", x - 1, 16, "TA101", name="TA101")
    b.wire(grid, "a", cable, "a")
    b.wire(cable, "b", qf, "a")
    b.wire(qf, "b", ct, "a")
    if metering:
        meter = b.put("meter", x - 4, 19, "REV-1", name="关口计量", device="REV-1",
                      labels=(ValueLabel("REV-1.P", ".1f", "kW", (-5.5, 0.0)),
                              ValueLabel("REV-1.EPimp", ".0f", "kWh", (-5.5, 1.2))))
        b.wire(ct, "b", meter, "a", (x, 18.5), (x - 3, 18.5))
    return ct, qf, 18.0


# ---------------------------------------------------------------- the pages


def overview(library: SymbolLibrary) -> Diagram:
    b = Builder(library, "overview", "示范配电房 一次系统图（总览）", "", (110.0, 62.0))
    b.text(2, 0, "示范配电房 一次系统图", 1.4)
    ct, _, _ = incoming(b, 40, metering=True)
    hv = b.busbar(14, 94, 24, "10kV母线")
    b.wire(ct, "b", hv, "N26")
    b.link(44, 3, "hv-room", "高压室 →")
    for n, x, lv_x0, lv_x1 in ((1, 20, 8, 50), (2, 88, 58, 100)):
        qhv = b.breaker(x, 26, f"QF11{n}", f"T{n}-HV", withdrawable=True, labels=power(f"T{n}-HV"))
        t = transformer(b, x, 34, n)
        tcu(b, x + 8, 35, n)
        qlv = b.breaker(x, 41, f"QF40{n}", f"T{n}-LV-IN", withdrawable=True, labels=power(f"T{n}-LV-IN"))
        bus = b.busbar(lv_x0, lv_x1, 49, f"0.4kV {'Ⅰ' if n == 1 else 'Ⅱ'}段母线")
        b.wire(hv, f"S{x - 14}", qhv, "a")
        b.wire(qhv, "b", t, "hv")
        b.wire(t, "lv", qlv, "a")
        b.wire(qlv, "b", bus, f"N{x - lv_x0}")
        feeders = "、".join(f"{dev}" for dev, _ in (SECTION_1 if n == 1 else SECTION_2))
        b.text(lv_x0 + 2, 51, f"{'Ⅰ' if n == 1 else 'Ⅱ'}段出线：{feeders}", 0.8)
        b.link(lv_x0 + 2, 53, "lv-room", f"低压配电室 {'Ⅰ' if n == 1 else 'Ⅱ'}段 →", (12.0, 2.0))
    # the bus tie hangs under the gap between the sections and returns up to section II
    tie = b.breaker(50, 50, "QF445", "BUS-TIE", labels=(ValueLabel("BUS-TIE.Ia", ".0f", "A", (2.5, 0.0)),))
    lv1 = next(p for p in b.d.placed if p.name.startswith("0.4kV Ⅰ"))
    lv2 = next(p for p in b.d.placed if p.name.startswith("0.4kV Ⅱ"))
    b.wire(lv1, "S42", tie, "a")
    b.wire(tie, "b", lv2, "S0", (50, 56), (58, 56))
    b.text(51, 57, "母联", 0.8)
    return b.d


def hv_room(library: SymbolLibrary) -> Diagram:
    b = Builder(library, "hv-room", "高压室 10kV 一次系统图", "HV", (80.0, 44.0))
    b.text(2, 0, "高压室 10kV", 1.4)
    ct, _, _ = incoming(b, 30, metering=True)
    bus = b.busbar(10, 58, 24, "10kV母线")
    b.wire(ct, "b", bus, "N20")
    b.put("vt", 37, 25, "TV1", name="TV1")
    b.wire(bus, "S28", b.d.items[b.uid("TV1")], "a")  # type: ignore[arg-type]
    b.put("arrester", 41, 25, "F1", name="避雷器")
    b.wire(bus, "S32", b.d.items[b.uid("F1")], "a")  # type: ignore[arg-type]
    for n, x in ((1, 14), (2, 54)):
        cable = b.put("cable_end", x - 1, 26, f"W11{n}", name=f"至{n}#主变")
        b.wire(bus, f"S{x - 10}", cable, "a")
        b.link(x - 4, 30, "lv-room", f"{n}#主变（低压配电室）→", (10.0, 2.0))
    b.link(62, 2, "overview", "← 总览")
    return b.d


def lv_room(library: SymbolLibrary) -> Diagram:
    b = Builder(library, "lv-room", "低压配电室 一次系统图", "LV", (120.0, 68.0))
    b.text(2, 0, "低压配电室 0.4kV", 1.4)
    # 10 kV from the HV room: the incomer's breaker is drawn here too, so a trip there darkens this page
    grid = b.put("utility_source", 53, 0, "GRID", name="10kV 来自高压室")
    qf101 = b.breaker(54, 4, "QF101", "HV-IN", withdrawable=True)
    hv = b.busbar(7, 101, 12, "10kV母线")
    b.wire(grid, "a", qf101, "a")
    b.wire(qf101, "b", hv, "N47")
    b.link(58, 1, "hv-room", "高压室 →")
    b.link(70, 1, "overview", "← 总览")
    sections = ((1, 7, 4, 52, SECTION_1, 13), (2, 101, 56, 104, SECTION_2, 60))
    buses = {}
    for n, x, x0, x1, feeders, first in sections:
        qhv = b.breaker(x, 13, f"QF11{n}", f"T{n}-HV", withdrawable=True, labels=power(f"T{n}-HV"))
        t = transformer(b, x, 20, n)
        tcu(b, x + 5 if n == 1 else x - 13, 20, n)
        qlv = b.breaker(x, 27, f"QF40{n}", f"T{n}-LV-IN", withdrawable=True,
                        labels=(*power(f"T{n}-LV-IN"), ValueLabel(f"T{n}-LV-IN.Uab", ".0f", "V", (2.5, 2.4))))
        bus = buses[n] = b.busbar(x0, x1, 35, f"0.4kV {'Ⅰ' if n == 1 else 'Ⅱ'}段母线")
        b.wire(hv, f"S{x - 7}", qhv, "a")
        b.wire(qhv, "b", t, "hv")
        b.wire(t, "lv", qlv, "a")
        b.wire(qlv, "b", bus, f"N{x - x0}")
        for i, (dev, use) in enumerate(feeders):
            fx = first + i * PITCH
            name = f"QF{dev[1:]}"
            labels = power(dev, -1.0, 16.4) if dev != "F2-06" else (
                ValueLabel(f"{dev}.Ua", ".0f", "V", (-1.0, 16.4)),)  # EB10: per-circuit values only
            qf = b.breaker(fx, 36, name, dev, labels=labels)
            ct = b.put("ct", fx - 1, 41, f"TA{dev[1:]}")
            cable = b.put("cable_end", fx - 1, 44, f"W{dev[1:]}")
            load = b.put("load", fx - 1, 47, f"L{dev[1:]}", name=dev)
            b.wire(bus, f"S{fx - x0}", qf, "a")
            b.wire(qf, "b", ct, "a")
            b.wire(ct, "b", cable, "a")
            b.wire(cable, "b", load, "a")
            b.text(fx - 2, 51, use, 0.8)
    tie = b.breaker(52, 36, "QF445", "BUS-TIE", labels=(ValueLabel("BUS-TIE.Ia", ".0f", "A", (-1.0, 8.5)),))
    b.wire(buses[1], "S48", tie, "a")
    b.wire(tie, "b", buses[2], "S0", (52, 42), (56, 42))
    b.text(51, 43, "母联", 0.8)
    b.put("environment_sensor", 110, 14, "ENV-1", name="环境", device="ENV-1",
                labels=(ValueLabel("ENV-1.temp", ".1f", "°C", (2.5, 0.0)),
                        ValueLabel("ENV-1.humidity", ".0f", "%RH", (2.5, 1.2))))
    return b.d


BUILDERS = {"overview": overview, "hv-room": hv_room, "lv-room": lv_room}


def main() -> None:
    library = load_library()
    for diagram_id, build in BUILDERS.items():
        diagram = build(library)
        path = HERE / f"{diagram_id}.json"
        fileformat.save(diagram, path)
        print(f"{path.name}: {len(diagram.placed)} symbols, {len(diagram.wires)} wires")


if __name__ == "__main__":
    main()
