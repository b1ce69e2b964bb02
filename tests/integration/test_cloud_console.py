"""The console window in cloud mode: MainWindow over a SourceBridge whose source is a CloudSource.

The demo plant and the real server run on a thread of their own (as a server would run
elsewhere); the console signs in with the test administrator, adopts that login, and shows
live values, gateway states and a trend with history — the same screens as in direct mode.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from app.__main__ import build_parser
from app.sources.cloud import CloudSource
from tests.integration.cloud_rig import ADMIN, ADMIN_PW, server_in_thread
from widgets import settings
from widgets.bridge import SourceBridge
from widgets.main_window import MainWindow

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def test_the_console_in_cloud_mode_shows_live_values(qtbot, tmp_path, sqlite_url):
    settings.use_file(tmp_path / "settings.ini")
    with server_in_thread(sqlite_url) as url:
        bridge = SourceBridge(lambda: CloudSource(url, credentials=(ADMIN, ADMIN_PW)))
        window = MainWindow(bridge, ZoneInfo("Asia/Shanghai"), sign_in=True)
        qtbot.addWidget(window)
        window.resize(1600, 1000)
        window.show()
        try:
            began = int(time.time() * 1000)
            with qtbot.waitSignal(bridge.started, timeout=30_000):
                bridge.start()
            assert window.browser is not None and window.overview is not None
            qtbot.waitUntil(lambda: len(bridge.latest) >= 900, timeout=30_000)
            # live: values stamped after the console started keep coming
            qtbot.waitUntil(lambda: bridge.latest["T1-LV-IN.Ia"].ts > began, timeout=30_000)
            first = bridge.latest["T1-LV-IN.Ia"].ts
            qtbot.waitUntil(lambda: bridge.latest["T1-LV-IN.Ia"].ts > first, timeout=30_000)
            qtbot.waitUntil(lambda: "Gateways online: 4/4" in window.gateways_label.text(), timeout=15_000)
            assert "cloud" in window.source_label.text()
            qtbot.waitUntil(lambda: ADMIN in window.user_label.text() or "测试管理员" in window.user_label.text(),
                            timeout=10_000)  # the login the source came with, adopted
            window.browser.open_trend.emit("T1-LV-IN.Ia")
            assert len(window.trends) == 1
            qtbot.wait(2000)
            ARTIFACTS.mkdir(exist_ok=True)
            window.grab().save(str(ARTIFACTS / "main-window-cloud.png"))
        finally:
            window.close()
            bridge.stop()
            settings.use_file(None)


def test_the_cloud_option_of_the_console_command(tmp_path):
    """`python -m app --cloud URL [--user NAME]` is the console's; the options of a local site do not mix."""
    args = build_parser().parse_args(["console", "--cloud", "https://scada.example:8443", "--user", "wang"])
    assert (args.cloud, args.user) == ("https://scada.example:8443", "wang")
    env = {**os.environ, "SWITCHROOM_DATA": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "app", "--cloud", "http://127.0.0.1:9", "--text"],
                          check=False, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and "--cloud" in done.stderr


def test_the_cloud_console_asks_for_the_login_before_its_window(qtbot, tmp_path, sqlite_url):
    """`ask_cloud_login`: a wrong password is said and asked again; the right one gives the login and
    the server's site (the window needs its time zone before the bridge starts)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

    from widgets.launch import ask_cloud_login

    answers = [ADMIN, "wrong-password-here", ADMIN, ADMIN_PW]
    warnings: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QInputDialog) and answers:
            box.setTextValue(answers.pop(0))
            box.accept()
        elif isinstance(box, QMessageBox):
            warnings.append(box.text())
            box.accept()
        if answers or isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer)

    with server_in_thread(sqlite_url, simulate=False) as url:
        QTimer.singleShot(50, answer)
        signed = ask_cloud_login(url, "")
    assert signed is not None
    login, site = signed
    assert login.user.name == ADMIN and site.timezone == "Asia/Shanghai"
    assert len(warnings) == 1 and ("password" in warnings[0] or "密码" in warnings[0])
