"""Autosave and crash recovery of a diagram being edited.

An engineer drawing a room for an hour must not lose it to a crash, a power cut or a killed
console.  While the drawing has unsaved changes the editor hands its text here every so often;
the text goes to ``<data dir>/autosave/<site>--<diagram>.json`` (written to a temporary file,
flushed, renamed: a crash mid-write leaves the previous autosave).  The file is removed when the
drawing is saved or its changes are deliberately discarded, so finding one when an editor opens
means the last session ended without either: the editor offers to restore it.  Qt-free.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Recovered:
    """An autosaved drawing found on opening: its text, the revision it was based on, when."""

    text: str
    base_revision: int | None
    saved_at: float  # seconds since the epoch


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "_"


class RecoveryFile:
    """The autosave slot of one diagram of one site."""

    def __init__(self, folder: Path, site: str, diagram_id: str) -> None:
        self.path = folder / f"{_safe(site)}--{_safe(diagram_id)}.json"

    def write(self, text: str, base_revision: int | None) -> None:
        """Keep ``text`` (the unsaved drawing); raises OSError with the path when it cannot."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        envelope = json.dumps({"base_revision": base_revision, "saved_at": time.time(), "drawing": text},
                              ensure_ascii=False)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(envelope)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def read(self) -> Recovered | None:
        """The autosaved drawing, or None when there is none (or it is unreadable: then it is set aside
        as ``*.damaged`` rather than deleted, and None is returned)."""
        try:
            raw = self.path.read_text("utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw)
            text, base, when = data["drawing"], data.get("base_revision"), float(data["saved_at"])
            if not isinstance(text, str) or not (base is None or isinstance(base, int)):
                raise TypeError("wrong types")
        except (ValueError, KeyError, TypeError):
            os.replace(self.path, self.path.with_name(self.path.name + ".damaged"))
            return None
        return Recovered(text, base, when)

    def discard(self) -> None:
        """The drawing was saved or its changes were thrown away on purpose: nothing to recover."""
        self.path.unlink(missing_ok=True)
