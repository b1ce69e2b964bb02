"""Single-line diagrams without Qt: symbols, the diagram model, its file format, energisation.

The editor and runtime view in ``widgets/topology`` are built on these; everything here can
be used headless (the server, reports, replay, tests).
"""
