"""Database fixtures for the historian's integration tests.

``sqlite_url``: a fresh SQLite file.  ``pg_url``: a fresh database on a throwaway PostgreSQL
server that the session starts from the installed binaries (skipped, with the reason, when it
cannot).  ``db_url`` runs a test once on each.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration import pg


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{(tmp_path / 'history.sqlite').as_posix()}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    try:
        server = pg.start_server()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"no PostgreSQL server for the historian tests: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> str:
    return pg_server.database()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")
