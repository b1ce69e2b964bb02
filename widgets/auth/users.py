"""User management for administrators: who may sign in, with which role, in which rooms.

Every change goes to the source (`create_user`, `update_user`, `delete_user`), which checks the
signed-in administrator's permission, refuses what would break the user list (the last
administrator, a taken name) and audits it; the refusal is shown here in words.  Disabling and
deleting ask first, saying plainly that it takes effect at once (there is no undo).
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.auth import Role, SessionExpired, User
from widgets.bridge import SourceBridge
from widgets.runtime import names_language

from .login import ERROR_STYLE, NewPasswordFields
from .words import in_words, role_word

RoomNames = list[tuple[str, str, str]]  # (id, Chinese name, English name)


def _room_name(rooms: RoomNames, room_id: str) -> str:
    for rid, zh, en in rooms:
        if rid == room_id:
            return zh if names_language() == "zh" or not en else en
    return room_id


class UserDialog(QDialog):
    """Add a user, or change one: display name, role, rooms, enabled, a new password, unlock.

    ``saved(User)`` once the source stored it.
    """

    saved = Signal(object)
    session_expired = Signal()

    def __init__(self, bridge: SourceBridge, rooms: RoomNames, user: User | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.user = user
        self.setWindowTitle(self.tr("New user") if user is None else self.tr("User %1").replace("%1", user.name))
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setEnabled(user is None)
        self.display_name = QLineEdit(self)
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(role_word(role), role.value)
        form.addRow(self.tr("User name:"), self.name)
        form.addRow(self.tr("Display name:"), self.display_name)
        form.addRow(self.tr("Role:"), self.role)
        rooms_box = QGroupBox(self.tr("Rooms (none ticked: every room)"), self)
        rooms_layout = QVBoxLayout(rooms_box)
        self.room_boxes: dict[str, QCheckBox] = {}
        for rid, _zh, _en in rooms:
            box = QCheckBox(_room_name(rooms, rid), rooms_box)
            self.room_boxes[rid] = box
            rooms_layout.addWidget(box)
        self.enabled = QCheckBox(self.tr("May sign in (enabled)"), self)
        self.unlock = QCheckBox(self.tr("Unlock (clear the failed logins)"), self)
        self.reset = QCheckBox(self.tr("Set a new password"), self)
        pw_form = QFormLayout()
        self.fields = NewPasswordFields(pw_form, self, self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rooms_box)
        layout.addWidget(self.enabled)
        layout.addWidget(self.unlock)
        layout.addWidget(self.reset)
        layout.addLayout(pw_form)
        layout.addWidget(self.fields.problems)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.ok.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if user is None:
            self.enabled.hide()
            self.unlock.hide()
            self.reset.setChecked(True)
            self.reset.hide()
        else:
            self.name.setText(user.name)
            self.display_name.setText(user.display_name)
            self.role.setCurrentIndex(self.role.findData(user.role.value))
            for rid in user.rooms:
                if rid in self.room_boxes:
                    self.room_boxes[rid].setChecked(True)
            self.enabled.setChecked(not user.disabled)
            self.unlock.setVisible(user.failed_logins > 0 or user.locked_until is not None)
            self.fields.set_user_name(user.name)
        self.reset.toggled.connect(self._update)
        self.name.textChanged.connect(self._update)
        self.fields.password.textChanged.connect(self._update)
        self.fields.repeat.textChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(480)

    def _update(self) -> None:
        new_password = self.reset.isChecked()
        for w in (self.fields.password, self.fields.repeat, self.fields.password_label, self.fields.repeat_label,
                  self.fields.problems):
            w.setVisible(new_password)
        ok = bool(self.name.text().strip()) and (not new_password or self.fields.check())
        self.ok.setEnabled(ok)

    def rooms(self) -> list[str]:
        return [rid for rid, box in self.room_boxes.items() if box.isChecked()]

    def submit(self) -> None:
        """Store through the source: create, or change what was changed."""
        if not self.ok.isEnabled():
            return
        name, display, role, rooms = (self.name.text().strip(), self.display_name.text().strip(),
                                      str(self.role.currentData()), self.rooms())
        password = self.fields.password.text() if self.reset.isChecked() else None
        self.ok.setEnabled(False)
        self.message.hide()
        user = self.user
        if user is None:
            self.bridge.request(lambda s: s.create_user(name, role, password or "", rooms, display), self._saved,
                                self._refused)
            return
        changes: dict[str, object] = {}
        if role != user.role.value or tuple(sorted(rooms)) != tuple(sorted(user.rooms)):
            changes.update(role=role, rooms=rooms)
        if display != user.display_name:
            changes["display_name"] = display
        if self.enabled.isChecked() == user.disabled:
            changes["enabled"] = self.enabled.isChecked()
        if password is not None:
            changes["password"] = password
        if not self.unlock.isHidden() and self.unlock.isChecked():
            changes["unlock"] = True
        if not changes:
            self.accept()
            return
        self.bridge.request(lambda s: s.update_user(name, **changes), self._saved, self._refused)

    def _saved(self, user: User) -> None:
        self.saved.emit(user)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, SessionExpired):
            self.session_expired.emit()
        self.message.setText(in_words(exc))
        self.message.show()
        self._update()


COLUMNS = ("name", "display", "role", "rooms", "enabled", "locked")


class UsersDialog(QDialog):
    """The user list with add, edit, enable/disable and delete (administrators only)."""

    session_expired = Signal()
    changed = Signal()  # the list was read again after a change

    def __init__(self, bridge: SourceBridge, rooms: RoomNames, me: str, tz: ZoneInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.room_names = rooms
        self.me = me
        self.tz = tz
        self.users: list[User] = []
        self.editor: UserDialog | None = None
        self.confirm: QMessageBox | None = None
        self.setWindowTitle(self.tr("Users"))
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([
            self.tr("User name"), self.tr("Display name"), self.tr("Role"), self.tr("Rooms"), self.tr("Enabled"),
            self.tr("Locked")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.add_button = QPushButton(self.tr("Add…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.enable_button = QPushButton(self.tr("Disable…"), self)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.add_button.clicked.connect(lambda _=False: self.add())
        self.edit_button.clicked.connect(lambda _=False: self.edit())
        self.enable_button.clicked.connect(lambda _=False: self.toggle_enabled())
        self.delete_button.clicked.connect(lambda _=False: self.delete())
        self.refresh_button.clicked.connect(lambda _=False: self.refresh())
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.enable_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.close_button)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(820, 420)
        self._update()
        self.refresh()

    # -- the list ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the users from the source."""
        self.bridge.request(lambda source: source.users(), self._show, self._failed)

    def _show(self, users: list[User]) -> None:
        selected = self.selected()
        self.users = sorted(users, key=lambda u: u.name.lower())
        now = int(time.time() * 1000)
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            rooms = ", ".join(_room_name(self.room_names, r) for r in user.rooms) or self.tr("All rooms")
            locked = ""
            if user.locked(now) and user.locked_until is not None:
                until = datetime.fromtimestamp(user.locked_until / 1000, self.tz).strftime("%H:%M")
                locked = self.tr("until %1").replace("%1", until)
            values = (user.name, user.display_name, role_word(user.role), rooms,
                      self.tr("yes") if not user.disabled else self.tr("no"), locked)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if user.disabled:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
            if selected is not None and user.name == selected.name:
                self.table.selectRow(row)
        self._update()
        self.changed.emit()

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def select(self, name: str) -> None:
        """Select the row of user ``name``."""
        for row, user in enumerate(self.users):
            if user.name == name:
                self.table.selectRow(row)

    def _update(self) -> None:
        user = self.selected()
        self.edit_button.setEnabled(user is not None)
        self.delete_button.setEnabled(user is not None and user.name != self.me)
        self.enable_button.setEnabled(user is not None and user.name != self.me)
        self.enable_button.setText(self.tr("Enable") if user is not None and user.disabled else self.tr("Disable…"))

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, SessionExpired):
            self.session_expired.emit()
        self.status.setText(in_words(exc))
        self.status.setStyleSheet(ERROR_STYLE)

    def _done(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.refresh()

    # -- changes ----------------------------------------------------------------------------------

    def add(self) -> UserDialog:
        dialog = UserDialog(self.bridge, self.room_names, None, self)
        dialog.saved.connect(lambda u: self._done(self.tr("User %1 added.").replace("%1", u.name)))
        return self._open(dialog)

    def edit(self) -> UserDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = UserDialog(self.bridge, self.room_names, user, self)
        dialog.saved.connect(lambda u: self._done(self.tr("User %1 saved.").replace("%1", u.name)))
        return self._open(dialog)

    def _open(self, dialog: UserDialog) -> UserDialog:
        self.editor = dialog
        dialog.session_expired.connect(self.session_expired)
        dialog.finished.connect(lambda _=0: self._editor_closed(dialog))
        dialog.open()
        return dialog

    def _editor_closed(self, dialog: UserDialog) -> None:
        if self.editor is dialog:
            self.editor = None
        dialog.deleteLater()

    def toggle_enabled(self) -> QMessageBox | None:
        """Enable a disabled user at once; disabling asks first (their sessions end at once)."""
        user = self.selected()
        if user is None:
            return None
        name = user.name
        if user.disabled:
            self.bridge.request(lambda s: s.update_user(name, enabled=True),
                                lambda u: self._done(self.tr("User %1 may sign in again.").replace("%1", u.name)),
                                self._failed)
            return None
        return self._ask(self.tr("Disable user %1? They cannot sign in any more and are signed out now, "
                                 "until an administrator enables them again.").replace("%1", name),
                         self.tr("Disable"),
                         lambda: self.bridge.request(lambda s: s.update_user(name, enabled=False),
                                                     lambda u: self._done(self.tr("User %1 disabled.").replace(
                                                         "%1", u.name)), self._failed))

    def delete(self) -> QMessageBox | None:
        """Delete a user after asking (it cannot be undone; the audit log keeps what they did)."""
        user = self.selected()
        if user is None:
            return None
        name = user.name
        return self._ask(self.tr("Delete user %1? This cannot be undone; the audit log keeps what they did.")
                         .replace("%1", name), self.tr("Delete"),
                         lambda: self.bridge.request(lambda s: s.delete_user(name),
                                                     lambda _n: self._done(self.tr("User %1 deleted.").replace(
                                                         "%1", name)), self._failed))

    def _ask(self, question: str, verb: str, then: object) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Users"), question, QMessageBox.StandardButton.Cancel,
                          self)
        yes = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))

        def answered(_result: int) -> None:
            if box.clickedButton() is yes:
                then()  # type: ignore[operator]
            if self.confirm is box:
                self.confirm = None
            box.deleteLater()

        box.finished.connect(answered)
        self.confirm = box
        box.open()
        return box
