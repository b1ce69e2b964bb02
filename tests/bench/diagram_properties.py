"""Benchmark of the diagram editor's properties panel, binding checks, site picker and layer panel.

    python -m tests.bench.diagram_properties [--json tests/artifacts/bench/diagram_properties.json]

What a person feels while editing a 1,000-symbol plant (`tests.bench.diagram.build_plant`,
10 sections of 19 feeders) bound to a site whose points match its bindings: the first check of
every binding, a drag step of the whole selection (every symbol moves once; the panel, the
binding check and the layer panel follow the model), one binding edit pushed on the undo stack
and undone, the diagram's problems worded; and the site picker on the demo site (971 points):
opening it and narrowing it per keystroke.  Targets (the editor's feel, not the issue's list):
a drag step and an edit well within a 60 Hz frame (16 ms); a keystroke in the picker <= 50 ms.
Measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from app.config import load_site
from app.diagram.model import Diagram
from app.diagram.symbols import load_library
from app.sources.base import DeviceInfo, PointInfo, SiteModel
from app.sources.direct import DirectSource
from tests.bench.diagram import build_plant, timed
from widgets.topology.binding_check import BindingCheck
from widgets.topology.commands import EditItems
from widgets.topology.layers import LayerPanel
from widgets.topology.picker import SitePicker
from widgets.topology.properties import PropertiesPanel


def plant_site(diagram: Diagram) -> SiteModel:
    """A site whose points are exactly what the plant binds (all digital), one device per symbol."""
    points = sorted({pid for p in diagram.placed for pid in p.bindings.values()})
    return SiteModel("bench", "bench", "Asia/Shanghai", [], [],
                     [DeviceInfo(p.name, p.name, "meter", "G", None, "ok") for p in diagram.placed if p.name],
                     [PointInfo(pid, pid.split(".")[0], pid, pid, "", "digital") for pid in points])  # fmt: skip


def measure() -> dict[str, object]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    diagram = build_plant(load_library(), 10, 19)
    site = plant_site(diagram)

    def first_check() -> None:
        BindingCheck(diagram, site).detach()

    check_ms, _ = timed(first_check, repeat=5)
    everything = [p.uuid for p in diagram.placed]
    step = iter(range(10**9))

    def drag_step() -> None:
        dx = 1.0 if next(step) % 2 else -1.0
        for p in diagram.placed:
            diagram.move(p.uuid, (p.position[0] + dx, p.position[1]))

    model_ms, _ = timed(drag_step, repeat=11)  # before the panels follow the model
    stack = QUndoStack()
    panel = PropertiesPanel(diagram, stack, site)
    layers = LayerPanel(diagram, stack)
    panel.resize(460, 900)
    panel.show()
    layers.show()
    app.processEvents()
    panel.show_items(everything)
    layers.set_selection(everything)
    drag_all_ms, _ = timed(drag_step, repeat=11)
    breaker = next(p for p in diagram.placed if p.name == "QF-F1-1")
    panel.show_items([breaker.uuid])
    app.processEvents()
    drag_one_ms, _ = timed(drag_step, repeat=11)
    other = next(p for p in diagram.placed if p.name == "QF-F1-2").bindings["position"]

    def bind_and_undo() -> None:
        stack.push(EditItems(diagram, {breaker.uuid: {"bindings": {"position": other}}}))
        stack.undo()

    bind_ms, _ = timed(bind_and_undo, repeat=21)
    words_ms, found = timed(panel.problems, repeat=5)
    for w in (panel, layers):
        w.detach()

    with tempfile.TemporaryDirectory() as tmp:
        demo = DirectSource(load_site(), Path(tmp) / "h.sqlite").site()
    open_ms, dialog = timed(lambda: SitePicker(demo, "point", kinds={"analog"}, device="F1-01"), repeat=5)
    assert isinstance(dialog, SitePicker)
    dialog.show()
    typed = iter(["f", "f1", "f1-", "f1-0", "f1-01", "f1-01 ", "f1-01 c", "f1-01 cu", "f1-01 cur", ""] * 10)
    key_ms, _ = timed(lambda: dialog.filter(next(typed)), repeat=41)
    return {
        "symbols": len(diagram.placed), "site_points": len(site.points), "demo_points": len(demo.points),
        "problems": len(found),  # type: ignore[arg-type]
        "first_check_ms": check_ms, "drag_step_model_only_ms": model_ms, "drag_step_all_selected_ms": drag_all_ms,
        "drag_step_one_selected_ms": drag_one_ms, "bind_and_undo_ms": bind_ms, "problems_worded_ms": words_ms,
        "picker_open_ms": open_ms, "picker_keystroke_ms": key_ms,
    }


def report(r: dict[str, object]) -> None:
    rows = [
        ("diagram", f"{r['symbols']} symbols, {r['site_points']} bound points, {r['problems']} problems", ""),
        ("first binding check of every symbol", f"{r['first_check_ms']:.1f} ms", ""),
        ("drag step, model alone (1,000 moves)", f"{r['drag_step_model_only_ms']:.1f} ms", ""),
        ("drag step, 1,000 selected (1,000 moves)", f"{r['drag_step_all_selected_ms']:.1f} ms",
         "model + panels; the scene comes on top"),
        ("drag step, one selected (1,000 moves)", f"{r['drag_step_one_selected_ms']:.1f} ms", ""),
        ("bind a breaker + undo (two commands)", f"{r['bind_and_undo_ms']:.2f} ms", "<= 16 ms"),
        ("problems worded (status list)", f"{r['problems_worded_ms']:.2f} ms", ""),
        (f"picker opens ({r['demo_points']} points)", f"{r['picker_open_ms']:.1f} ms", ""),
        ("picker narrows per keystroke", f"{r['picker_keystroke_ms']:.1f} ms", "<= 50 ms"),
    ]  # fmt: skip
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'result':<40} target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<40} {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path("tests/artifacts/bench/diagram_properties.json")
    parser.add_argument("--json", type=Path, default=default, help="where to write results")
    args = parser.parse_args(argv)
    results = measure()
    report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
