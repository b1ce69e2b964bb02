"""The administrator's windows on the demo site: users (add, edit, disable, delete, the last
administrator kept) and the audit log (filters, newest first, export to Excel read back).

A real DirectSource behind a real SourceBridge; the console is driven through its dialogs.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from app.auth import BadCredentials
from app.config import load_site
from app.sources.direct import DirectSource
from widgets import settings
from widgets.auth.words import in_words
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

from .auth_console import ADMIN_PW, OPERATOR_PW, TZ, close, first_admin, shot, sign_in, sign_out


@pytest.fixture
def admin_console(qtbot, tmp_path):
    settings.use_file(tmp_path / "settings.ini")

    def factory() -> DirectSource:
        return DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=False)

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, TZ, sign_in=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    first_admin(qtbot, window)
    sign_in(qtbot, window, "admin", ADMIN_PW)
    yield window, bridge
    close(window, bridge)
    settings.use_file(None)


def answer(qtbot, users, button_text: str) -> None:
    """Click ``button_text`` in the confirmation the users window opened."""
    qtbot.waitUntil(lambda: users.confirm is not None)
    box = users.confirm
    button = next(b for b in box.buttons() if b.text() == button_text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def row_of(users, name: str) -> list[str]:
    row = next(r for r, u in enumerate(users.users) if u.name == name)
    return [users.table.item(row, c).text() for c in range(users.table.columnCount())]


def test_users_add_edit_disable_delete_and_the_last_administrator(qtbot, admin_console):
    window, _bridge = admin_console
    users = window.access.open_users()
    qtbot.waitUntil(lambda: [u.name for u in users.users] == ["admin"], timeout=10_000)
    users.select("admin")
    assert not users.delete_button.isEnabled() and not users.enable_button.isEnabled()  # not oneself

    # Add: a weak password is refused while typed; rooms come from the site as checkboxes.
    editor = users.add()
    assert set(editor.room_boxes) == {r.id for r in window.bridge.site().rooms}
    editor.name.setText("wang")
    editor.display_name.setText("王工")
    editor.role.setCurrentIndex(editor.role.findData("operator"))
    editor.fields.password.setText("wang12345")
    editor.fields.repeat.setText("wang12345")
    assert not editor.ok.isEnabled() and editor.fields.problems.text()
    editor.fields.password.setText(OPERATOR_PW)
    editor.fields.repeat.setText(OPERATOR_PW)
    room = next(iter(editor.room_boxes))
    editor.room_boxes[room].setChecked(True)
    shot(editor, "auth_user_edit")
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(u.name == "wang" for u in users.users), timeout=20_000)
    wang = next(u for u in users.users if u.name == "wang")
    assert wang.rooms == (room,) and row_of(users, "wang")[2] == "operator" and row_of(users, "wang")[4] == "yes"

    # A taken name is refused in words, in the dialog.
    editor = users.add()
    editor.name.setText("WANG")
    editor.fields.password.setText(OPERATOR_PW + "x")
    editor.fields.repeat.setText(OPERATOR_PW + "x")
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.message.isVisible, timeout=20_000)
    assert "wang" in editor.message.text().lower()
    editor.reject()

    # Edit: display name, role, every room again.
    users.select("wang")
    editor = users.edit()
    assert not editor.name.isEnabled() and editor.room_boxes[room].isChecked()
    editor.display_name.setText("王师傅")
    editor.role.setCurrentIndex(editor.role.findData("engineer"))
    editor.room_boxes[room].setChecked(False)
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_of(users, "wang")[1] == "王师傅", timeout=20_000)
    assert row_of(users, "wang")[2] == "engineer" and row_of(users, "wang")[3] == "All rooms"

    # Disable asks first; "Cancel" changes nothing, "Disable" does.
    users.select("wang")
    users.toggle_enabled()
    answer(qtbot, users, "Cancel")
    qtbot.wait(200)
    assert row_of(users, "wang")[4] == "yes"
    users.select("wang")
    box = users.toggle_enabled()
    assert isinstance(box, QMessageBox) and "wang" in box.text()
    answer(qtbot, users, "Disable")
    qtbot.waitUntil(lambda: row_of(users, "wang")[4] == "no", timeout=20_000)
    shot(users, "auth_users")
    users.select("wang")
    assert users.enable_button.text() == "Enable"
    users.toggle_enabled()  # enabling needs no question
    qtbot.waitUntil(lambda: row_of(users, "wang")[4] == "yes", timeout=20_000)

    # The last administrator cannot become an operator: the source's words are shown.
    users.select("admin")
    editor = users.edit()
    editor.role.setCurrentIndex(editor.role.findData("operator"))
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.message.isVisible, timeout=20_000)
    assert "administrator" in editor.message.text()
    editor.reject()

    # Delete asks, saying it cannot be undone.
    users.select("wang")
    box = users.delete()
    assert "cannot be undone" in box.text()
    answer(qtbot, users, "Delete")
    qtbot.waitUntil(lambda: [u.name for u in users.users] == ["admin"], timeout=20_000)
    assert "deleted" in users.status.text()


def test_change_password_then_sign_in_with_it(qtbot, admin_console):
    window, _bridge = admin_console
    new = "N3w-Control-Room"
    dialog = window.access.change_password()
    dialog.old.setText("not-the-old-one-1")
    dialog.fields.password.setText(new)
    dialog.fields.repeat.setText(new)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.message.isVisible, timeout=20_000)
    assert dialog.message.text() == in_words(BadCredentials())
    dialog.old.setText(ADMIN_PW)
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    sign_out(qtbot, window)
    sign_in(qtbot, window, "admin", new)


def test_audit_view_lists_the_login_filters_and_exports(qtbot, admin_console, tmp_path):
    window, _bridge = admin_console
    sign_out(qtbot, window)
    form = window.access.dialog.form
    form.name.setText("admin")
    form.password.setText("not-the-password-2")
    form.submit()
    qtbot.waitUntil(lambda: form.message.isVisible() and not form.busy, timeout=20_000)
    sign_in(qtbot, window, "admin", ADMIN_PW)
    audit = window.access.open_audit()
    qtbot.waitUntil(lambda: len(audit.entries) >= 5, timeout=10_000)
    actions = [e.action for e in audit.entries]
    assert {"login", "logout", "user_create", "login_failed"} <= set(actions)
    assert [e.ts for e in audit.entries] == sorted((e.ts for e in audit.entries), reverse=True)  # newest first
    assert audit.table.item(0, 1).text() == "admin" and audit.table.item(0, 2).text() == "log in"
    shot(audit, "auth_audit")

    # Only logins of admin.
    audit.user.setText("admin")
    with qtbot.waitSignal(audit.loaded, timeout=10_000):
        audit.action.setCurrentIndex(audit.action.findData("login"))
    assert audit.entries and {e.action for e in audit.entries} == {"login"}
    assert {e.user for e in audit.entries} == {"admin"}

    path = tmp_path / "audit.xlsx"
    with qtbot.waitSignal(audit.exported, timeout=20_000) as done:
        audit.export(str(path))
    assert done.args == [str(path), ""] and "Exported" in audit.status.text()
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[8]]
    assert header[:3] == ["Time", "User", "Action"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=9)]
    assert len(rows) == len(audit.entries)
    assert all(r[1] == "admin" and r[2] == "log in" for r in rows)
    assert sheet["B2"].value == window.bridge.site().name_en or sheet["B2"].value == window.bridge.site().name


def test_an_operator_sees_no_audit_and_no_users(qtbot, admin_console):
    window, _bridge = admin_console
    users = window.access.open_users()
    qtbot.waitUntil(lambda: bool(users.users), timeout=10_000)
    editor = users.add()
    editor.name.setText("wang")
    editor.role.setCurrentIndex(editor.role.findData("operator"))
    editor.fields.password.setText(OPERATOR_PW)
    editor.fields.repeat.setText(OPERATOR_PW)
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(u.name == "wang" for u in users.users), timeout=20_000)
    users.close()
    audit = window.access.open_audit()
    sign_out(qtbot, window)
    qtbot.waitUntil(lambda: not isValid(audit))  # signing out closes the administrator's windows
    assert window.access.windows == []
    sign_in(qtbot, window, "wang", OPERATOR_PW)
    assert not window.access.users_action.isEnabled() and not window.access.audit_action.isEnabled()
    assert window.access.open_audit() is None and window.access.open_users() is None


def test_lockout_is_said_at_login_and_an_administrator_unlocks(qtbot, admin_console):
    from app.auth.users import MAX_FAILURES

    window, _bridge = admin_console
    users = window.access.open_users()
    qtbot.waitUntil(lambda: bool(users.users), timeout=10_000)
    editor = users.add()
    editor.name.setText("wang")
    editor.role.setCurrentIndex(editor.role.findData("operator"))
    editor.fields.password.setText(OPERATOR_PW)
    editor.fields.repeat.setText(OPERATOR_PW)
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(u.name == "wang" for u in users.users), timeout=20_000)
    users.close()
    sign_out(qtbot, window)
    form = window.access.dialog.form
    for attempt in range(MAX_FAILURES + 1):
        form.name.setText("wang")
        form.password.setText(f"guess-{attempt}-wrong")
        form.submit()
        qtbot.waitUntil(lambda: not form.busy, timeout=20_000)
    # Locked: even the right password is refused, with the lockout's words.
    form.password.setText(OPERATOR_PW)
    form.submit()
    qtbot.waitUntil(lambda: not form.busy, timeout=20_000)
    assert window.access.login is None
    assert form.message.text().startswith(("too many failed logins", "登录失败次数过多"))

    sign_in(qtbot, window, "admin", ADMIN_PW)
    users = window.access.open_users()
    qtbot.waitUntil(lambda: any(u.name == "wang" for u in users.users), timeout=10_000)
    assert row_of(users, "wang")[5].startswith("until ")
    users.select("wang")
    editor = users.edit()
    assert editor.unlock.isVisible()
    editor.unlock.setChecked(True)
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_of(users, "wang")[5] == "", timeout=20_000)
    users.close()
    sign_out(qtbot, window)
    sign_in(qtbot, window, "wang", OPERATOR_PW)
