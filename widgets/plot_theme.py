"""Light or dark plots to match the console's palette, for the pyqtgraph views outside the trends.

The trends (widgets/trends) colour their own unit-grouped axes; the reports' charts have the
plain left and bottom axes and a legend, and follow the palette the same way through this.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget


def apply_plot_theme(owner: QWidget, plots: list[pg.PlotWidget], legends: list[pg.LegendItem] = ()) -> None:
    """Background, axes and legend text of ``plots`` for ``owner``'s palette (call again on PaletteChange)."""
    dark = owner.palette().color(QPalette.ColorRole.Window).lightness() < 128
    background, foreground = ("#1b1d21", "#d4d4d4") if dark else ("#ffffff", "#333333")
    for plot in plots:
        plot.setBackground(background)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(foreground))
            axis.setTextPen(pg.mkPen(foreground))
    for legend in legends:
        legend.setLabelTextColor(foreground)
        for _sample, label in legend.items:
            label.setText(label.text, color=foreground)
