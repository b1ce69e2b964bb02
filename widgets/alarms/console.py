"""The alarm side of the console: one object that ties the source's alarms to what the operator sees.

It keeps the active list (`ActiveAlarms`) from the source's first answer and the bridge's
alarm events, and feeds from it the banner, the alarm list, the level-1 popup, the horn and
the overview's counts.  Operator actions (acknowledge, shelve, unshelve), journal searches,
fault records and the flood summary go to the source through `SourceBridge.request`, so
nothing here waits on the GUI thread; the Excel export runs on a thread of its own.
Failures come back in words (`message`), never as a frozen or crashed console.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from app.alarms.export import export_alarms
from app.alarms.fault_store import FaultRecordHeader
from app.alarms.flood import FloodSummary
from app.alarms.journal import JournalEntry
from app.alarms.model import Alarm, AlarmEvent, JournalQuery
from app.auth import Permission
from app.model import Sample
from app.sources.base import SiteModel
from app.video.snapshot_store import SnapshotInfo
from widgets.auth.permissions import allowed
from widgets.bridge import SourceBridge, describe
from widgets.video.snapshot_view import SnapshotView

from .active import ActiveAlarms, snapshot
from .banner import AlarmBanner
from .dialogs import AckDialog, ShelveDialog
from .operator import operator_name
from .popup import CriticalPopup
from .snapshots import SnapshotMarks
from .sound import AlarmSound
from .table import AlarmList
from .words import chinese, level_word, local_time, message

log = logging.getLogger(__name__)

FLOOD_POLL_MS = 1000
#: What opens a fault record as a trend: (title, samples per point, start ms, end ms, the alarm's point).
RecordOpener = Callable[[str, dict[str, list[Sample]], int, int, str], object]


class AlarmConsole(QObject):
    """Banner, list, popup and horn on one active list; see the module docstring."""

    message = Signal(str)  # a result or a failure in words, for the status bar
    counts_changed = Signal(object)  # dict[int, int]: active alarms per level (overview)
    exported = Signal(str, str)  # path, "" or what went wrong
    acknowledged = Signal(object)  # list[Alarm] the source acknowledged
    shelved = Signal(object)  # Alarm shelved or unshelved

    def __init__(
        self,
        bridge: SourceBridge,
        tz: ZoneInfo,
        window: QWidget,
        open_trend: Callable[[str], object],
        open_record: RecordOpener,
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.tz = tz
        self.window = window
        self._open_trend = open_trend
        self._open_record = open_record
        self.site: SiteModel | None = None
        self._device_names: dict[str, tuple[str, str]] = {}
        self._points: set[str] = set()
        self.active = ActiveAlarms(self)
        self.sound = AlarmSound(self)
        self.banner = AlarmBanner(self.sound, tz, self.device_name, self.is_point, window)
        self.popup = CriticalPopup(tz, self.device_name, window)
        self.list: AlarmList | None = None
        self.snapshots = SnapshotMarks(bridge, self)
        self.snapshots.failed.connect(lambda words: log.warning("alarm snapshots could not be listed: %s", words))
        self.snapshot_view: SnapshotView | None = None  # the snapshot dialog opened last (tests look at it)
        self.dialog: AckDialog | ShelveDialog | None = None  # the dialog open now (tests answer it)
        self.flood: FloodSummary | None = None
        self._flood_asked = False
        self._flood_due = True

        bridge.alarm_events.connect(self._on_events)
        self.active.changed.connect(self._changed)
        self.active.raised.connect(self._raised)
        self.banner.acknowledge_requested.connect(self.ask_acknowledge)
        self.banner.trend_requested.connect(self._trend)
        self.popup.acknowledge_requested.connect(self.ask_acknowledge)
        self.popup.point_requested.connect(self._trend)
        self.exported.connect(self._export_done)
        self._flood_timer = QTimer(self)
        self._flood_timer.setInterval(FLOOD_POLL_MS)
        self._flood_timer.timeout.connect(self._poll_flood)

    # -- start ------------------------------------------------------------------------------------

    def start(self, site: SiteModel) -> AlarmList:
        """The source started: make the list for its site and read the active alarms."""
        self.site = site
        self._device_names = {d.id: (d.name, d.name_en) for d in site.devices}
        self._device_names.update({g.id: (g.name, g.name) for g in site.gateways})
        self._points = {p.id for p in site.points}
        self.list = AlarmList(site, self.tz, self.window)
        lst = self.list
        lst.acknowledge_requested.connect(self.ask_acknowledge)
        lst.shelve_requested.connect(self.ask_shelve)
        lst.unshelve_requested.connect(self.unshelve)
        lst.trend_requested.connect(self._trend)
        lst.record_requested.connect(self.open_fault_record)
        lst.snapshot_requested.connect(self.open_snapshot)
        lst.use_snapshots(self.snapshots.of)
        self.snapshots.set_cameras(site.cameras)
        self.snapshots.changed.connect(lst.snapshots_changed)
        lst.history_requested.connect(self.search)
        lst.export_requested.connect(self.export)
        self.bridge.request(snapshot, lambda answer: self.active.load(*answer), self._failed("read the active alarms"))
        self._flood_timer.start()
        self._refresh()
        return lst

    def stop(self) -> None:
        """The console is closing: silence the horn, close the popup."""
        self._flood_timer.stop()
        self.snapshots.stop()
        self.sound.stop()
        self.popup.hide()

    # -- names ------------------------------------------------------------------------------------

    def device_name(self, device: str | None) -> str:
        """A device's (or gateway's) name in the console's language."""
        if not device:
            return ""
        names = self._device_names.get(device)
        if names is None:
            return device
        zh, en = names
        return zh if chinese() or not en else en

    def is_point(self, ident: str) -> bool:
        """Whether ``ident`` is a point of the site (communication alarms name a device or gateway)."""
        return ident in self._points

    def summary(self, alarm: Alarm) -> str:
        """One line about an alarm for a dialog."""
        return f"{local_time(alarm.raised_at, self.tz)}  {level_word(int(alarm.level))}  {message(alarm)}"

    # -- the stream -------------------------------------------------------------------------------

    def _on_events(self, events: list[AlarmEvent]) -> None:
        self._flood_due = True
        self.active.apply(events)

    def _changed(self, ids: set[int]) -> None:
        if self.list is not None:
            self.list.apply(ids, self.active.alarms)
            self.snapshots.watch(a for a in (self.active.get(i) for i in ids) if a is not None)
        self._refresh()

    def _raised(self, alarms: list[Alarm]) -> None:
        self.sound.new_alarms()
        self._flood_due = True

    def _refresh(self) -> None:
        active = self.active
        counts = active.counts()
        self.banner.show_alarms(active.unacked(), counts)
        self.sound.set_levels(active.unacked_levels())
        self.popup.show_alarms(active.unacked(1))
        self.counts_changed.emit(counts)

    # -- flood ------------------------------------------------------------------------------------

    def _poll_flood(self) -> None:
        if self._flood_asked or not (self._flood_due or self.flood is not None):
            return
        self._flood_due = False
        self._flood_asked = True

        def done(flood: FloodSummary | None) -> None:
            self._flood_asked = False
            self.flood = flood
            self.banner.set_flood(flood)

        def failed(exc: Exception) -> None:
            self._flood_asked = False
            log.warning("the flood summary could not be read: %s", describe(exc))

        self.bridge.request(lambda source: source.flood(), done, failed)

    # -- actions ----------------------------------------------------------------------------------

    def ask_acknowledge(self, ids: list[int]) -> AckDialog | None:
        """Ask for an optional comment, then acknowledge ``ids`` (the dialog does not block)."""
        alarms = [a for a in (self.active.get(i) for i in ids) if a is not None and a.state.needs_ack]
        if not alarms:
            self.message.emit(self.tr("Nothing to acknowledge: the alarms are acknowledged already or gone."))
            return None
        alarms = [a for a in alarms if allowed(Permission.ACKNOWLEDGE, a.room)]
        if not alarms:  # the banner and the popup offer it to anyone: refuse here, in words
            self.message.emit(self.tr("You may not acknowledge these alarms (sign in as a user who may)."))
            return None
        dialog = AckDialog([self.summary(a) for a in alarms], self.window)
        dialog.accepted.connect(lambda: self.acknowledge([a.id for a in alarms], dialog.comment_text()))
        dialog.finished.connect(lambda _=0: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def acknowledge(self, ids: list[int], comment: str | None = None) -> None:
        """Acknowledge ``ids`` as the operator, with ``comment``."""
        user = operator_name()

        def done(alarms: list[Alarm]) -> None:
            self.message.emit(self.tr("%n alarm(s) acknowledged", None, len(alarms)))
            self.acknowledged.emit(alarms)

        self.bridge.request(lambda source: source.acknowledge(ids, user, comment), done,
                            self._failed("acknowledge"))  # fmt: skip

    def ask_shelve(self, alarm_id: int) -> ShelveDialog | None:
        """Ask for duration and reason, then shelve."""
        alarm = self.active.get(alarm_id)
        if alarm is None:
            return None
        if not allowed(Permission.SHELVE, alarm.room):
            self.message.emit(self.tr("You may not shelve this alarm (sign in as a user who may)."))
            return None
        dialog = ShelveDialog(self.summary(alarm), self.window)
        dialog.accepted.connect(lambda: self.shelve(alarm_id, dialog.minutes(), dialog.reason_text()))
        dialog.finished.connect(lambda _=0: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def shelve(self, alarm_id: int, minutes: float, reason: str) -> None:
        """Shelve an alarm for ``minutes`` with ``reason``."""
        user = operator_name()

        def done(alarm: Alarm) -> None:
            self.message.emit(self.tr("Alarm shelved until %1").replace("%1", local_time(alarm.shelved_until, self.tz)))
            self.shelved.emit(alarm)

        self.bridge.request(lambda source: source.shelve(alarm_id, minutes, reason, user), done,
                            self._failed("shelve"))  # fmt: skip

    def unshelve(self, ids: list[int]) -> None:
        """Take shelved alarms back now."""
        user = operator_name()
        ids = [i for i in ids if allowed(Permission.SHELVE, getattr(self.active.get(i), "room", None))]
        for alarm_id in ids:
            self.bridge.request(lambda source, i=alarm_id: source.unshelve(i, user), self.shelved.emit,
                                self._failed("unshelve"))  # fmt: skip

    def _trend(self, point: str) -> None:
        if self.is_point(point):
            self._open_trend(point)
        else:
            self.message.emit(self.tr("%1 is a device or gateway, not a point: it has no trend.").replace("%1", point))

    def _failed(self, what: str) -> Callable[[Exception], None]:
        words = {
            "acknowledge": self.tr("Could not acknowledge: %1"),
            "shelve": self.tr("Could not shelve: %1"),
            "unshelve": self.tr("Could not unshelve: %1"),
            "read the active alarms": self.tr("Could not read the active alarms: %1"),
            "search": self.tr("Could not search the journal: %1"),
            "record": self.tr("Could not open the fault record: %1"),
            "snapshot": self.tr("Could not open the snapshot: %1"),
        }[what]

        def report(exc: Exception) -> None:
            log.warning("alarm action failed (%s): %s", what, describe(exc))
            text = words.replace("%1", describe(exc))
            if self.list is not None:
                self.list.status.setText(text)
            self.message.emit(text)

        return report

    # -- history, records, export -----------------------------------------------------------------

    def search(self, query: JournalQuery) -> None:
        """Search the journal for the history tab."""
        lst = self.list

        def done(entries: list[JournalEntry]) -> None:
            if lst is not None:
                lst.show_history(entries)
                self.snapshots.watch(entries)

        def failed(exc: Exception) -> None:
            if lst is not None:
                lst.history_failed(describe(exc))

        self.bridge.request(lambda source: source.alarm_journal(query), done, failed)

    def open_fault_record(self, alarm_id: int) -> None:
        """Open the newest fault record of an alarm as a trend."""

        def headers(found: list[FaultRecordHeader]) -> None:
            if not found:
                self.message.emit(self.tr("Alarm %1 has no fault record.").replace("%1", str(alarm_id)))
                if self.list is not None:
                    self.list.status.setText(self.tr("Alarm %1 has no fault record.").replace("%1", str(alarm_id)))
                return
            header = found[0]
            self.bridge.request(lambda source: source.fault_record(header.id), lambda samples: self._show_record(
                header, samples), self._failed("record"))  # fmt: skip

        self.bridge.request(lambda source: source.fault_records(alarm_id), headers, self._failed("record"))

    def _show_record(self, header: FaultRecordHeader, samples: dict[str, list[Sample]]) -> None:
        alarm = self.active.get(header.alarm_id)
        point = alarm.point if alarm is not None else header.alarm_key.split(":")[0]
        title = self.tr("Fault record %1 (%2)").replace("%1", str(header.id)).replace(
            "%2", local_time(header.trigger_ts, self.tz))  # fmt: skip
        self._open_record(title, samples, header.started, header.ends, point)

    def open_snapshot(self, alarm_id: int) -> None:
        """Open the pictures an alarm's cameras gave (asked of the source when the list has none yet)."""
        known = self.snapshots.of(alarm_id)
        if known:
            self._show_snapshots(alarm_id, known)
            return
        self.bridge.request(lambda source: source.alarm_snapshots(alarm_id),
                            lambda found: self._show_snapshots(alarm_id, found), self._failed("snapshot"))

    def _show_snapshots(self, alarm_id: int, found: list[SnapshotInfo]) -> None:
        if not isValid(self):
            return  # the console closed while the source was being asked
        if not found:
            self.message.emit(self.tr("Alarm %1 has no snapshot.").replace("%1", str(alarm_id)))
            return
        alarm = self.active.get(alarm_id)
        title = self.tr("Snapshot of alarm %1").replace("%1", str(alarm_id))
        if alarm is not None:
            title += f" — {message(alarm)}"
        names = self.list.name if self.list is not None else (lambda _kind, ident: ident or "")
        view = SnapshotView(self.bridge, found, lambda camera: names("camera", camera), self.tz, self.window,
                            title=title)
        self.snapshot_view = view
        view.show()

    def export(self, path: str, rows: list, title: str, filters: str) -> threading.Thread:
        """Write ``rows`` to the Excel file ``path`` on a thread of its own; `exported` says how it went."""
        site_name = ""
        if self.site is not None:
            site_name = self.site.name if chinese() or not self.site.name_en else self.site.name_en
        lang = "zh" if chinese() else "en"
        user = operator_name()
        tz = self.tz

        def work() -> None:
            try:
                export_alarms(Path(path), rows, site_name=site_name, title=title, generated_by=user, lang=lang,
                              filters=filters, tz=tz)  # fmt: skip
            except Exception as exc:  # reported in words on the GUI thread
                log.warning("alarm export to %s failed: %s", path, exc)
                self.exported.emit(path, describe(exc))
            else:
                self.exported.emit(path, "")

        thread = threading.Thread(target=work, name="alarm-export", daemon=True)
        thread.start()
        return thread

    def _export_done(self, path: str, error: str) -> None:
        if error:
            text = self.tr("The export to %1 failed: %2").replace("%1", path).replace("%2", error)
        else:
            text = self.tr("Exported to %1").replace("%1", path)
        if self.list is not None:
            self.list.status.setText(text)
        self.message.emit(text)
