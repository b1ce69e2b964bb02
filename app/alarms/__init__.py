"""Alarm handling: rules, the ISA-18.2 engine, the journal, fault recording and notification.

Qt-free; driven by sample batches from the DataSource (see `app.alarms.model` for the shared
vocabulary).
"""
