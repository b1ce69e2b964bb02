"""Saving a diagram file safely: checked first, written atomically, revisions kept, conflicts refused.

A single-line diagram is a controlled drawing (the plant's 一次系统图): a save must never leave
a half-written file, must never silently overwrite another engineer's save, and must leave the
previous revisions recoverable.  So a save (1) loads the new text through the same two-stage
check as opening it (a file that cannot be opened is never written), (2) refuses when the file
on disk is no longer the revision the editor started from (`DrawingConflict`), (3) writes a
temporary file, flushes it to disk and renames it over the old one, and (4) keeps the replaced
file in ``<folder>/.revisions/<id>.r<revision>.json`` (the newest `KEEP` of them).
Qt-free: the direct source calls it off its loop; the cloud server will call it for its API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from app.diagram.fileformat import loads
from app.diagram.symbols import Symbol

#: How many replaced revisions of each diagram are kept beside it.
KEEP = 20


class DrawingConflict(RuntimeError):
    """The file changed on disk since the editor opened it (another engineer saved meanwhile)."""


def revision_of(text: str) -> int | None:
    """The drawing revision (``diagram.version``) a file's text states, or None when unreadable."""
    try:
        data = json.loads(text)
        revision = data["diagram"]["version"]
    except (ValueError, KeyError, TypeError):
        return None
    return revision if isinstance(revision, int) and not isinstance(revision, bool) else None


def save_drawing(path: Path, text: str, library: Mapping[str, Symbol], diagram_id: str,
                 base_revision: int | None) -> int:
    """Write ``text`` as diagram ``diagram_id`` to ``path``; returns the revision written.

    ``base_revision`` is the revision the editor loaded (None: do not check, a new file).
    Raises `DiagramFileError` for a text that would not open, `DrawingConflict` when the file
    on disk moved on, `OSError` (with the path and reason) when it cannot be written.
    """
    diagram = loads(text, library, source=diagram_id)  # the same check as opening: never write what cannot be read
    if diagram.id != diagram_id:
        raise ValueError(f"the drawing says it is diagram {diagram.id!r}, not {diagram_id!r}")
    old_text: str | None = None
    if path.exists():
        old_text = path.read_text("utf-8")
        on_disk = revision_of(old_text)
        if base_revision is not None and on_disk is not None and on_disk != base_revision:
            raise DrawingConflict(
                f"diagram {diagram_id!r} was saved by someone else meanwhile (revision {on_disk} on disk, "
                f"you started from revision {base_revision}); save your drawing as a copy and merge by hand")
    tmp = path.with_name(f".{path.name}.saving")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if old_text is not None:
            _keep_revision(path, diagram_id, old_text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OSError(f"the diagram {diagram_id!r} cannot be saved to {path}: {exc.strerror or exc}") from exc
    return diagram.version


def _keep_revision(path: Path, diagram_id: str, old_text: str) -> None:
    folder = path.parent / ".revisions"
    folder.mkdir(exist_ok=True)
    revision = revision_of(old_text)
    name = f"{diagram_id}.r{revision if revision is not None else 'unknown'}.json"
    (folder / name).write_text(old_text, "utf-8")
    kept = sorted(folder.glob(f"{diagram_id}.r*.json"), key=lambda p: p.stat().st_mtime)
    for stale in kept[:-KEEP]:
        stale.unlink(missing_ok=True)
