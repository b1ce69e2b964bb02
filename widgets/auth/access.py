"""Who works the console: first start, sign in and out, the lock, and the user and audit screens.

`ConsoleAccess` is the console's side of issue 7's users and permissions, built on the
DataSource only (so it works the same on a local database and on the server):

* after the source started, the first administrator is asked for when none exists (there is
  no built-in account), then the login;
* the signed-in user's `Permissions` grey out what they may not do, everywhere;
* the console locks after `settings.LOCK_MINUTES` without input, on Ctrl+L, and when the
  source's session ended (`current_login()` answers None, asked whenever the person was active);
  the lock screen keeps the alarm banner in view and the horn sounding;
* menu "User" (sign in, change password, lock, sign out) and, for those allowed, Tools >
  Users… and Tools > Audit log….
"""

from __future__ import annotations

import logging
import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QBoxLayout, QDialog, QDockWidget, QLabel, QMainWindow, QMenu, QWidget

from app.auth import Permission, SessionExpired, User
from app.sources.accounts import Login
from widgets import settings
from widgets.alarms.popup import CriticalPopup
from widgets.bridge import SourceBridge, describe
from widgets.runtime import names_language

from .audit import AuditDialog
from .lock import InputWatch, LockScreen
from .login import FirstAdminDialog, LoginDialog, PasswordDialog
from .permissions import Permissions, release, use
from .users import UsersDialog
from .words import in_words, user_label

log = logging.getLogger(__name__)

#: How often the idle time is looked at, and the least time between two session checks.
TICK_MS = 1000
SESSION_CHECK_S = 20.0


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConsoleAccess", text)


