"""Benchmark of the diagram editor's canvas on a 1,000-symbol plant (measured here, never asserted in tests).

    python -m tests.bench.diagram_editor [--json tests/artifacts/bench/diagram_editor.json]

What an engineer feels: opening the drawing in the editor (scene built, first paint), one
step of a drag (the model moves, the scene and the wires follow, the view repaints), a drag of
a whole section, select-all, copy and paste of a section, undo of that paste, and the minimap
keeping in step.  The plant is `tests.bench.diagram.build_plant` (10 sections x 19 feeders).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF  # after the platform is chosen
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from app.diagram.symbols import load_library
from tests.bench.diagram import build_plant
from widgets.topology.canvas import EditorCanvas
from widgets.topology.minimap import Minimap
from widgets.topology.painting import GRID

OUT = Path(__file__).resolve().parents[1] / "artifacts" / "bench" / "diagram_editor.json"


def ms(fn: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time in ms over ``repeat`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def measure(sections: int, feeders: int) -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    library = load_library()
    diagram = build_plant(library, sections, feeders)
    stack = QUndoStack()
    made: list[EditorCanvas] = []

    def open_canvas() -> None:
        if made:
            made.pop().detach()
        canvas = EditorCanvas(diagram, stack, library)
        canvas.resize(1400, 800)
        canvas.show()
        canvas.fit()
        canvas.viewport().repaint()
        made.append(canvas)

    open_ms = ms(open_canvas, repeat=3)
    canvas = made[0]
    canvas.zoom(3.0)
    canvas.centerOn(QPointF(40 * GRID, 35 * GRID))
    minimap = Minimap(canvas)
    minimap.resize(300, 200)
    minimap.show()
    app.processEvents()

    feeder = next(p for p in diagram.placed if p.name == "QF-F1-2")
    steps = iter(range(10**9))

    def drag_step() -> None:  # what one mouse move of a drag costs: model move, scene follows, Qt repaints
        n = next(steps)
        x, y = feeder.position
        diagram.move(feeder.uuid, (x + n % 2, y))
        app.processEvents()

    drag_ms = ms(drag_step, repeat=21)
    repaint_ms = ms(canvas.viewport().repaint, repeat=11)
    minimap_ms = ms(minimap.take_picture, repeat=5)
    section = [p.uuid for p in diagram.placed if p.name.endswith(("F1-1", "F1-2", "F1-3", "F1-4", "F1-5"))
               or p.name.startswith("LV1")]  # fmt: skip

    def drag_section_step() -> None:
        n = next(steps)
        for u in section:
            x, y = diagram.items[u].position  # type: ignore[union-attr]
            diagram.move(u, (x + (1 if n % 2 else -1), y))
        app.processEvents()

    section_ms = ms(drag_section_step, repeat=21)
    select_all_ms = ms(lambda: (canvas.select([]), canvas.select_all()), repeat=5)
    canvas.select(section)
    canvas.copy_selected()

    def paste_and_undo() -> None:
        canvas.paste()
        stack.undo()

    paste_undo_ms = ms(paste_and_undo, repeat=5)
    return {
        "symbols": len(diagram.placed), "wires": len(diagram.wires), "section_items": len(section),
        "open_ms": open_ms, "drag_step_ms": drag_ms, "full_repaint_ms": repaint_ms,
        "minimap_picture_ms": minimap_ms, "drag_section_step_ms": section_ms,
        "select_all_ms": select_all_ms, "paste_and_undo_section_ms": paste_undo_ms,
    }


def report(r: dict[str, object]) -> None:
    rows = [
        ("diagram", f"{r['symbols']} symbols, {r['wires']} wires", ""),
        ("open in the editor (scene, fit, first paint)", f"{r['open_ms']:.0f} ms", "<= 1 s"),
        ("one drag step, one symbol (model, wires, repaint)", f"{r['drag_step_ms']:.1f} ms", "<= 16 ms (60 Hz)"),
        ("full canvas repaint at 300 % (1400 x 800)", f"{r['full_repaint_ms']:.1f} ms", ""),
        ("minimap picture (taken when the drawing settles)", f"{r['minimap_picture_ms']:.1f} ms", ""),
        (f"one drag step, {r['section_items']} symbols", f"{r['drag_section_step_ms']:.1f} ms", "<= 33 ms"),
        ("select all", f"{r['select_all_ms']:.1f} ms", ""),
        ("paste a section and undo it", f"{r['paste_and_undo_section_ms']:.1f} ms", ""),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'result':<34} target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<34} {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=OUT, help="where to write results")
    parser.add_argument("--sections", type=int, default=10, help="LV sections (transformers)")
    parser.add_argument("--feeders", type=int, default=19, help="feeders per LV section")
    args = parser.parse_args(argv)
    results = measure(args.sections, args.feeders)
    report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
