"""Autosave slots: what was written comes back after a 'crash'; a discarded slot is empty; damage is kept aside."""

from __future__ import annotations

from app.diagram.recovery import RecoveryFile


def test_an_autosave_survives_the_session_and_is_gone_after_save(tmp_path):
    slot = RecoveryFile(tmp_path / "autosave", "演示 site", "lv-room")
    assert slot.read() is None
    slot.write('{"drawing": 1}', 3)
    slot.write('{"drawing": 2}', 3)  # a later autosave replaces the earlier one
    again = RecoveryFile(tmp_path / "autosave", "演示 site", "lv-room").read()  # a new session
    assert again is not None and again.text == '{"drawing": 2}' and again.base_revision == 3
    assert again.saved_at > 0
    assert not list((tmp_path / "autosave").glob("*.tmp"))
    slot.discard()
    assert slot.read() is None


def test_slots_of_different_diagrams_and_sites_do_not_mix(tmp_path):
    a, b = RecoveryFile(tmp_path, "s1", "lv-room"), RecoveryFile(tmp_path, "s2", "lv-room")
    a.write("a", None)
    assert b.read() is None and a.read().text == "a"


def test_a_damaged_autosave_is_set_aside_not_deleted(tmp_path):
    slot = RecoveryFile(tmp_path, "s", "d")
    slot.path.write_text("{half a fi", "utf-8")
    assert slot.read() is None
    assert slot.path.with_name(slot.path.name + ".damaged").read_text("utf-8") == "{half a fi"
