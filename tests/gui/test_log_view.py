"""The log view: records from other threads, filters, the bound, and auto-scroll."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from widgets.log_view import COL_LEVEL, COL_LOGGER, COL_MESSAGE, LogView

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def view(qtbot):
    v = LogView(flush_ms=10)
    qtbot.addWidget(v)
    log = logging.getLogger("switchroom.test.logview")
    log.setLevel(logging.DEBUG)
    log.propagate = False  # keep pytest's capture out of it
    v.install(log)
    yield v, log
    v.uninstall()


def shown(v: LogView, column: int = COL_MESSAGE) -> list[str]:
    return [v.proxy.index(r, column).data() for r in range(v.proxy.rowCount())]


def test_records_from_a_worker_thread(qtbot, view):
    v, log = view
    gui_thread = threading.get_ident()
    seen_threads: list[int] = []
    v.table_model.rowsInserted.connect(lambda *_: seen_threads.append(threading.get_ident()))

    def work() -> None:
        for i in range(50):
            log.info("poll %d of gateway %s", i, "DTU-1")
        try:
            raise ValueError("bad frame")
        except ValueError:
            log.exception("decoding failed")

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    qtbot.waitUntil(lambda: v.table_model.rowCount() == 51, timeout=5000)
    assert shown(v)[0] == "poll 0 of gateway DTU-1"
    assert shown(v)[-1] == "decoding failed"  # first line; the traceback is in the tooltip
    last = v.proxy.index(50, COL_MESSAGE)
    assert "ValueError: bad frame" in last.data(3)  # ToolTipRole
    assert v.proxy.index(0, COL_LOGGER).data() == "switchroom.test.logview"
    assert v.proxy.index(50, COL_LEVEL).data() == "ERROR"
    assert seen_threads and set(seen_threads) == {gui_thread}  # rows are only ever added on the GUI thread


def test_level_and_text_filters(qtbot, view):
    v, log = view
    log.debug("scan tick")
    log.info("DTU-2 registered")
    log.warning("DTU-2 heartbeat late")
    log.error("historian write failed")
    qtbot.waitUntil(lambda: v.table_model.rowCount() == 4, timeout=5000)
    v.level.setCurrentIndex(2)  # warning and above
    assert shown(v) == ["DTU-2 heartbeat late", "historian write failed"]
    v.filter_box.setText("dtu-2")
    assert shown(v) == ["DTU-2 heartbeat late"]
    v.level.setCurrentIndex(0)
    assert shown(v) == ["DTU-2 registered", "DTU-2 heartbeat late"]
    v.filter_box.setText("logview")  # the logger's name matches too
    assert len(shown(v)) == 4


def test_bounded_and_auto_scroll(qtbot):
    v = LogView(capacity=100, flush_ms=10)
    qtbot.addWidget(v)
    log = logging.getLogger("switchroom.test.bounded")
    log.setLevel(logging.INFO)
    log.propagate = False
    v.install(log)
    try:
        v.resize(700, 300)
        for i in range(250):
            log.info("line %d", i)
        qtbot.waitUntil(lambda: v.table_model.rowCount() == 100 and not v._pending, timeout=5000)
        assert shown(v)[0] == "line 150" and shown(v)[-1] == "line 249"
        bar = v.table.verticalScrollBar()
        assert bar.value() == bar.maximum() > 0  # followed the tail
        bar.setValue(0)  # the engineer scrolls up to read
        log.info("one more")
        qtbot.waitUntil(lambda: shown(v)[-1] == "one more", timeout=5000)
        assert bar.value() == 0
        v.table_model.clear()
        assert v.proxy.rowCount() == 0
    finally:
        v.uninstall()


def test_screenshot(qtbot, view):
    v, log = view
    v.resize(900, 260)
    for level, text in [(logging.INFO, "direct source running: 971 points"),
                        (logging.INFO, "DTU-1 registered from 127.0.0.1:40112"),
                        (logging.WARNING, "DTU-2 heartbeat late by 12 s"),
                        (logging.ERROR, "T2-TCU: no answer (comm_fail)"),
                        (logging.INFO, "网关 DTU-4 已上线")]:  # fmt: skip
        log.log(level, text)
    qtbot.waitUntil(lambda: v.table_model.rowCount() == 5, timeout=5000)
    ARTIFACTS.mkdir(exist_ok=True)
    assert v.grab().save(str(ARTIFACTS / "log_view.png"))
