"""The operator's two alarm actions that ask something: acknowledge (with a comment) and shelve.

Both open without blocking the console (`open()`, not `exec()`): alarms keep arriving and the
banner keeps flashing behind them.  The answer comes through ``accepted``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

#: Shelving durations offered, in minutes.
SHELVE_MINUTES = (15, 30, 60, 120, 240, 480, 1440)


class AckDialog(QDialog):
    """Acknowledge one or more alarms with an optional comment."""

    def __init__(self, summary: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Acknowledge alarms"))
        layout = QVBoxLayout(self)
        shown = summary[:8]
        more = len(summary) - len(shown)
        text = "\n".join(shown) + (("\n" + self.tr("… and %n more", None, more)) if more > 0 else "")
        self.alarms_label = QLabel(text, self)
        self.alarms_label.setWordWrap(True)
        layout.addWidget(self.alarms_label)
        form = QFormLayout()
        self.comment = QLineEdit(self)
        self.comment.setPlaceholderText(self.tr("Optional: what was done or found"))
        form.addRow(self.tr("Comment:"), self.comment)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Acknowledge"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def comment_text(self) -> str | None:
        """The comment, or None when the operator wrote none."""
        return self.comment.text().strip() or None


class ShelveDialog(QDialog):
    """Shelve an alarm for a chosen time with a reason (the reason is required: it is audited)."""

    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve alarm"))
        layout = QVBoxLayout(self)
        label = QLabel(summary, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        form = QFormLayout()
        self.duration = QComboBox(self)
        for minutes in SHELVE_MINUTES:
            if minutes < 60:
                text = self.tr("%n minute(s)", None, minutes)
            else:
                text = self.tr("%n hour(s)", None, minutes // 60)
            self.duration.addItem(text, minutes)
        self.duration.setCurrentIndex(SHELVE_MINUTES.index(60))
        form.addRow(self.tr("Shelve for:"), self.duration)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Required: why it is held out of the way"))
        form.addRow(self.tr("Reason:"), self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Shelve"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def minutes(self) -> float:
        """The chosen shelving time in minutes."""
        return float(self.duration.currentData())

    def reason_text(self) -> str:
        """The reason given."""
        return self.reason.text().strip()
