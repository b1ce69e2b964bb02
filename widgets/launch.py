"""Starting the graphical console: application, translations, theme, bridge, main window.

`python -m app` ends here (through `app.commands.console`): the only place a QApplication is
built for the console, so the rest of `app` stays free of Qt widgets.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from app.config import Site, SiteError, load_site
from app.paths import data_dir, default_db_url
from app.sources.accounts import Login
from app.sources.base import DataSource, SiteModel
from app.sources.cloud import CloudSource, sign_in
from app.sources.direct import DirectSource
from widgets import runtime, settings
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

log = logging.getLogger(__name__)


def dark_palette() -> QPalette:
    """A dark Fusion palette for night shifts: low glare, state colours stay readable."""
    p = QPalette()
    base, text = QColor(37, 40, 45), QColor(225, 228, 232)
    p.setColor(QPalette.ColorRole.Window, QColor(45, 48, 54))
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(50, 54, 60))
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor(55, 59, 66))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor(42, 130, 218))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.ToolTipBase, base)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    return p


def source_factory(site: Site, db_url: str | None, simulate: bool) -> Callable[[], DataSource]:
    """How the bridge makes the console's data source (on its own thread)."""
    url = db_url or default_db_url("demo" if site.path is None or site.path.name == "demo.yaml" else site.path.stem)

    def make() -> DataSource:
        listen = ("127.0.0.1", 0) if simulate else None
        return DirectSource(site, url, listen=listen, simulate=simulate, reports=data_dir() / "reports")

    return make


def run_console(site_path: str | None, db_url: str | None, simulate: bool, argv: list[str] | None = None) -> int:
    """Open the console window on a site and run until it is closed."""
    app = runtime.make_application(argv or sys.argv[:1])
    runtime.install_message_handler()
    log_file = data_dir() / "switchroom.log"
    _log_to_file(log_file)
    runtime.load_translations(app, str(settings.value(settings.LANGUAGE)))
    if settings.value(settings.THEME) == "dark":
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    try:
        site = load_site(site_path)
    except SiteError as exc:
        QMessageBox.critical(None, "SwitchRoom", QApplication.translate("Launch", "The site file cannot be used:")
                             + "\n\n" + str(exc))  # fmt: skip
        return 2
    # first administrator, then the login, once the source started
    return _run_window(app, SourceBridge(source_factory(site, db_url, simulate)), site.tz, "console")


def _log_to_file(path: Path) -> None:
    from logging.handlers import RotatingFileHandler  # noqa: PLC0415

    handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(min(logging.getLogger().level or logging.INFO, logging.INFO))


def run_cloud_console(url: str, user: str | None = None, argv: list[str] | None = None) -> int:
    """Open the console window on a server: ask for the user and password, sign in, then the window.

    The password is asked before the window exists because the window needs the server's site
    (its time zone), which the server gives only to a signed-in user; the `CloudSource` the
    bridge makes then carries that login's token, so the person signs in once.
    """
    app = runtime.make_application(argv or sys.argv[:1])
    runtime.install_message_handler()
    _log_to_file(data_dir() / "switchroom.log")
    runtime.load_translations(app, str(settings.value(settings.LANGUAGE)))
    if settings.value(settings.THEME) == "dark":
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    signed = ask_cloud_login(url, user or "")
    if signed is None:
        return 1
    login, site = signed

    def make() -> DataSource:
        return CloudSource(url, token=login.token)

    return _run_window(app, SourceBridge(make), ZoneInfo(site.timezone), "cloud console")  # adopts the login


def _run_window(app: QApplication, bridge: SourceBridge, tz: ZoneInfo, what: str) -> int:
    """The main window over ``bridge`` until it closes; the source stops with everything committed."""
    window = MainWindow(bridge, tz, sign_in=True)
    runtime.install_excepthook(lambda: window)
    watchdog = runtime.StallWatchdog(app)
    watchdog.start()
    window.show()
    # Ctrl-C in the terminal closes the window as the menu would (layout saved, data committed);
    # Python runs signal handlers between Qt events, which the watchdog's timer provides.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    bridge.start()
    try:
        return app.exec()
    finally:
        bridge.stop()
        log.info("%s closed (GUI stalls over 100 ms: %d, longest %.0f ms)", what, watchdog.stalls,
                 watchdog.longest_ms)


def ask_cloud_login(url: str, name: str = "") -> tuple[Login, SiteModel] | None:
    """Ask for the user name and password until the server takes them (None: the person gave up)."""
    while True:
        label = QApplication.translate("Launch", "User name on %1:").replace("%1", url)
        name, ok = QInputDialog.getText(None, "SwitchRoom", label, QLineEdit.EchoMode.Normal, name)
        if not ok or not name.strip():
            return None
        label = QApplication.translate("Launch", "Password of %1:").replace("%1", name.strip())
        password, ok = QInputDialog.getText(None, "SwitchRoom", label, QLineEdit.EchoMode.Password)
        if not ok:
            return None
        try:
            return asyncio.run(sign_in(url, name.strip(), password))
        except Exception as exc:  # refused or unreachable: say why in words and ask again
            log.warning("signing in to %s failed: %s", url, exc)
            failed = QApplication.translate("Launch", "Signing in to the server failed:")
            QMessageBox.warning(None, "SwitchRoom", f"{failed}\n\n{exc}")
