"""The operator console's main window: docks, menus, the alarm banner's place, the status bar.

Every pane is a dock an operator can move, float onto a second monitor or close; the layout is
saved per user and can be reset to the default.  The window owns no data: it wires the
`SourceBridge`'s signals to the panes and the panes' requests back to the bridge.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm
from app.diagram.fileformat import loads
from app.diagram.model import Diagram
from app.diagram.replay import diagram_for
from app.diagram.symbols import load_library
from app.model import Sample
from app.paths import data_dir
from app.process import settle_after_start
from app.sources.base import CameraInfo, DataSource, SourceStatus
from drivers.link import LinkEvent, LinkState
from widgets import runtime, settings
from widgets.alarms import AlarmConsole
from widgets.alarms.operator import operator_name
from widgets.auth.access import ConsoleAccess
from widgets.bridge import SourceBridge, describe
from widgets.devices import DeviceBrowser
from widgets.limits import LimitsDialog
from widgets.log_view import LogView
from widgets.overview import OverviewView
from widgets.reports.pane import ReportsPane
from widgets.topology.pane import DiagramPane
from widgets.topology.replay import replay_alarm
from widgets.trends import TrendSetError, TrendView
from widgets.video.pane import VideoPane
from widgets.video.popup import AlarmCameraPopup
from widgets.video.urls import via_bridge

log = logging.getLogger(__name__)

OPEN_PREFIX = "open-"  # trend sets under these names are the trends open at the last close


class MainWindow(QMainWindow):
    """Docks: overview (centre), device browser, trends, log; banner on top; status bar below."""

    def __init__(self, bridge: SourceBridge, tz: ZoneInfo, parent: QWidget | None = None, *,
                 sign_in: bool = False) -> None:
        """``sign_in``: the console has logins (the launcher's case): first administrator, login, lock,
        greyed controls (`widgets.auth`); without it every pane works as for a single trusted user."""
        super().__init__(parent)
        self.bridge = bridge
        self.tz = tz
        self.setObjectName("MainWindow")
        self.resize(1400, 900)
        self.trends: list[TrendView] = []
        self._trend_serial = 0
        self._docks: dict[str, QDockWidget] = {}
        self._texts: list[tuple[Callable[[str], object], str]] = []  # (setter, English source)
        self._site_name = ""
        self._default_state: QByteArray | None = None

        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        # Alarms: the banner lives on top, always visible; the list becomes a dock once the site is known.
        self.alarms = AlarmConsole(bridge, tz, self, self.open_trend, self.open_fault_record)
        self.alarms.message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.banner = self.alarms.banner
        self.banner.list_requested.connect(self.show_alarm_list)
        column.addWidget(self.banner)
        # The plant's two pictures: the overview and the single-line diagram, one click apart.
        self.views = QTabWidget(self)
        self.views.setDocumentMode(True)
        column.addWidget(self.views, 1)
        self.setCentralWidget(central)
        self.setDockNestingEnabled(True)

        self.log_view = LogView(self)
        self.log_view.install()
        log_dock = self._dock("log", "", self.log_view, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._t(log_dock.setWindowTitle, QT_TRANSLATE_NOOP("MainWindow", "Log"))
        self._make_status_bar()
        self.access = ConsoleAccess(bridge, self, self.banner, self.user_label, tz) if sign_in else None
        self._make_menus()
        self._title()
        self.overview: OverviewView | None = None
        self.browser: DeviceBrowser | None = None
        self.diagrams: DiagramPane | None = None
        self.video: VideoPane | None = None  # only on a site with cameras
        self._video_seen = True  # the video dock in front (what to go back to when the window is restored)
        self._replays: list[QWidget] = []
        self._was_connected: bool | None = None  # the source's connection at the last status (cloud outages)

        bridge.started.connect(self._source_started)
        if self.access is not None:  # after the panes exist: first administrator, then the login
            bridge.started.connect(self.access.begin)
        bridge.samples.connect(self._on_samples)
        bridge.link_event.connect(self._on_link)
        bridge.status.connect(self._on_status)
        bridge.error.connect(self._on_error)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()

    # -- construction -------------------------------------------------------------------------

    def _t(self, setter: Callable[[str], object], source: str) -> None:
        """Set a static text now and again whenever the language changes."""
        self._texts.append((setter, source))
        setter(QCoreApplication.translate("MainWindow", source))

    def _title(self) -> None:
        if self._site_name:
            self.setWindowTitle(
                QCoreApplication.translate("MainWindow", "SwitchRoom — %1").replace("%1", self._site_name)
            )
        else:
            self.setWindowTitle(QCoreApplication.translate("MainWindow", "SwitchRoom"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Retranslate when the language is switched at runtime."""
        if event.type() == QEvent.Type.LanguageChange:
            for setter, source in self._texts:
                setter(QCoreApplication.translate("MainWindow", source))
            self._title()
            if self.access is not None:
                self.access.retranslate()
        elif event.type() == QEvent.Type.WindowStateChange and self.video is not None:
            # a minimised console shows no picture: stop decoding until it is back (as a hidden dock does)
            self.video.set_on_screen(not self.isMinimized() and self._video_seen)
        super().changeEvent(event)

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self._docks[name] = dock
        return dock

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.source_label = QLabel(QCoreApplication.translate("MainWindow", "Source: starting…"), self)
        self.gateways_label = QLabel(QCoreApplication.translate("MainWindow", "Gateways: –"), self)
        self.db_label = QLabel(QCoreApplication.translate("MainWindow", "Database: –"), self)
        # Hidden while every notification channel works; a failing one is said in words.
        self.notify_label = QLabel(self)
        self.notify_label.setStyleSheet("color: #c62828;")
        self.notify_label.hide()
        self.user_label = QLabel(self)  # "display name (role)" once signed in (widgets.auth)
        self._t(self.user_label.setText, QT_TRANSLATE_NOOP("MainWindow", "Not logged in"))
        self.clock_label = QLabel(self)
        for w in (self.source_label, self.gateways_label, self.db_label, self.notify_label, self.user_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.clock_label)

    def _make_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("")
        self._t(file_menu.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&File"))
        quit_action = QAction(self)
        self._t(quit_action.setText, QT_TRANSLATE_NOOP("MainWindow", "&Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = menus.addMenu("")
        self._t(view.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&View"))
        self.view_menu = view
        self.fullscreen_action = QAction(self, checkable=True)
        self._t(self.fullscreen_action.setText, QT_TRANSLATE_NOOP("MainWindow", "&Full screen"))
        self.fullscreen_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.fullscreen_action.toggled.connect(self.set_full_screen)
        view.addAction(self.fullscreen_action)
        reset = QAction(self)
        self._t(reset.setText, QT_TRANSLATE_NOOP("MainWindow", "&Reset layout"))
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        view.addSeparator()
        theme = view.addMenu("")
        self._t(theme.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&Theme"))
        for key, label in (
            ("light", QT_TRANSLATE_NOOP("MainWindow", "Light")),
            ("dark", QT_TRANSLATE_NOOP("MainWindow", "Dark")),
        ):
            action = QAction(self, checkable=True)
            self._t(action.setText, label)
            action.setChecked(settings.value(settings.THEME) == key)
            action.triggered.connect(lambda _=False, k=key: self._choose(settings.THEME, k))
            theme.addAction(action)
        language = view.addMenu("")
        self._t(language.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&Language"))
        for key, label in (("zh_CN", "简体中文"), ("en", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(settings.value(settings.LANGUAGE) == key)
            action.triggered.connect(lambda _=False, k=key: self._choose(settings.LANGUAGE, k))
            language.addAction(action)
        view.addSeparator()
        view.addAction(self._docks["log"].toggleViewAction())

        alarms = menus.addMenu("")
        self._t(alarms.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&Alarms"))
        self.alarm_list_action = QAction(self)
        self._t(self.alarm_list_action.setText, QT_TRANSLATE_NOOP("MainWindow", "Alarm &list"))
        self.alarm_list_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        self.alarm_list_action.triggered.connect(self.show_alarm_list)
        alarms.addAction(self.alarm_list_action)
        mute = QAction(self)
        self._t(mute.setText, QT_TRANSLATE_NOOP("MainWindow", "&Mute the alarm sound for 5 minutes"))
        mute.triggered.connect(lambda _=False: self.alarms.sound.mute())
        alarms.addAction(mute)

        tools = menus.addMenu("")
        self._t(tools.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&Tools"))
        new_trend = QAction(self)
        self._t(new_trend.setText, QT_TRANSLATE_NOOP("MainWindow", "New &trend"))
        new_trend.setShortcut(QKeySequence("Ctrl+T"))
        new_trend.triggered.connect(lambda: self.open_trend(None))
        tools.addAction(new_trend)
        save_set = QAction(self)
        self._t(save_set.setText, QT_TRANSLATE_NOOP("MainWindow", "&Save trend as set…"))
        save_set.triggered.connect(self._save_trend_set)
        tools.addAction(save_set)
        self.sets_menu = tools.addMenu("")
        self._t(self.sets_menu.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&Open trend set"))
        self.sets_menu.aboutToShow.connect(self._fill_sets_menu)
        if self.access is not None:
            self.access.fill_tools_menu(tools)
            user_menu = menus.addMenu("")
            self._t(user_menu.setTitle, QT_TRANSLATE_NOOP("MainWindow", "&User"))
            self.access.fill_user_menu(user_menu)

        toolbar = self.addToolBar("")
        self._t(toolbar.setWindowTitle, QT_TRANSLATE_NOOP("MainWindow", "Main"))
        toolbar.setObjectName("toolbar-main")
        toolbar.addAction(new_trend)
        toolbar.addAction(self.fullscreen_action)
        toolbar.addAction(reset)

    # -- the source -------------------------------------------------------------------------------

    @Slot()
    def _source_started(self) -> None:
        site = self.bridge.site()
        self._site_name = site.name
        self._title()
        self.overview = OverviewView(site, self, first_of_day=self._first_of_day)
        self.overview.open_trend.connect(self.open_trend)
        self.views.addTab(self.overview, "")
        self._t(lambda text: self.views.setTabText(0, text), QT_TRANSLATE_NOOP("MainWindow", "Overview"))
        self.diagrams = DiagramPane(self.bridge, site, self, self.tz)
        self.diagrams.open_device.connect(self._show_device)
        self.diagrams.open_trend.connect(self.open_trend)
        self.diagrams.show_camera.connect(self._show_camera)
        self.bridge.alarm_events.connect(self.diagrams.on_alarm_events)
        self.views.addTab(self.diagrams, "")
        self._t(lambda text: self.views.setTabText(1, text), QT_TRANSLATE_NOOP("MainWindow", "Single-line diagram"))
        self.browser = DeviceBrowser(site, self)
        self.browser.open_trend.connect(self.open_trend)
        self.browser.edit_limits.connect(self.edit_limits)
        dock = self._dock("devices", "", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._t(dock.setWindowTitle, QT_TRANSLATE_NOOP("MainWindow", "Devices"))
        self.view_menu.addAction(dock.toggleViewAction())
        self.alarm_list = self.alarms.start(site)
        self.alarm_list.replay_requested.connect(self.replay_alarm)
        self.alarms.counts_changed.connect(self.overview.set_alarm_counts)
        self.overview.set_alarm_counts(self.alarms.active.counts())
        alarm_dock = self._dock("alarms", "", self.alarm_list, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._t(alarm_dock.setWindowTitle, QT_TRANSLATE_NOOP("MainWindow", "Alarms"))
        self.tabifyDockWidget(alarm_dock, self._docks["log"])
        QTimer.singleShot(0, alarm_dock.raise_)  # once the tabs exist: alarms in front of the log
        self.view_menu.addAction(alarm_dock.toggleViewAction())
        self._add_video(site.cameras)
        # a linked alarm of a popup level brings its camera forward, the alarm's words on the picture
        self.camera_popup = AlarmCameraPopup(parent=self)
        self.camera_popup.set_cameras(site.cameras)
        self.bridge.alarm_events.connect(self.camera_popup.feed)
        self.camera_popup.open_camera.connect(self.show_camera)
        self.reports = ReportsPane(self.bridge, data_dir() / "reports", self, user=operator_name)
        self.reports.set_site(site)
        self.views.addTab(self.reports, "")
        self._t(lambda text: self.views.setTabText(self.views.indexOf(self.reports), text),
                QT_TRANSLATE_NOOP("MainWindow", "Reports and energy"))
        self.bridge.request(lambda source: source.kind, lambda kind: self.reports.set_schedules_here(kind == "direct"),
                            lambda _exc: None)
        self._default_state = self.saveState()
        self._restore_layout()
        if self.video is not None:
            self.video.restore_layout_state(settings.value(settings.VIDEO_LAYOUT))
        if self.bridge.latest:
            self._on_samples(dict(self.bridge.latest))
        self._reopen_trends()
        # The site's views live for the whole shift: take them out of the collector's full
        # passes, which otherwise walk every row of a big tree and stall the GUI (bench: console).
        settle_after_start()

    def _show_device(self, device: str) -> None:
        """A symbol was clicked: show its device in the browser (the pane opens its faceplate)."""
        if self.browser is not None:
            self.browser.select_device(device)

    def _add_video(self, cameras: list[CameraInfo]) -> None:
        """The video pane, docked right of the plant's pictures (a site without cameras has none)."""
        if not cameras:
            return
        self.video = VideoPane(cameras, via_bridge(self.bridge), self)
        self.video.message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.video.raise_requested.connect(self._raise_video)
        dock = self._dock("video", "", self.video, Qt.DockWidgetArea.RightDockWidgetArea)
        self._t(dock.setWindowTitle, QT_TRANSLATE_NOOP("MainWindow", "Video"))
        self.video.follow(dock)  # a dock tabbed away or closed stops decoding
        dock.visibilityChanged.connect(self._video_visibility)
        self.resizeDocks([dock], [560], Qt.Orientation.Horizontal)
        self.view_menu.addAction(dock.toggleViewAction())

    def _video_visibility(self, seen: bool) -> None:
        self._video_seen = seen

    def _raise_video(self) -> None:
        dock = self._docks.get("video")
        if dock is not None:
            dock.show()
            dock.raise_()
            if dock.isFloating():
                dock.activateWindow()

    def show_camera(self, camera: str, reason: str = "") -> None:
        """Bring the video pane forward showing ``camera`` (an alarm's popup, a faceplate), ``reason`` on it."""
        if self.video is not None:
            self.video.show_camera(camera, reason)
            return
        self.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "This site has no camera %1.").replace("%1", camera), 10_000)

    def _show_camera(self, camera: str) -> None:
        """A faceplate asked for a camera."""
        self.show_camera(camera)

    def replay_alarm(self, row: Alarm | JournalEntry) -> None:
        """Post-fault replay at an alarm: the site's diagrams are fetched and parsed off the GUI thread,
        the one drawing the alarm's point or device is replayed at the moment it was raised."""
        site = self.bridge.site()

        async def fetch(source: DataSource) -> list[Diagram]:
            library = load_library()
            return [loads(await source.diagram(d.id), library, source=d.id) for d in site.diagrams]

        def done(diagrams: list[Diagram]) -> None:
            diagram = diagram_for(diagrams, row.device, row.point, row.room)
            if diagram is None:
                self.statusBar().showMessage(QCoreApplication.translate(
                    "MainWindow", "No single-line diagram shows this alarm's device."), 10_000)
                return
            window = replay_alarm(self.bridge, diagram, site, row, self.tz, None)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._replays.append(window)
            window.destroyed.connect(lambda _=None, w=window: self._replays.remove(w) if w in self._replays else None)

        self.bridge.request(fetch, done, lambda exc: self._on_error(describe(exc)))

    @Slot(object)
    def _on_samples(self, batch: dict[str, Sample]) -> None:
        if self.diagrams is not None:
            self.diagrams.on_samples(batch)
        if self.browser is not None:
            self.browser.on_samples(batch)
        if self.overview is not None:
            self.overview.on_samples(batch)
        for trend in self.trends:
            trend.on_samples(batch)

    @Slot(object)
    def _on_link(self, event: LinkEvent) -> None:
        online = event.state is LinkState.ONLINE
        if event.state in (LinkState.ONLINE, LinkState.OFFLINE):
            if self.browser is not None:
                self.browser.on_gateway_state(event.gateway, online)
            if self.overview is not None:
                self.overview.on_gateway_state(event.gateway, online)

    @Slot(object)
    def _on_status(self, status: SourceStatus) -> None:
        kind = (
            QCoreApplication.translate("MainWindow", "direct")
            if status.kind == "direct"
            else QCoreApplication.translate("MainWindow", "cloud")
        )
        if status.kind != "direct" and not status.connected:
            kind = QCoreApplication.translate("MainWindow", "cloud (connection lost, reconnecting…)")
        self.source_label.setText(QCoreApplication.translate("MainWindow", "Source: %1").replace("%1", kind))
        self.source_label.setStyleSheet("" if status.connected else "color: #c62828; font-weight: bold")
        if status.connected and self._was_connected is False:
            for trend in self.trends:  # the server backfilled the outage: read it into the open trends
                trend.reread()
        self._was_connected = status.connected
        self.gateways_label.setText(
            QCoreApplication.translate("MainWindow", "Gateways online: %1/%2")
            .replace("%1", str(status.gateways_online))
            .replace("%2", str(status.gateways_total))
        )
        self.db_label.setText(
            QCoreApplication.translate("MainWindow", "Database: %1").replace(
                "%1", QCoreApplication.translate("MainWindow", "OK") if status.db == "ok" else status.db
            )
        )
        failing = status.notify != "ok"
        self.notify_label.setVisible(failing)
        if failing:
            zh, _, en = status.notify.partition(" / ")
            words = zh if runtime.names_language() == "zh" else (en or zh)
            self.notify_label.setText(QCoreApplication.translate("MainWindow", "Notification: %1").replace("%1", words))
            self.notify_label.setToolTip(status.notify)
        if self.overview is not None:
            self.overview.on_status(status)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        log.error("%s", message)
        self.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "SwitchRoom"), message)

    @Slot()
    def _tick(self) -> None:
        self.clock_label.setText(datetime.now(self.tz).strftime("%Y-%m-%d %H:%M:%S"))

    # -- trends ----------------------------------------------------------------------------------

    @Slot(str)
    def edit_limits(self, point: str) -> LimitsDialog:
        """The alarm limits dialog of ``point`` (non-modal: the console keeps running behind it)."""
        info = next((p for p in self.bridge.site().points if p.id == point), None)
        name = (info.name if runtime.names_language() == "zh" else info.name_en) if info else point
        dialog = LimitsDialog(self.bridge, point, name, info.unit if info else "", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_trend(self, point: str | None) -> TrendView:
        """A new trend pane (with ``point`` as its first pen)."""
        site = self.bridge.site()
        infos = {p.id: p for p in site.points}
        view = TrendView(self._fetch_history, infos.get, self.tz, self)
        if point:
            view.add_pen(point)
        self.trends.append(view)
        self._trend_serial += 1
        name = f"trend-{self._trend_serial}"
        title = QCoreApplication.translate("MainWindow", "Trend %1").replace("%1", str(self._trend_serial))
        # Trends open as tabs beside the log, below the overview: the overview keeps its width.
        dock = self._dock(name, title, view, Qt.DockWidgetArea.BottomDockWidgetArea)
        log_dock = self._docks["log"]
        if log_dock.isVisible() and not log_dock.isFloating():
            self.tabifyDockWidget(log_dock, dock)
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dock.destroyed.connect(lambda _=None, v=view, n=name: self._trend_closed(v, n))
        QTimer.singleShot(0, dock.raise_)  # once the tab exists, bring it to the front
        return view

    def open_fault_record(self, title: str, samples: dict[str, list[Sample]], start: int, end: int,
                          point: str) -> TrendView:
        """A trend pane showing a fault record's samples as recorded (``point``, the alarm's, drawn first)."""
        view = self.open_trend(None)
        view.show_samples(samples, start, end, first=point)
        name = next(n for n, d in self._docks.items() if d.widget() is view)
        self._docks[name].setWindowTitle(title)
        return view

    def show_alarm_list(self) -> None:
        """Bring the alarm list forward (menu, F9, the banner's button)."""
        dock = self._docks.get("alarms")
        if dock is not None:
            dock.show()
            dock.raise_()

    # -- trend sets: the open trends come back on restart; named sets on demand --------------------

    @staticmethod
    def _stored_sets() -> dict[str, object]:
        return dict(json.loads(settings.value(settings.TREND_SETS) or "{}"))

    def _remember_open_trends(self) -> None:
        sets = {k: v for k, v in self._stored_sets().items() if not k.startswith(OPEN_PREFIX)}
        for i, view in enumerate(self.trends, 1):
            sets[f"{OPEN_PREFIX}{i}"] = view.to_dict()
        settings.set_value(settings.TREND_SETS, json.dumps(sets, ensure_ascii=False))

    def _reopen_trends(self) -> None:
        for key, data in sorted(self._stored_sets().items()):
            if key.startswith(OPEN_PREFIX):
                self._open_set(data)

    def _open_set(self, data: object) -> None:
        view = self.open_trend(None)
        try:
            missing = view.from_dict(data)
        except TrendSetError as exc:
            log.warning("a stored trend set could not be opened: %s", exc)
            return
        if missing:
            log.warning("trend set points not on this site: %s", ", ".join(missing))

    def _save_trend_set(self) -> None:
        if not self.trends:
            return
        name, ok = QInputDialog.getText(self, QCoreApplication.translate("MainWindow", "Save trend set"),
                                        QCoreApplication.translate("MainWindow", "Name of the set:"))  # fmt: skip
        name = name.strip()
        if ok and name and not name.startswith(OPEN_PREFIX):
            sets = self._stored_sets()
            sets[name] = self.trends[-1].to_dict()
            settings.set_value(settings.TREND_SETS, json.dumps(sets, ensure_ascii=False))

    def _fill_sets_menu(self) -> None:
        self.sets_menu.clear()
        for name, data in sorted(self._stored_sets().items()):
            if not name.startswith(OPEN_PREFIX):
                action = self.sets_menu.addAction(name)
                action.triggered.connect(lambda _=False, d=data: self._open_set(d))

    def _trend_closed(self, view: TrendView, name: str) -> None:
        if view in self.trends:
            self.trends.remove(view)
        self._docks.pop(name, None)

    def _first_of_day(self, points: list[str], on_done) -> None:  # noqa: ANN001
        """Each counter's value at the site's local midnight (today's energy starts there)."""
        now = datetime.now(self.tz)
        midnight = int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)

        def values(found: dict) -> None:
            on_done({point: sample.value for point, sample in found.items()})

        self.bridge.request(lambda source: source.as_of(points, midnight), values, lambda exc: log.warning(
            "today's energy baseline could not be read: %s", exc))  # fmt: skip

    def _fetch_history(self, point: str, start: int, end: int, max_points: int, on_done, on_error) -> None:  # noqa: ANN001
        self.bridge.request(lambda source: source.history(point, start, end, max_points), on_done, on_error)

    # -- layout ----------------------------------------------------------------------------------

    def set_full_screen(self, on: bool) -> None:
        """Full screen for a wall display (F11)."""
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def reset_layout(self) -> None:
        """Back to the default arrangement of panes."""
        if self._default_state is not None:
            self.restoreState(self._default_state)
        for dock in self._docks.values():
            dock.setFloating(False)
            dock.show()

    def _restore_layout(self) -> None:
        geometry = settings.value(settings.WINDOW_GEOMETRY)
        state = settings.value(settings.WINDOW_STATE)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        if state:
            self.restoreState(QByteArray(state))

    def save_layout(self) -> None:
        """Remember the window's geometry and the docks' arrangement for this user."""
        settings.set_value(settings.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        settings.set_value(settings.WINDOW_STATE, bytes(self.saveState().data()))
        if self.video is not None:
            settings.set_value(settings.VIDEO_LAYOUT, self.video.layout_state())

    def _choose(self, setting: settings.Setting, value: str) -> None:
        settings.set_value(setting, value)
        if setting is settings.LANGUAGE:
            app = QCoreApplication.instance()
            if app is not None:
                runtime.load_translations(app, value)  # every pane retranslates itself
            return
        QMessageBox.information(
            self,
            QCoreApplication.translate("MainWindow", "SwitchRoom"),
            QCoreApplication.translate("MainWindow", "The change takes effect when the console restarts."),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Save the layout and the open trends on the way out."""
        self.save_layout()
        if self.video is not None:
            self.video.shutdown()
        self.alarms.stop()
        self._remember_open_trends()
        self.log_view.uninstall()
        super().closeEvent(event)
