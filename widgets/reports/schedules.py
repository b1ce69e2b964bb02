"""The schedule editor: which report runs daily or monthly, at what time, into which folder, to whom.

Jobs are kept in the reports folder's ``jobs.json`` that the core's report scheduler reads
(`app.reports.schedule`); after each change the scheduler is told to look again, so a job due
in five minutes is not left until the next one it was sleeping towards.  The table shows what
each job last produced.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.reports.schedule import JobError, JobShelf, ReportJob


def ask_folder(parent: QWidget, start: str) -> str:
    """A folder chosen by the person (tests replace this; the dialog would wait for a person)."""
    title = QCoreApplication.translate("JobsEditor", "Folder for the reports")
    return QFileDialog.getExistingDirectory(parent, title, start)


class JobsEditor(QWidget):
    """Edits the scheduled-report jobs; ``changed`` after each saved change."""

    changed = Signal()

    def __init__(self, shelf: Path, kinds: Callable[[], list[tuple[str, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shelf = JobShelf(shelf)
        self.kinds = kinds
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Report"), self.tr("Runs"),
                                              self.tr("Folder"), self.tr("E-mail to"), self.tr("Last made")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._picked)
        self.name = QLineEdit(self)
        self.report = QComboBox(self)
        self.every = QComboBox(self)
        self.every.addItem(self.tr("Every day (the day before)"), "day")
        self.every.addItem(self.tr("Every month (the month before)"), "month")
        self.at = QTimeEdit(QTime(1, 0), self)
        self.at.setDisplayFormat("HH:mm")
        self.day = QSpinBox(self)
        self.day.setRange(1, 28)
        self.folder = QLineEdit(self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.email = QLineEdit(self)
        self.email.setPlaceholderText(self.tr("addresses, separated by commas (optional)"))
        self.save_button = QPushButton(self.tr("Save job"), self)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete job"), self)
        self.delete_button.clicked.connect(self.delete)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Report"), self.report)
        form.addRow(self.tr("Runs"), self.every)
        form.addRow(self.tr("At"), self.at)
        form.addRow(self.tr("Day of the month"), self.day)
        form.addRow(self.tr("Folder"), folder_row)
        form.addRow(self.tr("E-mail to"), self.email)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.problem)
        self.refresh()

    def refresh(self) -> None:
        current = self.report.currentData()
        self.report.clear()
        for kind, text in self.kinds():
            self.report.addItem(text, kind)
        if current is not None and (i := self.report.findData(current)) >= 0:
            self.report.setCurrentIndex(i)
        try:
            jobs, done = self.shelf.load()
        except JobError as exc:
            self.problem.setText(str(exc))
            return
        names = dict(self.kinds())
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs.values()):
            runs = (self.tr("daily at %1").replace("%1", job.at) if job.every == "day" else
                    self.tr("monthly on day %1 at %2").replace("%1", str(job.day)).replace("%2", job.at))
            cells = (job.name, names.get(job.report, job.report), runs, job.folder, ", ".join(job.email_to),
                     done.get(job.name, ""))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def _picked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        name = self.table.item(rows[0].row(), 0).text()
        try:
            job = self.shelf.load()[0].get(name)
        except JobError as exc:
            self.problem.setText(str(exc))
            return
        if job is None:
            return
        self.name.setText(job.name)
        self.report.setCurrentIndex(max(0, self.report.findData(job.report)))
        self.every.setCurrentIndex(max(0, self.every.findData(job.every)))
        hour, minute = (int(x) for x in job.at.split(":"))
        self.at.setTime(QTime(hour, minute))
        self.day.setValue(job.day)
        self.folder.setText(job.folder)
        self.email.setText(", ".join(job.email_to))

    def _browse(self) -> None:
        chosen = ask_folder(self, self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def job(self) -> ReportJob:
        emails = tuple(a.strip() for a in self.email.text().split(",") if a.strip())
        return ReportJob(self.name.text().strip(), self.report.currentData() or "", self.every.currentData(),
                         self.at.time().toString("HH:mm"), self.day.value(), self.folder.text().strip(), emails)

    def save(self) -> None:
        job = self.job()
        try:
            job.check()
            jobs, done = self.shelf.load()
            jobs[job.name] = job
            self.shelf.save(jobs, done)
        except (JobError, OSError) as exc:
            self.problem.setText(self.tr("Not saved: %1").replace("%1", str(exc)))
            return
        self.problem.setText(self.tr("Saved. The next run follows the new schedule."))
        self.refresh()
        self.changed.emit()

    def delete(self) -> None:
        try:
            jobs, done = self.shelf.load()
            if jobs.pop(self.name.text().strip(), None) is not None:
                done.pop(self.name.text().strip(), None)
                self.shelf.save(jobs, done)
        except (JobError, OSError) as exc:
            self.problem.setText(str(exc))
            return
        self.refresh()
        self.changed.emit()