class ConsoleAccess(QObject):
    """Sign-in, lock and permissions of one console window (see the module docstring)."""

    signed_in = Signal(object)  # Login
    signed_out = Signal()
    locked_changed = Signal(bool)

    def __init__(self, bridge: SourceBridge, window: QMainWindow, banner: QWidget, user_label_widget: QLabel,
                 tz: ZoneInfo, *, idle_lock_s: float | None = None, session_check_s: float = SESSION_CHECK_S,
                 tick_ms: int = TICK_MS) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.banner = banner
        self.user_label = user_label_widget
        self.tz = tz
        self.permissions = Permissions(self)
        use(self.permissions)
        self.lock_screen = LockScreen(bridge, window)
        self.lock_screen.form.signed_in.connect(self._unlocked)
        self.watch = InputWatch(window, self.lock_screen)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.watch)
        minutes = settings.value(settings.LOCK_MINUTES)
        self.idle_lock_s = float(minutes * 60) if idle_lock_s is None else idle_lock_s
        self.session_check_s = session_check_s
        self.locked = False
        self.dialog: QDialog | None = None  # the sign-in or first-administrator dialog open now
        self.windows: list[QWidget] = []  # users and audit windows opened from here
        self._hidden: list[QWidget] = []  # other windows hidden while locked
        self._banner_home: tuple[QBoxLayout, int] | None = None
        self._checked_at = time.monotonic()
        self._checked_input = self.watch.last_input
        self._checking = False
        self._make_actions()
        self.permissions.changed.connect(self._update)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        window.destroyed.connect(lambda _=None, p=self.permissions: release(p))
        self._update()

    # -- menus ------------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        w = self.window
        self.sign_in_action = QAction(w)
        self.sign_in_action.triggered.connect(lambda _=False: self.begin())  # the first administrator too
        self.password_action = QAction(w)
        self.password_action.triggered.connect(lambda _=False: self.change_password())
        self.lock_action = QAction(w)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(lambda _=False: self.lock())
        self.sign_out_action = QAction(w)
        self.sign_out_action.triggered.connect(lambda _=False: self.sign_out())
        self.users_action = QAction(w)
        self.users_action.triggered.connect(lambda _=False: self.open_users())
        self.audit_action = QAction(w)
        self.audit_action.triggered.connect(lambda _=False: self.open_audit())
        w.addAction(self.lock_action)  # the shortcut works with the menu closed
        self.retranslate()

    def retranslate(self) -> None:
        self.sign_in_action.setText(_tr("&Sign in…"))
        self.password_action.setText(_tr("&Change password…"))
        self.lock_action.setText(_tr("&Lock console"))
        self.sign_out_action.setText(_tr("Sign &out"))
        self.users_action.setText(_tr("&Users…"))
        self.audit_action.setText(_tr("&Audit log…"))
        self.lock_screen.retranslate()
        self._show_user()

    def fill_user_menu(self, menu: QMenu) -> None:
        """Menu "User": sign in, change password, lock (Ctrl+L), sign out."""
        menu.addAction(self.sign_in_action)
        menu.addAction(self.password_action)
        menu.addAction(self.lock_action)
        menu.addSeparator()
        menu.addAction(self.sign_out_action)

    def fill_tools_menu(self, menu: QMenu) -> None:
        """Tools > Users… (administrators) and Audit log… (administrators and managers)."""
        menu.addSeparator()
        menu.addAction(self.users_action)
        menu.addAction(self.audit_action)

    # -- state ------------------------------------------------------------------------------------

    @property
    def login(self) -> Login | None:
        return self.permissions.login

    def _update(self) -> None:
        signed = self.login is not None
        working = signed and not self.locked
        self.sign_in_action.setEnabled(not signed)
        self.password_action.setEnabled(working)
        self.lock_action.setEnabled(working)
        self.sign_out_action.setEnabled(working)
        self.users_action.setEnabled(self.permissions.can(Permission.MANAGE_USERS))
        self.audit_action.setEnabled(self.permissions.can(Permission.MANAGE_USERS)
                                     or self.permissions.can(Permission.EXPORT_REPORTS))
        self._show_user()

    def _show_user(self) -> None:
        user = self.permissions.user
        if user is None:
            self.user_label.setText(_tr("Not logged in"))
            return
        text = user_label(user.display_name, user.name, user.role)
        self.user_label.setText(_tr("%1 — locked").replace("%1", text) if self.locked else text)

    # -- first start and sign in ------------------------------------------------------------------

    def begin(self) -> None:
        """The source started: go on with its login when it has one (a cloud console signed in before its
        window opened), else ask for the first administrator when there is none, then for a login."""
        def known(login: Login | None) -> None:
            if login is not None:
                self._signed_in(login)
                return
            self.bridge.request(lambda source: source.needs_first_admin(), self._first_start,
                                lambda exc: self._say(_tr("Users cannot be read: %1").replace("%1", in_words(exc))))

        self.bridge.request(lambda source: source.current_login(), known,
                            lambda exc: self._say(_tr("Users cannot be read: %1").replace("%1", in_words(exc))))

    def _first_start(self, needed: bool) -> None:
        if not needed:
            self.ask_login()
            return
        dialog = FirstAdminDialog(self.bridge, self.window)
        dialog.created.connect(lambda user: self.ask_login(user.name))
        self._open(dialog)

    def ask_login(self, name: str = "") -> LoginDialog | None:
        """The login dialog (non-blocking; the console keeps showing the plant and its alarms)."""
        if isinstance(self.dialog, LoginDialog):
            self.dialog.raise_()
            return self.dialog
        site = ""
        if self.bridge.running:
            model = self.bridge.site()
            site = model.name if names_language() == "zh" or not model.name_en else model.name_en
        dialog = LoginDialog(self.bridge, site, self.window)
        dialog.form.start(name)
        dialog.accepted.connect(lambda: self._signed_in(dialog.login) if dialog.login is not None else None)
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _=0: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _signed_in(self, login: Login) -> None:
        log.info("signed in: %s (%s)", login.user.name, login.user.role)
        self._checked_at, self._checked_input = time.monotonic(), self.watch.last_input
        self.permissions.set_login(login)
        self.signed_in.emit(login)

    def sign_out(self) -> None:
        """End the session at the source; the console greys everything and asks for the next login."""
        def done(_none: object) -> None:
            for w in list(self.windows):  # the users and audit windows were this user's
                w.close()
            self.permissions.set_login(None)
            self.signed_out.emit()
            self.ask_login()

        self.bridge.request(lambda source: source.logout(), done, lambda exc: self._say(describe(exc)))

    def change_password(self) -> PasswordDialog | None:
        user = self.permissions.user
        if user is None:
            return None
        dialog = PasswordDialog(self.bridge, user.name, self.window)
        dialog.accepted.connect(lambda: self._say(_tr("Your password was changed.")))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _say(self, text: str) -> None:
        bar = self.window.statusBar()
        bar.showMessage(text, 15_000)

    # -- the lock ---------------------------------------------------------------------------------

    def lock(self, reason: str = "") -> None:
        """Cover the console (alarms stay in view); only a password lifts it."""
        user = self.permissions.user
        if user is None or self.locked:
            return
        log.info("console locked (%s)", reason or "by its user")
        self.locked = True
        self.watch.locked = True
        self.permissions.set_locked(True)
        parent = self.banner.parentWidget()
        layout = parent.layout() if parent is not None else None
        if isinstance(layout, QBoxLayout):
            self._banner_home = (layout, layout.indexOf(self.banner))
            self.lock_screen.banner_slot.addWidget(self.banner)
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w.isVisible() and w is not self.window and not isinstance(w, CriticalPopup)
                        and (not isinstance(w, QDockWidget) or w.parent() is self.window)]
        for w in self._hidden:
            w.hide()
        self.lock_screen.show_locked(user_label(user.display_name, user.name, user.role), user.name, reason)
        self.locked_changed.emit(True)

    def _unlocked(self, login: Login) -> None:
        previous = self.permissions.user
        switched = previous is not None and previous.name.lower() != login.user.name.lower()
        if switched:
            log.info("console taken over by %s from %s", login.user.name, previous.name)
            # The users and audit windows were the previous user's: they do not come back to the next one.
            for w in list(self.windows):
                if w in self._hidden:
                    self._hidden.remove(w)
                w.close()
        self.locked = False
        self.watch.locked = False
        if self._banner_home is not None:
            layout, index = self._banner_home
            layout.insertWidget(max(index, 0), self.banner)
            self._banner_home = None
        self.lock_screen.hide()
        for w in self._hidden:
            w.show()
        self._hidden = []
        self.permissions.locked = False  # set_login announces once for both changes
        self._signed_in(login)
        self.locked_changed.emit(False)

    def session_expired(self) -> None:
        """A call came back with an ended session: lock until the person signs in again."""
        self.lock(in_words(SessionExpired()))

    def _tick(self) -> None:
        if self.login is None or self.locked:
            return
        if self.idle_lock_s > 0 and self.watch.idle_s() >= self.idle_lock_s:
            minutes = self.idle_lock_s / 60
            self.lock(_tr("Locked after %1 minute(s) without input.").replace("%1", f"{minutes:.0f}")
                      if minutes >= 1 else _tr("Locked after %1 s without input.").replace(
                          "%1", f"{self.idle_lock_s:g}"))
            return
        # Asking the source counts as use of the session: ask only when the person was active since.
        active = self.watch.last_input > self._checked_input
        if active and not self._checking and time.monotonic() - self._checked_at >= self.session_check_s:
            self._checking = True
            self._checked_at, self._checked_input = time.monotonic(), self.watch.last_input
            self.bridge.request(lambda source: source.current_login(), self._session_answer, self._session_failed)

    def _session_answer(self, login: Login | None) -> None:
        self._checking = False
        if self.locked or self.login is None:
            return
        if login is None:
            self.session_expired()
        elif login.user != self.permissions.user:  # an administrator changed this user's role or rooms
            self.permissions.set_login(login)
        else:
            self.permissions.login = login

    def _session_failed(self, exc: Exception) -> None:
        self._checking = False
        log.warning("the session could not be checked: %s", describe(exc))

    # -- users and audit --------------------------------------------------------------------------

    def open_users(self) -> UsersDialog | None:
        """Tools > Users… (needs manage_users)."""
        if not self.permissions.can(Permission.MANAGE_USERS):
            return None
        rooms = [(r.id, r.name, r.name_en) for r in self.bridge.site().rooms] if self.bridge.running else []
        me = self.permissions.user
        dialog = UsersDialog(self.bridge, rooms, me.name if me is not None else "", self.tz, self.window)
        return self._keep(dialog)

    def open_audit(self) -> AuditDialog | None:
        """Tools > Audit log… (administrators and managers)."""
        if not (self.permissions.can(Permission.MANAGE_USERS) or self.permissions.can(Permission.EXPORT_REPORTS)):
            return None
        site = self.bridge.site() if self.bridge.running else None
        me: User | None = self.permissions.user
        dialog = AuditDialog(self.bridge, self.tz, site.name if site else "", site.name_en if site else "",
                             me.label() if me is not None else "", self.window)
        return self._keep(dialog)

    def _keep(self, dialog: QWidget) -> QWidget:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        session_expired = getattr(dialog, "session_expired", None)
        if session_expired is not None:
            session_expired.connect(self.session_expired)
        self.windows.append(dialog)
        dialog.destroyed.connect(lambda _=None, d=dialog: self.windows.remove(d) if d in self.windows else None)
        dialog.show()
        return dialog
