"""The GUI runtime: application set-up, Qt messages into logging, the excepthook, the watchdog,
translations compiled by the real pyside6-lrelease."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, qDebug, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QLabel, QMessageBox

from widgets import runtime
from widgets.runtime import StallWatchdog, install_excepthook, install_message_handler, load_translations

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

# The offscreen platform cannot resize a dialog to its size hint and says so; not a defect.


def test_make_application_configures_the_existing_app(qapp):
    app = runtime.make_application(["switchroom"])
    assert app is qapp
    assert app.organizationName() == "SwitchRoom"
    assert app.applicationName() == "SwitchRoom"
    family = runtime.cjk_family()
    if family is not None:
        assert family in app.font().families()


def test_cjk_font_installed_on_this_machine(qapp):
    # The brief's machines have fonts-noto-cjk; screenshots rely on it.
    assert runtime.cjk_family() == "Noto Sans CJK SC"


def test_qt_messages_go_to_logging(qapp, caplog):
    caplog.set_level(logging.DEBUG, logger="qt")
    previous = install_message_handler()
    try:
        qWarning("a warning from Qt for the log")
        qDebug("a debug line from Qt")
    finally:
        qInstallMessageHandler(previous)
    by_text = {r.getMessage(): r for r in caplog.records if r.name == "qt"}
    assert by_text["a warning from Qt for the log"].levelno == logging.WARNING
    assert by_text["a debug line from Qt"].levelno == logging.DEBUG


def test_uncaught_exception_is_logged_and_shown(qtbot, caplog):
    windows = []
    previous_thread_hook = threading.excepthook
    previous = install_excepthook(lambda: windows[0] if windows else None)
    try:
        try:
            raise ZeroDivisionError("load rate of a transformer with no rating")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: runtime.crash_box() is not None, timeout=5_000)
        box = runtime.crash_box()
        assert isinstance(box, QMessageBox)
        assert box.isVisible()
        assert "load rate of a transformer" in box.informativeText()
        assert "ZeroDivisionError" in box.detailedText()
        ARTIFACTS.mkdir(exist_ok=True)
        box.grab().save(str(ARTIFACTS / "runtime_crash_box.png"))
        # A second failure while the box is open does not open another one.
        sys.excepthook(RuntimeError, RuntimeError("again"), None)
        qtbot.wait(20)
        assert runtime.crash_box() is box
        box.close()
        qtbot.waitUntil(lambda: runtime.crash_box() is None, timeout=5_000)
    finally:
        sys.excepthook = previous
        threading.excepthook = previous_thread_hook
    assert "load rate of a transformer" in caplog.text
    assert "again" in caplog.text


def test_exception_in_another_thread_is_shown_on_gui_thread(qtbot, caplog):
    previous_thread_hook = threading.excepthook
    previous = install_excepthook(lambda: None)
    try:

        def fail() -> None:
            raise ValueError("register map has no such quantity")

        t = threading.Thread(target=fail, name="poll-worker")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: runtime.crash_box() is not None, timeout=5_000)
        box = runtime.crash_box()
        assert "poll-worker" in box.informativeText()
        box.close()
        qtbot.waitUntil(lambda: runtime.crash_box() is None, timeout=5_000)
    finally:
        sys.excepthook = previous
        threading.excepthook = previous_thread_hook
    assert "register map has no such quantity" in caplog.text


def test_watchdog_notices_a_blocked_gui_thread(qtbot, caplog):
    dog = StallWatchdog()
    stalls = []
    dog.stalled.connect(stalls.append)
    dog.start()
    try:
        qtbot.wait(60)
        time.sleep(0.2)  # the GUI thread does something it should not
        qtbot.waitUntil(lambda: dog.stalls >= 1, timeout=5_000)
    finally:
        dog.stop()
    assert dog.longest_ms > dog.threshold_ms
    assert stalls and max(stalls) == dog.longest_ms
    assert "GUI thread was blocked" in caplog.text
    assert not dog.active


def write_ts(folder: Path, language: str, translation: str) -> Path:
    ts = folder / f"switchroom_{language}.ts"
    ts.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="{language}">
<context>
    <name>Runtime</name>
    <message>
        <source>Gateways online</source>
        <translation>{translation}</translation>
    </message>
</context>
</TS>
""",
        encoding="utf-8",
    )
    return ts


@pytest.fixture
def compiled_i18n(tmp_path):
    lrelease = shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    ts = write_ts(tmp_path, "zh_CN", "网关在线")
    subprocess.run([lrelease, str(ts), "-qm", str(tmp_path / "switchroom_zh_CN.qm")],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    return tmp_path


def test_translations_switch_at_runtime(qapp, qtbot, compiled_i18n):
    def text() -> str:
        return QCoreApplication.translate("Runtime", "Gateways online")

    def cancel() -> str:
        return QCoreApplication.translate("QPlatformTheme", "Cancel")

    try:
        assert load_translations(qapp, "zh_CN", compiled_i18n)
        assert text() == "网关在线"
        assert cancel() == "取消"  # Qt's own dialogs follow (qtbase_zh_CN.qm)
        runtime.make_application()  # the CJK fallback font, as the console has it
        label = QLabel(f"{text()} · {cancel()} · 配电房 1# 变压器")
        qtbot.addWidget(label)
        ARTIFACTS.mkdir(exist_ok=True)
        label.grab().save(str(ARTIFACTS / "runtime_zh_CN_label.png"))
        assert not load_translations(qapp, "en", compiled_i18n)
        assert text() == "Gateways online"
        assert cancel() == "Cancel"
    finally:
        load_translations(qapp, "en", compiled_i18n)


def test_missing_translation_is_logged_not_fatal(qapp, tmp_path, caplog):
    try:
        assert not load_translations(qapp, "zh_CN", tmp_path)
        assert "switchroom_zh_CN.qm" in caplog.text
    finally:
        load_translations(qapp, "en", tmp_path)


def test_unknown_language_is_refused(qapp):
    with pytest.raises(ValueError, match="not a language"):
        load_translations(qapp, "../../etc", None)

