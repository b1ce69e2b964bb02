"""The energy-analysis view: daily energy by tariff period and the load curve of chosen meters, with figures.

A manager filters by room and picks meters (one, several, or a whole room summed); the view
reads their registers through the bridge, off the GUI thread, computes the overview on the
core loop (`app.analysis.overview`), and only draws here: one stacked bar item per period and
one curve, reused between queries (pyqtgraph's advice), the curve downsampled for long ranges.
Missing data is shown as a gap and said in words under the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.analysis.energy import Flag
from app.analysis.overview import EnergyOverview, overview
from app.analysis.tariff import Period, Tariff
from app.reports.energy import Meter, energy_meters, read_registers
from app.sources.base import DataSource, SiteModel
from widgets.bridge import SourceBridge, describe
from widgets.plot_theme import apply_plot_theme
from widgets.runtime import names_language

PERIOD_COLOURS = {Period.SHARP: "#c62828", Period.PEAK: "#ef6c00", Period.FLAT: "#2e7d32", Period.VALLEY: "#1565c0"}


class AnalysisView(QWidget):
    """Meters on the left, charts and figures on the right; ``shown`` after each drawing (tests wait on it)."""

    shown = Signal()

    def __init__(self, bridge: SourceBridge, tariff: Callable[[], Tariff | None],
                 range_ms: Callable[[], tuple[int, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tariff = tariff
        self.range_ms = range_ms
        self.meters: list[Meter] = []
        self._rooms: dict[str, str | None] = {}
        self.room = QComboBox(self)
        self.room.currentIndexChanged.connect(self._fill_meters)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.show_button = QPushButton(self.tr("Show"), self)
        self.show_button.clicked.connect(self.refresh)
        left = QWidget(self)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(self.tr("Room"), left))
        lv.addWidget(self.room)
        lv.addWidget(QLabel(self.tr("Meters (several are added up)"), left))
        lv.addWidget(self.list, 1)
        lv.addWidget(self.show_button)

        self.bars_plot = pg.PlotWidget(self, axisItems={"bottom": pg.DateAxisItem()})
        self.bars_plot.setLabel("left", "kWh")
        self.legend = self.bars_plot.addLegend(offset=(-10, 5), colCount=4)
        self.bars = {p: pg.BarGraphItem(x=[], height=[], width=0.7, brush=PERIOD_COLOURS[p],
                                        name=self._period_name(p)) for p in Period}
        for item in self.bars.values():
            self.bars_plot.addItem(item)
        self.curve_plot = pg.PlotWidget(self, axisItems={"bottom": pg.DateAxisItem()})
        self.curve_plot.setLabel("left", "kW")
        self.curve_plot.setDownsampling(auto=True, mode="peak")
        self.curve_plot.setClipToView(True)
        self.curve = self.curve_plot.plot([], [], pen=pg.mkPen("#1565c0", width=1.5), connect="finite")
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)  # the figures' lines, without a jump
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.bars_plot, 3)
        rv.addWidget(self.curve_plot, 3)
        rv.addWidget(self.figures)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 700])
        layout = QHBoxLayout(self)
        layout.addWidget(split)
        self.overview: EnergyOverview | None = None
        self._apply_theme()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow the application's light or dark palette, as the trends do."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_theme()

    def _apply_theme(self) -> None:
        apply_plot_theme(self, [self.bars_plot, self.curve_plot], [self.legend])

    def _period_name(self, period: Period) -> str:
        words = {Period.SHARP: self.tr("Sharp"), Period.PEAK: self.tr("Peak"), Period.FLAT: self.tr("Flat"),
                 Period.VALLEY: self.tr("Valley")}
        return words[period]

    def set_site(self, site: SiteModel) -> None:
        """The site's meters and rooms (called once the bridge has started)."""
        lang = names_language()
        self.meters = energy_meters(site, lang)
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(self.tr("All rooms"), None)
        for r in site.rooms:
            self.room.addItem(r.name if lang == "zh" else (r.name_en or r.name), r.id)
        self.room.blockSignals(False)
        self._rooms = {d.id: d.room for d in site.devices}
        self._fill_meters()

    def _fill_meters(self) -> None:
        room = self.room.currentData()
        self.list.clear()
        for m in self.meters:
            if room is None or self._rooms.get(m.device) == room:
                item = QListWidgetItem(m.name, self.list)
                item.setData(Qt.ItemDataRole.UserRole, m)
                item.setToolTip(m.point)

    def chosen(self) -> list[Meter]:
        items = self.list.selectedItems() or [self.list.item(i) for i in range(self.list.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items]

    def select(self, points: list[str]) -> None:
        """Select the meters of these register points (tests and links from elsewhere)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole).point in points)

    def refresh(self) -> None:
        tariff = self.tariff()
        meters = self.chosen()
        if tariff is None:
            self.figures.setText(self.tr("The site file has no tariff: energy analysis needs one (section tariff)."))
            return
        if not meters:
            self.figures.setText(self.tr("Choose at least one meter."))
            return
        start, end = self.range_ms()
        self.show_button.setEnabled(False)
        self.figures.setText(self.tr("Reading %1 meter(s)…").replace("%1", str(len(meters))))

        async def compute(source: DataSource) -> EnergyOverview:  # on the core loop
            registers = await read_registers(source, meters, start, end)
            return overview(registers.values(), tariff, start, end)

        self.bridge.request(compute, self._draw, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.show_button.setEnabled(True)
        self.figures.setText(self.tr("Could not read the meters: %1").replace("%1", describe(exc)))
        self.shown.emit()

    def _draw(self, view: EnergyOverview) -> None:
        self.show_button.setEnabled(True)
        self.overview = view
        x = (view.day_starts / 1000).astype(np.float64)
        width = 86_400 * 0.7
        bottom = np.zeros(len(x))
        for period in (Period.VALLEY, Period.FLAT, Period.PEAK, Period.SHARP):
            height = np.nan_to_num(view.day_kwh[period])
            self.bars[period].setOpts(x=x + 43_200, height=height, y0=bottom.copy(), width=width)
            bottom += height
        self.bars_plot.enableAutoRange()
        self.curve.setData((view.curve_ts / 1000).astype(np.float64), view.curve_kw)
        self.curve_plot.enableAutoRange()
        self.figures.setText(self._words(view))
        self.shown.emit()

    def _words(self, v: EnergyOverview) -> str:
        parts = [self.tr("Energy %1 kWh").replace("%1", f"{v.total_kwh:,.1f}"),
                 self.tr("cost %1 yuan").replace("%1", f"{v.cost_yuan:,.2f}")]
        if v.max_kw is not None and v.max_at_ms is not None:
            tz = self.tariff().timezone  # type: ignore[union-attr]
            when = dt.datetime.fromtimestamp(v.max_at_ms / 1000, tz).strftime("%Y-%m-%d %H:%M")
            parts.append(self.tr("max %1 kW at %2").replace("%1", f"{v.max_kw:,.1f}").replace("%2", when))
        if v.load_factor is not None:
            parts.append(self.tr("load factor %1 %").replace("%1", f"{100 * v.load_factor:.1f}"))
        if v.peak_valley is not None:
            parts.append(self.tr("peak/valley %1").replace("%1", f"{v.peak_valley:.2f}"))
        if v.shaving_10pct_yuan:
            parts.append(self.tr("moving 10 % of peak energy to the valley saves %1 yuan")
                         .replace("%1", f"{v.shaving_10pct_yuan:,.2f}"))
        text = "\n".join(parts)
        if v.flags & (Flag.GAP | Flag.RESET | Flag.NO_DATA):
            zh, en = (v.flags & (Flag.GAP | Flag.RESET | Flag.NO_DATA)).words
            text += "\n" + self.tr("Note: %1").replace("%1", zh if names_language() == "zh" else en)
        return text
