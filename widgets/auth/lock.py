"""The console lock: a screen over the plant's controls that only a password lifts.

A console left alone (`settings.LOCK_MINUTES` without a key or a click), locked by its user
(Ctrl+L) or whose session the source ended shows this screen over the whole main window.  The
plant's controls are out of reach, but the alarm banner is moved onto the lock screen and the
horn keeps sounding: a control room must still see and hear alarms while nobody is signed in.
The same user's password unlocks; another user signing in takes the console over.

`InputWatch` sees every key and click of the application: it times the inactivity and, while
the console is locked, swallows input and shortcuts meant for the window behind the screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from widgets.bridge import SourceBridge

from .login import SignInForm

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.MouseMove,
})
_BLOCKED = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.ShortcutOverride, QEvent.Type.ContextMenu,
})


class LockScreen(QWidget):
    """Covers its parent window; holds the alarm banner while locked and a sign-in form."""

    def __init__(self, bridge: SourceBridge, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("LockScreen")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(38, 50, 56))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(236, 239, 241))
        self.setPalette(palette)
        self.banner_slot = QVBoxLayout()
        self.banner_slot.setContentsMargins(0, 0, 0, 0)
        panel = QFrame(self)
        panel.setObjectName("LockPanel")
        panel.setAutoFillBackground(True)
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        own = QApplication.palette()  # the form in the console's own colours, readable in either theme
        colours = panel.palette()
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.WindowText, QPalette.ColorRole.Base,
                     QPalette.ColorRole.Text, QPalette.ColorRole.Button, QPalette.ColorRole.ButtonText):
            colours.setColor(role, own.color(role))
        panel.setPalette(colours)
        # A fixed width: the wrapped texts then ask for the height they really need at that width.
        panel.setFixedWidth(500)
        self.title = QLabel(panel)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.who = QLabel(panel)
        self.who.setWordWrap(True)
        self.note = QLabel(panel)
        self.note.setWordWrap(True)
        self.form = SignInForm(bridge, panel)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addWidget(self.note)
        inner.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.banner_slot)
        layout.addStretch(1)
        layout.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.hide()
        window.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Console locked"))
        self.note.setText(self.tr("Alarms keep showing above and sounding. Enter your password to unlock, "
                                  "or sign in as another user to take over the console."))
        self.form.retranslate()
        self.form.button.setText(self.tr("Unlock"))

    def show_locked(self, who: str, name: str, reason: str = "") -> None:
        """Cover the window: ``who`` was signed in (their ``name`` is offered), ``reason`` why it locked."""
        self.who.setText(self.tr("Signed in: %1").replace("%1", who) + (f"\n{reason}" if reason else ""))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.form.start(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Follow the window's size while shown."""
        if event.type() == QEvent.Type.Resize and self.isVisible() and watched is self.parentWidget():
            self.setGeometry(self.parentWidget().rect())
        return False


class InputWatch(QObject):
    """Application-wide: when a person last touched the console; input to the window behind a lock is dropped."""

    def __init__(self, window: QWidget, lock_screen: LockScreen, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self._window = window
        self._screen = lock_screen
        self._clock = clock
        self.last_input = clock()
        self.locked = False

    def idle_s(self) -> float:
        """Seconds since the last key, click, wheel or mouse move anywhere in the console."""
        return self._clock() - self.last_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _ACTIVITY:
            self.last_input = self._clock()
        if not self.locked:
            return False
        if kind == QEvent.Type.Shortcut:
            return not self._inside_lock(watched)
        if kind in _BLOCKED and isinstance(watched, QWidget):
            return watched.window() is self._window and not self._inside_lock(watched)
        return False

    def _inside_lock(self, obj: QObject) -> bool:
        while obj is not None:
            if obj is self._screen:
                return True
            obj = obj.parent()
        return False
