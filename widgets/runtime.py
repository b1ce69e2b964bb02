"""The GUI's runtime: the QApplication, and the nets under it that keep failures visible.

A control-room console runs for a whole shift; when something goes wrong it must be in the
log and, when it matters, on screen — never a silent hang or a vanished error:

* `make_application` builds the one QApplication with the organisation/application names that
  settings and data folders use, high-DPI scaling that does not round, and a CJK font
  fallback so Chinese text renders wherever the base font lacks it;
* `install_message_handler` routes Qt's own messages into `logging` (logger ``qt``);
* `install_excepthook` logs uncaught exceptions and shows them in a message box;
* `StallWatchdog` logs every GUI-thread stall over 100 ms (DESIGN: the console must stay live);
* `load_translations` installs the console's and Qt's translations for a language, at start
  or when the person switches language while running.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    QTranslator,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from widgets.settings import APPLICATION, LANGUAGES, ORGANIZATION

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

#: Where the console's compiled translations (switchroom_<lang>.qm) are shipped.
I18N_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"

#: Fonts with Simplified Chinese glyphs, best first: Noto (Linux, bundled), then Windows and macOS.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei")

MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The console's QApplication (the existing one, configured, when there already is one)."""
    existing = QCoreApplication.instance()
    if existing is None:
        # Must be set before the application exists; fractional scaling keeps 150 % screens crisp.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv) if argv else ["switchroom"])
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise RuntimeError("a non-GUI Qt application already exists; the console needs a QApplication")
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    family = cjk_family()
    if family is not None:
        font = app.font()
        if family not in font.families():
            font.setFamilies([font.family(), family])
            app.setFont(font)
    else:
        log.warning("no font with Chinese glyphs found (looked for %s)", ", ".join(CJK_FAMILIES))
    return app


def cjk_family() -> str | None:
    """The best installed font family with Simplified Chinese glyphs, or None."""
    installed = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in installed), None)


def _route_qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(mode, logging.WARNING)
    category = context.category or "default"
    if category == "default":
        qt_log.log(level, "%s", message)
    else:
        qt_log.log(level, "%s: %s", category, message)


def install_message_handler() -> MessageHandler | None:
    """Send Qt's messages to the ``qt`` logger; returns the handler that was installed before."""
    return qInstallMessageHandler(_route_qt_message)


class _CrashReport(QObject):
    """Shows uncaught exceptions on the GUI thread, whichever thread they happened on."""

    report = Signal(str, str, str)  # "Kind: message", the thread's name (or ""), the traceback

    def __init__(self, parent_getter: Callable[[], QWidget | None]) -> None:
        super().__init__()
        self._parent_getter = parent_getter
        self._box: QMessageBox | None = None
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str, str, str)
    def _show(self, summary: str, thread: str, details: str) -> None:
        if self._box is not None and self._box.isVisible():
            return  # one box at a time: a failing paint would otherwise open hundreds
        try:
            parent = self._parent_getter()
        except Exception:
            log.exception("finding the window for the error message failed")
            parent = None
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("SwitchRoom: unexpected error"))
        box.setText(self.tr("An unexpected error happened. It was written to the log; the console keeps running."))
        box.setInformativeText(self.tr("{0}\n(in the thread {1})").format(summary, thread) if thread else summary)
        box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget)
        self._box = box
        box.open()  # not exec(): the console goes on updating behind the box

    @Slot()
    def _forget(self) -> None:
        self._box = None

    @property
    def box(self) -> QMessageBox | None:
        """The message box on screen now, if any."""
        return self._box


_reporter: _CrashReport | None = None


def install_excepthook(parent_getter: Callable[[], QWidget | None]) -> ExceptHook:
    """Log every uncaught exception and show it above ``parent_getter()``; returns the previous hook.

    Exceptions in other threads (``threading.excepthook``) are logged there and shown on the
    GUI thread.  Ctrl-C keeps Python's own behaviour.
    """
    global _reporter
    _reporter = _CrashReport(parent_getter)
    reporter = _reporter
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(kind, exc, tb))
        details = "".join(traceback.format_exception(kind, exc, tb))
        reporter.report.emit(f"{kind.__name__}: {exc}", "", details)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        info = (args.exc_type, args.exc_value, args.exc_traceback)
        log.critical("uncaught exception in thread %s", name, exc_info=info)
        details = "".join(traceback.format_exception(*info))
        reporter.report.emit(f"{args.exc_type.__name__}: {args.exc_value}", name, details)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return previous


def crash_box() -> QMessageBox | None:
    """The uncaught-exception message box currently shown, if any (tests, the main window)."""
    return _reporter.box if _reporter is not None else None


class StallWatchdog(QObject):
    """Logs every time the GUI thread was blocked for longer than ``threshold_ms``.

    A timer ticks every ``interval_ms``; a blocked event loop delays the next tick, so the gap
    between ticks minus the interval is how long the thread was blocked.  Counting stalls and
    the longest one gives benches and the status bar the same figures as the log.
    """

    stalled = Signal(float)  # how long the GUI thread was blocked, in ms

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 25, threshold_ms: float = 100.0) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.threshold_ms = threshold_ms
        self.stalls = 0
        self.longest_ms = 0.0
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start watching (the gap is measured from now)."""
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop watching; counts are kept."""
        self._timer.stop()
        self._last = None

    @property
    def active(self) -> bool:
        """Whether the watchdog is ticking."""
        return self._timer.isActive()

    @Slot()
    def _tick(self) -> None:
        now = time.perf_counter()
        last, self._last = self._last, now
        if last is None:
            return
        blocked_ms = (now - last) * 1000.0 - self.interval_ms
        if blocked_ms > self.threshold_ms:
            self.stalls += 1
            self.longest_ms = max(self.longest_ms, blocked_ms)
            log.warning("the GUI thread was blocked for %.0f ms", blocked_ms)
            self.stalled.emit(blocked_ms)


_translators: list[QTranslator] = []


def names_language() -> str:
    """"zh" or "en": which of a plant's two names to show, following the console's language now.

    `load_translations` sets the default locale, so every pane asks here rather than keeping a
    language of its own that a runtime switch would leave behind.
    """
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def load_translations(app: QCoreApplication, language: str, folder: Path | None = None) -> bool:
    """Install the console's and Qt's translations for ``language`` (replacing earlier ones).

    Returns whether the console's own translation was found; English needs none (the source
    strings are English).  Installing posts a LanguageChange event to every widget, so a
    running console retranslates itself.
    """
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not a language of the console ({', '.join(LANGUAGES)})")
    # Names the panes pick per language (points, devices) follow the default locale.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))  # fmt: skip
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    where = folder if folder is not None else I18N_DIR
    ours = QTranslator(app)
    found = ours.load(f"switchroom_{language}", str(where))
    if found:
        app.installTranslator(ours)
        _translators.append(ours)
    elif language != "en":
        log.warning("no translation switchroom_%s.qm in %s; the console shows English", language, where)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _translators.append(qt_own)
    return found
