"""Saving a diagram: checked like opening, atomic, revisions kept, a concurrent save refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.diagram import drawings
from app.diagram.drawings import DrawingConflict, revision_of, save_drawing
from app.diagram.fileformat import DiagramFileError, dumps, load
from app.diagram.symbols import load_library

DEMO = Path(__file__).resolve().parents[2] / "resources" / "diagrams" / "lv-room.json"


@pytest.fixture
def library():
    return load_library()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    path = tmp_path / "lv-room.json"
    path.write_text(DEMO.read_text("utf-8"), "utf-8")
    return path


def bumped(path: Path, library, name: str = "renamed") -> str:
    diagram = load(path, library)
    diagram.name = name
    diagram.version += 1
    return dumps(diagram)


def test_a_save_writes_the_new_revision_and_keeps_the_old_one(copy, library):
    before = copy.read_text("utf-8")
    old = revision_of(before)
    assert old is not None
    assert save_drawing(copy, bumped(copy, library), library, "lv-room", old) == old + 1
    assert load(copy, library).name == "renamed"
    kept = copy.parent / ".revisions" / f"lv-room.r{old}.json"
    assert kept.read_text("utf-8") == before
    assert not list(copy.parent.glob(".*.saving"))


def test_a_drawing_that_would_not_open_is_never_written(copy, library):
    before = copy.read_text("utf-8")
    data = json.loads(before)
    data["wires"][0]["to"]["terminal"] = "nowhere"
    with pytest.raises(DiagramFileError) as err:
        save_drawing(copy, json.dumps(data), library, "lv-room", revision_of(before))
    assert "nowhere" in str(err.value)
    assert copy.read_text("utf-8") == before


def test_a_save_over_someone_elses_newer_revision_is_refused(copy, library):
    base = revision_of(copy.read_text("utf-8"))
    mine = bumped(copy, library, "mine")
    save_drawing(copy, bumped(copy, library, "theirs"), library, "lv-room", base)  # another engineer first
    with pytest.raises(DrawingConflict, match="someone else"):
        save_drawing(copy, mine, library, "lv-room", base)
    assert load(copy, library).name == "theirs"


def test_the_wrong_diagram_id_is_refused(copy, library):
    with pytest.raises(ValueError, match="not 'hv-room'"):
        save_drawing(copy, copy.read_text("utf-8"), library, "hv-room", None)


def test_only_the_newest_revisions_are_kept(copy, library, monkeypatch):
    monkeypatch.setattr(drawings, "KEEP", 3)
    for n in range(6):
        base = revision_of(copy.read_text("utf-8"))
        save_drawing(copy, bumped(copy, library, f"n{n}"), library, "lv-room", base)
    assert len(list((copy.parent / ".revisions").glob("lv-room.r*.json"))) == 3


def test_a_folder_that_cannot_be_written_says_where_and_why(copy, library, tmp_path):
    gone = tmp_path / "removed-share" / "lv-room.json"  # the drawings folder is not there (unplugged share)
    with pytest.raises(OSError, match=r"cannot be saved to .*removed-share"):
        save_drawing(gone, bumped(copy, library), library, "lv-room", None)
