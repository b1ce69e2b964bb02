"""Signing in: the login form, the first administrator, a person's own new password.

Every dialog here opens without blocking the console (`open()`): alarms keep arriving behind
it.  Each asks the source itself through the bridge and says a refusal in the console's
language (wrong password, locked account, a password the policy refuses with every reason),
so the person can correct it at once.  The policy's reasons show while the new password is
typed (`app.auth.password_problems`), before anything is sent.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.auth import User, password_problems
from app.sources.accounts import Login
from widgets.bridge import SourceBridge

from .words import in_words, reasons_words

ERROR_STYLE = "color: #c62828;"
HINT_STYLE = "color: #b26a00;"


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMinimumWidth(260)
    return edit


class SignInForm(QWidget):
    """User name, password and the source's answer; `signed_in(Login)` once the source accepted them.

    Used by the login dialog and by the lock screen (where the same user's password unlocks and
    another user's name and password switch the console to that user).
    """

    signed_in = Signal(object)  # Login

    def __init__(self, bridge: SourceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.name = QLineEdit(self)
        self.name.setMinimumWidth(260)
        self.password = _password_edit(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.button = QPushButton(self)
        self.button.setDefault(True)
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.submit)
        self.name.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.form = QFormLayout()
        self.name_label = QLabel(self)
        self.password_label = QLabel(self)
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.password_label, self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        self.busy = False
        self.retranslate()

    def retranslate(self) -> None:
        self.name_label.setText(self.tr("User name:"))
        self.password_label.setText(self.tr("Password:"))
        self.button.setText(self.tr("Sign in"))

    def start(self, name: str = "") -> None:
        """Ready for a person: ``name`` filled in (the password field then has the focus)."""
        self.name.setText(name)
        self.password.clear()
        self.message.hide()
        (self.password if name else self.name).setFocus()

    def submit(self) -> None:
        """Ask the source to sign in with what is typed (Enter in the password field does it too)."""
        name, password = self.name.text().strip(), self.password.text()
        if self.busy:
            return
        if not name or not password:
            self._say(self.tr("Enter your user name and password."))
            return
        self._set_busy(True)
        self.bridge.request(lambda source: source.login(name, password), self._accepted, self._refused)

    def _accepted(self, login: Login) -> None:
        self._set_busy(False)
        self.password.clear()
        self.message.hide()
        self.signed_in.emit(login)

    def _refused(self, exc: Exception) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password.setFocus()
        self._say(in_words(exc))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setEnabled(not busy)
        self.name.setEnabled(not busy)
        self.password.setEnabled(not busy)


class LoginDialog(QDialog):
    """The console's sign-in dialog; accepted with `login` set once the source signed the person in."""

    def __init__(self, bridge: SourceBridge, site_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.login: Login | None = None
        self.setWindowTitle(self.tr("Sign in to SwitchRoom"))
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setText(self.tr("<b>%1</b><br>Sign in to operate the plant.").replace("%1", site_name)
                             if site_name else self.tr("Sign in to operate the plant."))
        self.form = SignInForm(bridge, self)
        self.form.signed_in.connect(self._signed_in)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.form)
        self.setMinimumWidth(420)
        self.form.start()

    def _signed_in(self, login: Login) -> None:
        self.login = login
        self.accept()


class NewPasswordFields(QObject):
    """A new password typed twice (two rows of ``form``), with what the policy still refuses shown as typed."""

    def __init__(self, form: QFormLayout, parent: QWidget, name: QLineEdit | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._fixed_name = ""
        self.password = _password_edit(parent)
        self.repeat = _password_edit(parent)
        self.password_label = QLabel(parent)
        self.repeat_label = QLabel(parent)
        form.addRow(self.password_label, self.password)
        form.addRow(self.repeat_label, self.repeat)
        self.problems = QLabel(parent)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(HINT_STYLE)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.password.textChanged.connect(self.check)
        self.repeat.textChanged.connect(self.check)
        if name is not None:
            name.textChanged.connect(self.check)
        self.password_label.setText(self.tr("New password:"))
        self.repeat_label.setText(self.tr("Repeat it:"))

    def user_name(self) -> str:
        return self._name.text().strip() if self._name is not None else self._fixed_name

    def set_user_name(self, name: str) -> None:
        """Whose password this is (the policy refuses a password containing the user's name)."""
        self._fixed_name = name
        self.check()

    def words(self) -> str:
        """What is still wrong, in words (empty: acceptable and both fields agree)."""
        password = self.password.text()
        if not password:
            return self.tr("Choose a password of at least 10 characters with letters and digits or symbols.")
        text = reasons_words(password_problems(password, self.user_name()))
        if not text and self.repeat.text() != password:
            text = self.tr("The two passwords are not the same yet.")
        return text

    def acceptable(self) -> bool:
        return bool(self.password.text()) and not password_problems(self.password.text(), self.user_name()) \
            and self.repeat.text() == self.password.text()

    def check(self) -> bool:
        """Show what is still wrong; whether the password may be sent."""
        self.problems.setText(self.words())
        return self.acceptable()


class _PasswordFormDialog(QDialog):
    """A form with a new password and a button that stays greyed until everything is acceptable."""

    def _finish(self, layout: QVBoxLayout, form: QFormLayout, fields: NewPasswordFields, ok_text: str) -> None:
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addLayout(form)
        layout.addWidget(fields.problems)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.fields = fields
        for edit in self.findChildren(QLineEdit):
            edit.textChanged.connect(self._update)
        self._update()
        self.setMinimumWidth(480)

    def _update(self) -> None:
        self.ok.setEnabled(self.fields.check() and self._complete())

    def _complete(self) -> bool:
        return True

    def submit(self) -> None:  # pragma: no cover - every subclass sends its own request
        raise NotImplementedError

    def _refused(self, exc: Exception) -> None:
        self.message.setText(in_words(exc))
        self.message.show()
        self._update()


class FirstAdminDialog(_PasswordFormDialog):
    """No administrator exists yet: the person installing the console chooses the first one.

    There is no built-in account or default password: without this step nobody can sign in.
    ``created(User)`` once the source stored the administrator.
    """

    created = Signal(object)  # User

    def __init__(self, bridge: SourceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(self.tr("First administrator"))
        intro = QLabel(self.tr("This console has no administrator yet. Choose the first one: "
                               "they sign in next and can then add the other users."), self)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.display_name.setPlaceholderText(self.tr("Optional, e.g. the person's full name"))
        form.addRow(self.tr("User name:"), self.name)
        form.addRow(self.tr("Display name:"), self.display_name)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self._finish(layout, form, NewPasswordFields(form, self, self.name), self.tr("Create administrator"))
        self.name.setFocus()

    def _complete(self) -> bool:
        return bool(self.name.text().strip())

    def submit(self) -> None:
        """Store the administrator through the source."""
        if not self.ok.isEnabled():
            return
        name, display = self.name.text().strip(), self.display_name.text().strip()
        password = self.fields.password.text()
        self.ok.setEnabled(False)
        self.message.hide()
        self.bridge.request(lambda source: source.create_first_admin(name, password, display), self._created,
                            self._refused)

    def _created(self, user: User) -> None:
        self.created.emit(user)
        self.accept()


class PasswordDialog(_PasswordFormDialog):
    """The signed-in person changes their own password (the old one first)."""

    def __init__(self, bridge: SourceBridge, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(self.tr("Change password"))
        form = QFormLayout()
        self.old = _password_edit(self)
        form.addRow(self.tr("Current password:"), self.old)
        fields = NewPasswordFields(form, self)
        fields.set_user_name(user_name)
        layout = QVBoxLayout(self)
        self._finish(layout, form, fields, self.tr("Change password"))
        self.old.setFocus()

    def _complete(self) -> bool:
        return bool(self.old.text())

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        old, new = self.old.text(), self.fields.password.text()
        self.ok.setEnabled(False)
        self.message.hide()
        self.bridge.request(lambda source: source.change_password(old, new), lambda _none: self.accept(),
                            self._refused)
