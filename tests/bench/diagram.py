"""Benchmark of the Qt-free diagram core against the issue's targets (measured here, never asserted in tests).

    python -m tests.bench.diagram [--json bench-diagram.json] [--sections 10] [--feeders 19]

Targets: open a 1,000-symbol diagram (parse + validate against the library) <= 1 s (the Qt
scene comes on top of this); energisation recompute for 1,000 elements <= 10 ms.

The diagram is a realistic plant scaled up (`build_plant`): a 10 kV utility incomer on a
10 kV busbar, per LV section a withdrawable HV breaker, a 10/0.4 kV transformer with its
temperature controller, an LV incomer breaker, an LV busbar and a bus tie to the next
section; per feeder a breaker, a CT, a cable end, a load and an earthing switch.  The unit
tests use the same builder with a few feeders.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.diagram import fileformat
from app.diagram.energise import Network
from app.diagram.model import Diagram, PlacedSymbol, WireEnd
from app.diagram.symbols import SymbolLibrary, load_library


def build_plant(library: SymbolLibrary, sections: int = 2, feeders: int = 3) -> Diagram:
    """A distribution room: utility -> 10 kV bus -> per section transformer -> LV bus -> feeders.

    Placed symbols are named like the plant (``QF-HV1``, ``T1``, ``LV1``, ``QF-F1-2``, ``ES-F1-2``,
    ``TIE1`` between LV1 and LV2) and switches bind ``<name>.pos`` (withdrawable breakers also
    ``<name>.truck``), so tests address them by name via `by_name`.
    """
    d = Diagram("bench", "配电房", "R1", (40.0 * sections + 20, 60.0))
    hv_len = 6 * sections + 4

    def put(symbol: str, x: float, y: float, name: str, **fields: object) -> PlacedSymbol:
        sym = library[symbol]
        if sym.kind in ("breaker", "load_break_switch", "disconnector", "earthing_switch"):
            bindings = {"position": f"{name}.pos"}
            if sym.state_binding("withdrawn"):
                bindings["withdrawn"] = f"{name}.truck"
            fields.setdefault("bindings", bindings)
        return d.place(sym, (x, y), name=name, **fields)  # type: ignore[arg-type]

    def wire(a: PlacedSymbol, ta: str, b: PlacedSymbol, tb: str) -> None:
        d.connect(WireEnd(a.uuid, ta), WireEnd(b.uuid, tb))

    grid = put("utility_source", 2, 0, "GRID")
    qf0 = put("breaker_withdrawable", 2, 4, "QF0")
    hv = put("busbar", 1, 11, "HV", length=hv_len)
    wire(grid, "a", qf0, "a")
    wire(qf0, "b", hv, "N2")
    lv_buses: list[PlacedSymbol] = []
    lv_len = 4 * feeders + 4
    for s in range(1, sections + 1):
        x0 = (s - 1) * (lv_len + 6) + 2
        hx = 6 * s
        qhv = put("breaker_withdrawable", hx - 1, 12, f"QF-HV{s}")
        t = put("transformer_2w", hx - 1, 19, f"T{s}")
        put("temperature_controller", hx + 2, 20, f"TC{s}", device=f"TC{s}")
        qlv = put("breaker_fixed", hx - 1, 25, f"QF-LV{s}")
        lv = put("busbar", x0, 30, f"LV{s}", length=lv_len)
        wire(hv, f"S{hx}", qhv, "a")
        wire(qhv, "b", t, "hv")
        wire(t, "lv", qlv, "a")
        wire(qlv, "b", lv, "N2")
        for f in range(1, feeders + 1):
            fx = x0 + 4 * f - 1
            qf = put("breaker_fixed", fx, 31, f"QF-F{s}-{f}")
            ct = put("ct", fx, 35, f"CT-F{s}-{f}")
            cable = put("cable_end", fx, 37, f"W-F{s}-{f}")
            es = put("earthing_switch", fx + 1, 39, f"ES-F{s}-{f}")
            load = put("load", fx, 40, f"L-F{s}-{f}")
            wire(lv, f"S{4 * f}", qf, "a")
            wire(qf, "b", ct, "a")
            wire(ct, "b", cable, "a")
            wire(cable, "b", load, "a")
            wire(cable, "b", es, "a")
        if lv_buses:
            tie = put("breaker_fixed", x0 - 4, 31, f"TIE{s - 1}")
            wire(lv_buses[-1], f"S{lv_len}", tie, "a")
            wire(tie, "b", lv, "S0")
        lv_buses.append(lv)
    return d


def by_name(diagram: Diagram) -> dict[str, PlacedSymbol]:
    """Placed symbols by their plant name."""
    return {p.name: p for p in diagram.placed}


def normal_values(diagram: Diagram) -> dict[str, float]:
    """Normal operation: every breaker closed and racked in, bus ties and earthing switches open."""
    values: dict[str, float] = {}
    for p in diagram.placed:
        for key, point in p.bindings.items():
            if key == "withdrawn":
                values[point] = 0
            elif key == "position":
                values[point] = 0 if p.name.startswith(("TIE", "ES-")) else 1
    return values


def timed(fn: Callable[[], object], repeat: int = 7) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` runs (after one warm-up run) and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def measure(sections: int, feeders: int) -> dict[str, object]:
    library = load_library()
    library_ms, _ = timed(load_library)
    diagram = build_plant(library, sections, feeders)
    text = fileformat.dumps(diagram)
    parse_ms, _ = timed(lambda: fileformat.parse(text))
    load_ms, loaded = timed(lambda: fileformat.loads(text, library))
    assert isinstance(loaded, Diagram)
    save_ms, _ = timed(lambda: fileformat.dumps(loaded))
    network_ms, network = timed(lambda: Network(loaded))
    assert isinstance(network, Network)
    values = normal_values(loaded)
    trace_ms, _ = timed(lambda: network.trace(values), repeat=51)
    # A trip: each recompute flips one feeder breaker, as the runtime does on a state change.
    feeders_pos = [p for p in values if p.startswith("QF-F")]
    flips = iter(range(10**9))

    def trip() -> object:
        point = feeders_pos[next(flips) % len(feeders_pos)]
        values[point] = 1 - values[point]
        return network.trace(values)

    trip_ms, _ = timed(trip, repeat=51)
    return {
        "symbols": len(loaded.placed), "wires": len(loaded.wires), "elements": len(loaded.items),
        "switches": len(network.switches), "nodes": network.nodes, "file_bytes": len(text.encode()),
        "library_load_ms": library_ms, "parse_ms": parse_ms, "parse_validate_ms": load_ms, "save_ms": save_ms,
        "network_build_ms": network_ms, "trace_ms": trace_ms, "trace_after_trip_ms": trip_ms,
    }


def report(r: dict[str, object]) -> None:
    rows = [
        ("diagram", f"{r['symbols']} symbols, {r['wires']} wires, {r['switches']} switches, "
                    f"{r['file_bytes']:,} bytes", ""),
        ("symbol library load (23 files)", f"{r['library_load_ms']:.1f} ms", ""),
        ("open: parse (stage 1)", f"{r['parse_ms']:.1f} ms", ""),
        ("open: parse + validate (both stages)", f"{r['parse_validate_ms']:.1f} ms", "<= 1 s (before the Qt scene)"),
        ("save (dumps)", f"{r['save_ms']:.1f} ms", ""),
        ("connectivity build (once per diagram)", f"{r['network_build_ms']:.2f} ms", ""),
        ("energisation recompute", f"{r['trace_ms']:.2f} ms", "<= 10 ms"),
        ("energisation recompute after a trip", f"{r['trace_after_trip_ms']:.2f} ms", "<= 10 ms"),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'result':<52} target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<52} {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=Path("bench-diagram.json"), help="where to write results")
    parser.add_argument("--sections", type=int, default=10, help="LV sections (transformers)")
    parser.add_argument("--feeders", type=int, default=19, help="feeders per LV section")
    args = parser.parse_args(argv)
    results = measure(args.sections, args.feeders)
    report(results)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
