"""Single-line diagrams in Qt: the scene that follows `app.diagram`, and its live (operate) view."""
