"""The alarm limits dialog: a permitted user moves a point's HH/H/L/LL without editing the site file.

The dialog shows the limits in force and where they come from (the site file, or a change made
at runtime); saving stores the new limits through the DataSource, which runs them at once and
keeps running alarms' states.  "Back to the site file" drops the runtime change.  Nothing here
touches the database or the engine: every call goes through the bridge, off the GUI thread,
and a refusal (limits out of order, the database unavailable) is shown in words in the dialog.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.alarms.limits import LimitSpec
from app.auth import Permission
from widgets.alarms.operator import operator_name
from widgets.auth.permissions import allowed
from widgets.bridge import SourceBridge, describe

LIMIT_NAMES = ("HH", "H", "L", "LL")
_DEFAULT_LEVELS = {"HH": 1, "H": 2, "L": 2, "LL": 1}


class LimitsDialog(QDialog):
    """Edit one point's alarm limits; ``changed`` is emitted (accept) once the source has them."""

    def __init__(self, bridge: SourceBridge, point: str, name: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.point = point
        self.unit = unit
        self.setWindowTitle(self.tr("Alarm limits: %1").replace("%1", name))
        self.origin = QLabel(self)
        self.origin.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        grid = QGridLayout()
        for col, title in enumerate((self.tr("Limit"), self.tr("Value"), self.tr("Level"))):
            header = QLabel(f"<b>{title}</b>", self)
            grid.addWidget(header, 0, col)
        self.rows: dict[str, tuple[QCheckBox, QDoubleSpinBox, QComboBox]] = {}
        words = {"HH": self.tr("HH (high high)"), "H": self.tr("H (high)"), "L": self.tr("L (low)"),
                 "LL": self.tr("LL (low low)")}  # fmt: skip
        for r, limit in enumerate(LIMIT_NAMES, start=1):
            on = QCheckBox(words[limit], self)
            value = self._spin(unit)
            level = QComboBox(self)
            for n, word in ((1, self.tr("1 critical")), (2, self.tr("2 major")), (3, self.tr("3 minor")),
                            (4, self.tr("4 notice"))):  # fmt: skip
                level.addItem(word, n)
            level.setCurrentIndex(_DEFAULT_LEVELS[limit] - 1)
            on.toggled.connect(value.setEnabled)
            on.toggled.connect(level.setEnabled)
            value.setEnabled(False)
            level.setEnabled(False)
            grid.addWidget(on, r, 0)
            grid.addWidget(value, r, 1)
            grid.addWidget(level, r, 2)
            self.rows[limit] = (on, value, level)
        r = len(LIMIT_NAMES) + 1
        self.deadband = self._spin(unit, minimum=0.0)
        self.on_delay = self._spin(self.tr("s"), minimum=0.0, maximum=86400.0)
        self.off_delay = self._spin(self.tr("s"), minimum=0.0, maximum=86400.0)
        for i, (caption, box) in enumerate(((self.tr("Deadband"), self.deadband), (self.tr("On-delay"), self.on_delay),
                                            (self.tr("Off-delay"), self.off_delay))):  # fmt: skip
            grid.addWidget(QLabel(caption, self), r + i, 0)
            grid.addWidget(box, r + i, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)  # fmt: skip
        self.revert = QPushButton(self.tr("Back to the site file"), self)
        self.buttons.addButton(self.revert, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.revert.clicked.connect(self.back_to_site)
        layout = QVBoxLayout(self)
        layout.addWidget(self.origin)
        layout.addLayout(grid)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.may_edit = allowed(Permission.EDIT_ALARM_RULES)  # others see the limits, greyed
        if not self.may_edit:
            self.problem.setText(self.tr("You may look at these limits; changing them needs the right to edit "
                                         "alarm rules."))
        self._busy(True)
        self.origin.setText(self.tr("Reading the limits in force…"))
        bridge.request(lambda s: s.point_limits(point), self._fill, self._failed)

    def _spin(self, unit: str, minimum: float = -1e9, maximum: float = 1e9) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setRange(minimum, maximum)
        box.setDecimals(3)
        box.setSuffix(f" {unit}" if unit else "")
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        return box

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if not self.may_edit:
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.revert.setEnabled(False)

    # -- answers from the source ----------------------------------------------------------------

    def _fill(self, answer: tuple[LimitSpec | None, str]) -> None:
        spec, origin = answer
        self.origin.setText(self.tr("These limits were changed at runtime (over the site file).") if origin == "runtime"
                            else self.tr("These limits come from the site file."))  # fmt: skip
        spec = spec or {}
        for limit, (on, value, level) in self.rows.items():
            given = spec.get(limit)
            on.setChecked(given is not None)
            if isinstance(given, dict):
                value.setValue(float(given.get("value", 0.0)))
                if given.get("level"):
                    level.setCurrentIndex(int(given["level"]) - 1)
            elif given is not None:
                value.setValue(float(given))
        deadband = spec.get("deadband")
        self.deadband.setValue(float(deadband) if isinstance(deadband, int | float) else 0.0)
        self.on_delay.setValue(float(spec.get("on_delay") or 0.0))
        self.off_delay.setValue(float(spec.get("off_delay") or 0.0))
        self.revert.setEnabled(origin == "runtime" and self.may_edit)
        self._busy(False)

    def _failed(self, exc: Exception) -> None:
        self.problem.setText(describe(exc))
        self._busy(False)

    def _done(self, _answer: object) -> None:
        self.accept()

    # -- actions ------------------------------------------------------------------------------

    def spec(self) -> LimitSpec | None:
        """The limits as edited (None: no limit ticked, i.e. no limits for this point)."""
        out: dict[str, Any] = {}
        for limit, (on, value, level) in self.rows.items():
            if on.isChecked():
                out[limit] = {"value": value.value(), "level": level.currentData()}
        if not out:
            return None
        if self.deadband.value() > 0:
            out["deadband"] = self.deadband.value()
        if self.on_delay.value() > 0:
            out["on_delay"] = self.on_delay.value()
        if self.off_delay.value() > 0:
            out["off_delay"] = self.off_delay.value()
        return out

    def save(self) -> None:
        """Hand the new limits to the source; the dialog closes when it has them."""
        spec, point, user = self.spec(), self.point, operator_name()
        self.problem.clear()
        self._busy(True)
        self.bridge.request(lambda s: s.set_point_limits(point, spec, user), self._done, self._failed)

    def back_to_site(self) -> None:
        """Drop the runtime change: the site file's limits run again."""
        point, user = self.point, operator_name()
        self.problem.clear()
        self._busy(True)
        self.bridge.request(lambda s: s.revert_point_limits(point, user), self._done, self._failed)
