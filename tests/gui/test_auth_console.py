"""The console with logins on the demo site: first start, sign in, what each role may do, the lock.

A real DirectSource (its users in a SQLite file of the test) behind a real SourceBridge; every
step is done as a person does it, through the dialogs and menus, and the source's own answers
(wrong password, the audit rows) are what is checked.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from shiboken6 import isValid

from app.auth import BadCredentials, Sessions, password_problems
from app.config import load_site
from app.model import Sample
from app.sources.direct import DirectSource
from widgets import settings
from widgets.alarms.dialogs import AckDialog
from widgets.alarms.operator import operator_name
from widgets.auth.login import LoginDialog
from widgets.auth.words import in_words, reasons_words
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow
from widgets.topology.editor import DiagramEditor

from .auth_console import ADMIN_PW, ENGINEER_PW, OPERATOR_PW, TZ, close, first_admin, shot, sign_in, sign_out


@pytest.fixture
def console(qtbot, tmp_path):
    settings.use_file(tmp_path / "settings.ini")
    made: list[DirectSource] = []

    def factory() -> DirectSource:
        source = DirectSource(load_site(), tmp_path / "h.sqlite", listen=("127.0.0.1", 0), simulate=False)
        made.append(source)
        return source

    bridge = SourceBridge(factory)
    window = MainWindow(bridge, TZ, sign_in=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    with qtbot.waitSignal(bridge.started, timeout=30_000):
        bridge.start()
    yield window, bridge, made
    close(window, bridge)
    settings.use_file(None)


def add_user(qtbot, window: MainWindow, name: str, role: str, password: str, display: str = "") -> None:
    """Tools > Users… > Add… as the administrator."""
    users = window.access.open_users()
    qtbot.waitUntil(lambda: bool(users.users), timeout=10_000)
    editor = users.add()
    editor.name.setText(name)
    editor.display_name.setText(display)
    editor.role.setCurrentIndex(editor.role.findData(role))
    editor.fields.password.setText(password)
    editor.fields.repeat.setText(password)
    assert editor.ok.isEnabled()
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(u.name == name for u in users.users), timeout=20_000)
    users.close()


def raise_smoke(qtbot, window: MainWindow, bridge: SourceBridge) -> int:
    """A smoke detector trips (a sample through the source's real alarm engine); the alarm's id."""
    bridge.request(lambda s: s._on_samples([Sample("ENV-1.smoke", int(time.time() * 1000), 1.0)]), lambda _r: None)
    qtbot.waitUntil(lambda: any(a.point == "ENV-1.smoke" and a.state.needs_ack
                                for a in window.alarms.active.alarms.values()), timeout=10_000)
    return next(a.id for a in window.alarms.active.alarms.values() if a.point == "ENV-1.smoke")


def test_first_start_login_and_what_each_role_may_do(qtbot, console, tmp_path):
    window, bridge, _made = console
    access = window.access
    # Before anyone signs in the operating controls are greyed and the status bar says so.
    assert window.user_label.text() == "Not logged in"
    assert not access.users_action.isEnabled() and not access.audit_action.isEnabled()
    assert not window.diagrams.edit_button.isEnabled()
    assert operator_name() == ""  # nobody to write into the journal yet

    # First start: the console asks for the first administrator; the policy speaks while typing.
    from widgets.auth.login import FirstAdminDialog
    qtbot.waitUntil(lambda: isinstance(access.dialog, FirstAdminDialog), timeout=20_000)
    dialog = access.dialog
    qtbot.keyClicks(dialog.name, "admin")
    dialog.display_name.setText("李明")
    qtbot.keyClicks(dialog.fields.password, "admin1")
    assert dialog.fields.problems.text() == reasons_words(password_problems("admin1", "admin"))
    assert "10" in dialog.fields.problems.text() and not dialog.ok.isEnabled()
    shot(dialog, "auth_first_admin")
    dialog.fields.password.clear()
    qtbot.keyClicks(dialog.fields.password, ADMIN_PW)
    qtbot.keyClicks(dialog.fields.repeat, ADMIN_PW[:-1])
    assert not dialog.ok.isEnabled() and dialog.fields.problems.text()  # the two differ
    qtbot.keyClicks(dialog.fields.repeat, ADMIN_PW[-1])
    assert dialog.ok.isEnabled() and dialog.fields.problems.text() == ""
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    # Then the login, with the new name filled in: a wrong password is refused in words.
    qtbot.waitUntil(lambda: isinstance(access.dialog, LoginDialog), timeout=20_000)
    login = access.dialog
    assert login.form.name.text() == "admin"
    qtbot.keyClicks(login.form.password, "not-the-password-1")
    qtbot.keyClick(login.form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: login.form.message.isVisible() and not login.form.busy, timeout=20_000)
    assert login.form.message.text() == in_words(BadCredentials())
    assert access.login is None and login.form.password.text() == ""
    shot(login, "auth_login")
    qtbot.keyClicks(login.form.password, ADMIN_PW)
    qtbot.keyClick(login.form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: access.login is not None, timeout=20_000)
    assert window.user_label.text() == "李明 (administrator)"
    assert access.users_action.isEnabled() and access.audit_action.isEnabled()
    assert operator_name() == "admin"

    add_user(qtbot, window, "wang", "operator", OPERATOR_PW, "王工")
    add_user(qtbot, window, "zhao", "engineer", ENGINEER_PW, "赵工")

    # An operator acknowledges alarms, but neither manages users nor edits limits or diagrams.
    sign_out(qtbot, window)
    assert window.user_label.text() == "Not logged in" and not access.users_action.isEnabled()
    sign_in(qtbot, window, "wang", OPERATOR_PW)
    assert window.user_label.text() == "王工 (operator)"
    assert not access.users_action.isEnabled() and not access.audit_action.isEnabled()
    assert access.open_users() is None
    assert not window.diagrams.edit_button.isEnabled()
    limits = window.edit_limits("T1-TCU.TA")
    qtbot.waitUntil(lambda: limits.origin.text() != "" and limits.buttons.isEnabled(), timeout=10_000)
    from PySide6.QtWidgets import QDialogButtonBox
    assert not limits.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert not limits.revert.isEnabled()
    limits.close()
    alarm_id = raise_smoke(qtbot, window, bridge)
    alarm_list = window.alarm_list
    row = next(r for r, a in enumerate(alarm_list.active_model.rows) if a.id == alarm_id)
    alarm_list.active_view.selectRow(alarm_list.active_proxy.mapFromSource(
        alarm_list.active_model.index(row, 0)).row())
    assert alarm_list.ack_button.isEnabled()
    qtbot.mouseClick(alarm_list.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.alarms.dialog, AckDialog))
    window.alarms.dialog.comment.setText("现场查看")
    window.alarms.dialog.accept()
    qtbot.waitUntil(lambda: not window.alarms.active.alarms.get(alarm_id)
                    or not window.alarms.active.alarms[alarm_id].state.needs_ack, timeout=10_000)

    # An engineer edits the single-line diagram.
    sign_out(qtbot, window)
    assert not window.diagrams.edit_button.isEnabled()
    sign_in(qtbot, window, "zhao", ENGINEER_PW)
    qtbot.waitUntil(lambda: window.diagrams.library is not None, timeout=20_000)
    assert window.diagrams.edit_button.isEnabled()
    qtbot.mouseClick(window.diagrams.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, DiagramEditor) for w in window.diagrams.windows), timeout=20_000)
    for w in list(window.diagrams.windows):
        w.close()

    # The source audited the acknowledgement with the signed-in operator's name.
    rows: list = []
    bridge.request(lambda s: s.audit(actions=["acknowledge", "login", "login_failed"]), rows.extend)
    qtbot.waitUntil(lambda: bool(rows), timeout=10_000)
    seen = {(r.action, r.user, str(r.result)) for r in rows}
    assert ("acknowledge", "wang", "ok") in seen
    assert ("login", "zhao", "ok") in seen and any(a == "login_failed" for a, _u, _r in seen)


def test_lock_after_inactivity_unlock_switch_user_and_session_expiry(qtbot, console):
    window, bridge, _made = console
    access = window.access
    now = [int(time.time() * 1000)]
    # The source's sessions on a clock of the test's, so their expiry needs no waiting.
    bridge.request(lambda s: setattr(s.accounts, "sessions", Sessions(clock=lambda: now[0])), lambda _r: None)
    first_admin(qtbot, window)
    sign_in(qtbot, window, "admin", ADMIN_PW)
    add_user(qtbot, window, "wang", "operator", OPERATOR_PW, "王工")
    alarm_id = raise_smoke(qtbot, window, bridge)

    # Nobody touches the console: it locks; the banner moves onto the lock screen, nothing is permitted.
    audit = access.open_audit()
    assert audit.isVisible()
    access.idle_lock_s = 0.5
    access._timer.setInterval(50)
    qtbot.waitUntil(lambda: access.locked, timeout=10_000)
    assert access.lock_screen.isVisible() and window.banner.isVisibleTo(access.lock_screen)
    assert window.banner.parentWidget() is access.lock_screen
    assert not access.permissions.can("acknowledge") and window.user_label.text().endswith("locked")
    assert not window.alarm_list.ack_button.isEnabled()
    assert window.alarms.ask_acknowledge([alarm_id]) is None  # the banner's button is refused too
    assert window.banner.isVisible() and not audit.isVisible()  # other windows hide behind the lock too
    shot(window, "auth_lock")

    # A wrong password keeps it locked; the right one lifts it and the banner goes home.
    form = access.lock_screen.form
    assert form.name.text() == "admin"
    access.idle_lock_s = 0  # no new lock while the test types
    qtbot.keyClicks(form.password, "wrong-password-9")
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.message.isVisible() and not form.busy, timeout=20_000)
    assert access.locked and form.message.text() == in_words(BadCredentials())
    qtbot.keyClicks(form.password, ADMIN_PW)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not access.locked, timeout=20_000)
    assert not access.lock_screen.isVisible() and window.banner.parentWidget() is window.centralWidget()
    assert access.permissions.can("manage_users") and audit.isVisible()  # the same user: everything back

    # Ctrl+L locks at once; another user signing in takes the console over.
    access.lock_action.trigger()
    assert access.locked
    form.name.setText("wang")
    qtbot.keyClicks(form.password, OPERATOR_PW)
    qtbot.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not access.locked, timeout=20_000)
    assert access.login.user.name == "wang" and window.user_label.text() == "王工 (operator)"
    qtbot.waitUntil(lambda: access.windows == [])  # the administrator's audit window does not come back
    assert not access.users_action.isEnabled() and access.permissions.can("acknowledge")

    # The source ends the session (idle too long by its clock): the next check locks the console.
    now[0] += 31 * 60 * 1000
    access.session_check_s = 0
    qtbot.keyClick(window.views, Qt.Key.Key_Shift)  # the person is active: the console asks the source
    qtbot.waitUntil(lambda: access.locked, timeout=10_000)
    assert in_words(__import__("app.auth", fromlist=["SessionExpired"]).SessionExpired()) in \
        access.lock_screen.who.text()


def test_an_operator_restricted_to_a_room_may_not_act_on_another_rooms_alarm(qtbot, console):
    window, bridge, _made = console
    first_admin(qtbot, window)
    sign_in(qtbot, window, "admin", ADMIN_PW)
    users = window.access.open_users()
    qtbot.waitUntil(lambda: bool(users.users), timeout=10_000)
    editor = users.add()
    editor.name.setText("li")
    editor.role.setCurrentIndex(editor.role.findData("operator"))
    editor.room_boxes["HV"].setChecked(True)  # the smoke detector is in the LV room
    editor.fields.password.setText(OPERATOR_PW)
    editor.fields.repeat.setText(OPERATOR_PW)
    qtbot.mouseClick(editor.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(u.name == "li" for u in users.users), timeout=20_000)
    sign_out(qtbot, window)
    qtbot.waitUntil(lambda: not isValid(users))  # the administrator's window went with them
    sign_in(qtbot, window, "li", OPERATOR_PW)
    alarm_id = raise_smoke(qtbot, window, bridge)
    alarm_list = window.alarm_list
    row = next(r for r, a in enumerate(alarm_list.active_model.rows) if a.id == alarm_id)
    alarm_list.active_view.selectRow(alarm_list.active_proxy.mapFromSource(
        alarm_list.active_model.index(row, 0)).row())
    assert window.access.permissions.can("acknowledge") and not window.access.permissions.can("acknowledge", "LV")
    assert not alarm_list.ack_button.isEnabled() and not alarm_list.shelve_button.isEnabled()
    assert window.alarms.ask_acknowledge([alarm_id]) is None  # the banner offers it; the console refuses in words
