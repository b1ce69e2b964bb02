"""The reports pane: choose a report and a range, export it to Excel in one click; analysis, templates, schedules.

Building and writing a report runs on the core loop and a worker thread (`app.reports`), never
on the GUI thread; the pane shows its progress and can cancel it, and a refusal — no readings
in the range, no tariff in the site file, a folder that cannot be written — is said in words.
Only users with the export_reports permission may export (the button greys out otherwise).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.analysis.tariff import Tariff, TariffError, tariff_from_mapping
from app.auth import Permission
from app.reports.catalog import KINDS, build_report
from app.reports.custom import TemplateShelf
from app.reports.energy import NoData
from app.reports.excel import write_report
from app.reports.runner import JOBS, TEMPLATES
from app.reports.table import Cancelled
from app.sources.base import DataSource, SiteModel
from widgets.auth.permissions import allowed
from widgets.auth.permissions import current as current_permissions
from widgets.bridge import SourceBridge, describe
from widgets.reports.analysis import AnalysisView
from widgets.reports.plant_view import PlantView
from widgets.reports.schedules import JobsEditor
from widgets.reports.templates import TemplateEditor
from widgets.runtime import names_language


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the workbook (tests replace this; a modal dialog would wait for a person)."""
    title = QCoreApplication.translate("ReportsPane", "Save report")
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel (*.xlsx)")
    return Path(name) if name else None


class _Progress(QObject):
    """Carries progress from the core thread to the GUI (a queued signal)."""

    moved = Signal(int)


