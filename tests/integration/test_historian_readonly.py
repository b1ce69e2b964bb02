"""The historian opened read-only, as tools do beside a running server."""

from __future__ import annotations

import sqlite3

import pytest

from app.historian import DatabaseUnavailable, Historian, NotOpen, PointInfo
from app.model import Quality, Sample


def test_read_only_sees_what_was_committed_and_changes_nothing(db_url):
    writer = Historian(db_url)
    writer.register_points([PointInfo("M.P", "kW")])
    writer.open()
    writer.write([Sample("M.P", 1_000_000 + i * 1000, float(i), Quality.GOOD) for i in range(10)])
    writer.flush()
    try:
        reader = Historian(db_url, read_only=True)
        reader.open()
        try:
            assert reader.latest(["M.P"])["M.P"].value == 9.0
            assert [v for _, v, _ in reader.raw("M.P", 0, 2_000_000)] == [float(i) for i in range(10)]
            assert reader.status.ok and reader.status.message == "open read-only"
            with pytest.raises(NotOpen, match="read-only"):
                reader.write([Sample("M.P", 2_000_000, 1.0)])
        finally:
            reader.close()
    finally:
        writer.close()


def test_read_only_refuses_what_is_not_a_history_database(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="there is no history database at"):
        Historian(tmp_path / "missing.sqlite", read_only=True).open()
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(DatabaseUnavailable, match="holds no history yet"):
        Historian(empty, read_only=True).open()
    assert not (tmp_path / "missing.sqlite").exists()