class ReportsPane(QWidget):
    """The manager's pane; ``exported`` carries the written file's path."""

    exported = Signal(object)
    failed = Signal(str)

    def __init__(self, bridge: SourceBridge, folder: Path, parent: QWidget | None = None, *,
                 user: Callable[[], str] = lambda: "", schedules_here: bool = True) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.folder = folder  # the reports folder: templates.json and jobs.json, as the core's scheduler reads
        self.templates = folder / TEMPLATES
        self.user = user
        self.site: SiteModel | None = None
        self._tariff: Tariff | None = None
        self._tariff_problem = ""
        self._cancel = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._moved)

        self.kind = QComboBox(self)
        self.start = QDateEdit(self)
        self.end = QDateEdit(self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        today = QDate.currentDate()
        self.start.setDate(today.addDays(1 - today.day()))
        self.end.setDate(today)
        self.language = QComboBox(self)
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        quick = QHBoxLayout()
        for text, fn in ((self.tr("Yesterday"), self._yesterday), (self.tr("Last month"), self._last_month),
                         (self.tr("This month"), self._this_month), (self.tr("This year"), self._this_year)):
            b = QPushButton(text, self)
            b.clicked.connect(fn)
            quick.addWidget(b)
        quick.addStretch(1)
        self.export_button = QPushButton(self.tr("Export to Excel…"), self)
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.cancel_button.setEnabled(False)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QGridLayout()
        self.kind.setMinimumWidth(320)
        form.addWidget(QLabel(self.tr("Report"), self), 0, 0)
        form.addWidget(self.kind, 0, 1, 1, 3)
        form.addWidget(QLabel(self.tr("From"), self), 1, 0)
        form.addWidget(self.start, 1, 1)
        form.addWidget(QLabel(self.tr("to"), self), 1, 2)
        form.addWidget(self.end, 1, 3)
        form.addLayout(quick, 2, 1, 1, 3)
        form.addWidget(QLabel(self.tr("Language"), self), 3, 0)
        form.addWidget(self.language, 3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.bar, 1)
        form.addLayout(buttons, 4, 0, 1, 4)
        form.setColumnStretch(4, 1)

        self.analysis = AnalysisView(bridge, lambda: self._tariff, self.range_ms, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.analysis, self.tr("Energy analysis"))
        self.plant = PlantView(bridge, lambda: self._tariff, self.range_ms, self)
        self.tabs.addTab(self.plant, self.tr("Losses and transformers"))
        self.editor = TemplateEditor(self.templates, self)
        self.editor.saved.connect(self.fill_kinds)
        self.tabs.addTab(self.editor, self.tr("Custom reports"))
        self.jobs = JobsEditor(folder / JOBS, self.kind_names, self)
        self.jobs.changed.connect(self._schedule_changed)
        # a cloud console: the server runs the schedule from its own reports folder
        self.away = QLabel(self.tr("Scheduled reports run on the server (python -m app serve --reports DIR) from "
                                   "the jobs.json in its reports folder."), self)
        self.away.setWordWrap(True)
        self.away.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.away.hide()
        self.tabs.addTab(self.jobs, self.tr("Scheduled reports"))
        if not schedules_here:
            self.set_schedules_here(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.fill_kinds()
        self.update_permissions()
        permissions = current_permissions()
        if permissions is not None:  # a console with logins: follow sign-in, lock and role changes
            permissions.changed.connect(self.update_permissions)

    # -- site and permissions ------------------------------------------------------------------

    def set_site(self, site: SiteModel) -> None:
        """The site (from the bridge's start) and its tariff."""
        self.site = site
        self._tariff, self._tariff_problem = None, ""
        if site.tariff:
            try:
                self._tariff = tariff_from_mapping(site.tariff, site.timezone)
            except TariffError as exc:
                self._tariff_problem = str(exc)
        self.analysis.set_site(site)
        self.editor.set_site(site)
        if self._tariff is None:
            self.status.setText(self.tr("The site file has no usable tariff, so reports cannot price energy: %1")
                                .replace("%1", self._tariff_problem or self.tr("no tariff section")))

    def update_permissions(self) -> None:
        may = allowed(Permission.EXPORT_REPORTS)
        self.export_button.setEnabled(may and not self.cancel_button.isEnabled())
        self.export_button.setToolTip("" if may else self.tr("Your role may not export reports."))

    def fill_kinds(self) -> None:
        """The built-in reports and the saved templates."""
        current = self.kind.currentData()
        self.kind.clear()
        zh = names_language() == "zh"
        for kind, (name_zh, name_en) in KINDS.items():
            self.kind.addItem(name_zh if zh else name_en, kind)
        try:
            names = sorted(TemplateShelf(self.templates).load())
        except ValueError as exc:
            self.status.setText(str(exc))
            names = []
        for name in names:
            self.kind.addItem(self.tr("Custom: %1").replace("%1", name), f"custom:{name}")
        if current is not None and (i := self.kind.findData(current)) >= 0:
            self.kind.setCurrentIndex(i)
        if hasattr(self, "jobs"):
            self.jobs.refresh()

    def set_schedules_here(self, here: bool) -> None:
        """Whether this console's own core runs the schedule (direct) or a server does (cloud)."""
        index = self.tabs.indexOf(self.away if here else self.jobs)
        if index < 0:
            return
        self.tabs.removeTab(index)
        shown = self.jobs if here else self.away
        shown.show()
        (self.away if here else self.jobs).hide()
        self.tabs.addTab(shown, self.tr("Scheduled reports"))

    def kind_names(self) -> list[tuple[str, str]]:
        """(kind, name shown) of every report the list offers (the schedule editor offers the same)."""
        return [(self.kind.itemData(i), self.kind.itemText(i)) for i in range(self.kind.count())]

    def _schedule_changed(self) -> None:
        def tell(source: DataSource) -> None:  # on the core loop
            changed = getattr(source, "reports_changed", None)
            if changed is not None:
                changed()

        self.bridge.request(tell, lambda _none: None, lambda exc: self.status.setText(describe(exc)))

    # -- range -------------------------------------------------------------------------------

    def range_ms(self) -> tuple[int, int]:
        """[first day 00:00, the day after the last day 00:00) in the site's time zone, ms UTC."""
        zone = self._tariff.timezone if self._tariff else dt.datetime.now().astimezone().tzinfo
        first = self.start.date().toPython()
        last = self.end.date().toPython()
        start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return int(start.timestamp() * 1000), int(end.timestamp() * 1000)

    def _set_range(self, first: QDate, last: QDate) -> None:
        self.start.setDate(first)
        self.end.setDate(last)

    def _yesterday(self) -> None:
        day = QDate.currentDate().addDays(-1)
        self._set_range(day, day)

    def _this_month(self) -> None:
        today = QDate.currentDate()
        self._set_range(today.addDays(1 - today.day()), today)

    def _last_month(self) -> None:
        first = QDate.currentDate().addDays(1 - QDate.currentDate().day()).addMonths(-1)
        self._set_range(first, first.addMonths(1).addDays(-1))

    def _this_year(self) -> None:
        today = QDate.currentDate()
        self._set_range(QDate(today.year(), 1, 1), today)

    # -- export ------------------------------------------------------------------------------

    def export(self) -> None:
        if not allowed(Permission.EXPORT_REPORTS):
            return
        tariff = self._tariff
        if tariff is None:
            self.status.setText(self.tr("Reports need the site's tariff: %1").replace(
                "%1", self._tariff_problem or self.tr("no tariff section")))
            return
        kind = self.kind.currentData()
        start, end = self.range_ms()
        suggested = f"{self.kind.currentText()}_{self.start.date().toString('yyyyMMdd')}" \
                    f"-{self.end.date().toString('yyyyMMdd')}.xlsx"
        path = ask_save_path(self, suggested)
        if path is None:
            return
        language = self.language.currentData()
        by = self.user()
        templates = self.templates
        cancel = self._cancel
        cancel.clear()
        progress = self._progress

        def moved(rows: int, _total: int | None) -> None:
            progress.moved.emit(rows)

        async def run(source: DataSource) -> Path:  # on the core loop; the writing in a worker thread
            report = await build_report(source, tariff, kind, start, end, by=by, language=language,
                                        templates=templates, cancelled=cancel.is_set)
            return await asyncio.to_thread(write_report, report, path, progress=moved, cancelled=cancel.is_set)

        self._busy(True)
        self.status.setText(self.tr("Making the report…"))
        self.bridge.request(run, self._done, self._refused)

    def _busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.kind.setEnabled(not busy)
        self.update_permissions()

    def _moved(self, rows: int) -> None:
        self.status.setText(self.tr("Writing… %1 rows").replace("%1", f"{rows:,}"))

    def _done(self, path: Path) -> None:
        self._busy(False)
        self.status.setText(self.tr("Saved %1").replace("%1", str(path)))
        self.exported.emit(path)

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        if isinstance(exc, Cancelled):
            text = self.tr("The report was cancelled; nothing was written.")
        elif isinstance(exc, NoData):
            text = str(exc) if names_language() == "zh" else exc.message_en
        else:
            text = self.tr("The report could not be made: %1").replace("%1", describe(exc))
        self.status.setText(text)
        self.failed.emit(text)
