"""Opening the historian's database: engines with the right settings, migrations, errors in words.

SQLite is the embedded default: WAL mode (readers never wait for the writer, a crash loses
nothing committed), ``synchronous=NORMAL`` (safe with WAL: only a power cut can lose the last
commits), incremental auto-vacuum (space freed by compaction and purges goes back to the disk)
and explicit ``BEGIN`` statements, because Python's sqlite3 module otherwise starts transactions
late and never for reads.  The writer begins ``IMMEDIATE`` so it takes the write lock at once
instead of failing half-way.  PostgreSQL is used by URL; its readers use REPEATABLE READ so one
query sees one snapshot across its statements.

The schema is brought to the newest revision with Alembic on open; a database stamped with a
revision this version does not know was written by a newer SwitchRoom and is refused.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from .errors import DatabaseUnavailable, SchemaTooNew

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
Role = Literal["writer", "reader"]


def database_url(target: str | Path) -> URL:
    """A SQLAlchemy URL from a URL string or a SQLite file path; `DatabaseUnavailable` if unusable."""
    if isinstance(target, Path) or "://" not in str(target):
        path = Path(target).expanduser().resolve()
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(str(target))
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"{target!r} is not a database URL ({exc})") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:") or str(url.database).startswith("file::memory:"):
            raise DatabaseUnavailable("the historian needs a SQLite file, not an in-memory database")
    elif backend == "postgresql":
        if url.get_driver_name() != "psycopg":
            url = url.set(drivername="postgresql+psycopg")
    else:
        raise DatabaseUnavailable(
            f"{url.render_as_string(hide_password=True)}: the historian stores into SQLite or PostgreSQL only"
        )
    return url


def where(url: URL) -> str:
    """The database named for a person: the file for SQLite, the server and database otherwise."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def make_engine(url: URL, role: Role, busy_timeout_s: float = 2.0) -> Engine:
    """An engine for the writer thread (one connection, BEGIN IMMEDIATE) or for queries."""
    if url.get_backend_name() == "sqlite":
        folder = Path(str(url.database)).parent
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(f"cannot create the folder {folder} for the history: {exc}") from None
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
            poolclass=NullPool if role == "writer" else None,
        )
        _sqlite_events(engine, role, busy_timeout_s)
        return engine
    options: dict[str, object] = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    if role == "writer":
        options["poolclass"] = NullPool
    else:
        options["isolation_level"] = "REPEATABLE READ"
    return create_engine(url, **options)


def _sqlite_events(engine: Engine, role: Role, busy_timeout_s: float) -> None:
    begin = "BEGIN IMMEDIATE" if role == "writer" else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (see module docstring)
        cur = dbapi_connection.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            # Only what a new database needs is written, so a read-only one still opens for reading.
            # auto_vacuum only takes effect on a database without tables, i.e. when it is created.
            if cur.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                cur.execute("PRAGMA auto_vacuum = INCREMENTAL")
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA cache_size = -16000")
            cur.execute("PRAGMA temp_store = MEMORY")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: object) -> None:
        conn.exec_driver_sql(begin)  # type: ignore[attr-defined]


def migrate(engine: Engine) -> str:
    """Create or upgrade the schema to the newest revision; return it.  Refuses newer databases."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    place = where(engine.url)
    try:
        with engine.begin() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
            for rev in current:
                try:
                    known = script.get_revision(rev)
                except CommandError:
                    known = None
                if known is None:
                    raise SchemaTooNew(
                        f"the history database {place} has schema revision {rev!r}, written by a newer "
                        f"SwitchRoom (this one knows up to {head!r}); open it with that version or "
                        "choose another database"
                    )
            if tuple(current) != (head,):
                log.info("history database %s: schema %s -> %s", place, ",".join(current) or "new", head)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SchemaTooNew:
        raise
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(f"cannot open the history database {place}: {describe(exc)}") from exc
    return str(head)


def check_schema(engine: Engine) -> str:
    """For read-only use: the database must already be at this version's schema; never changes it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    head = ScriptDirectory.from_config(cfg).get_current_head()
    place = where(engine.url)
    database = engine.url.database
    sqlite_file = engine.url.get_backend_name() == "sqlite" and database and database != ":memory:"
    if sqlite_file and not Path(database).exists():
        raise DatabaseUnavailable(f"there is no history database at {place}")
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(f"cannot open the history database {place}: {describe(exc)}") from exc
    if not current:
        raise DatabaseUnavailable(f"{place} holds no history yet (no SwitchRoom schema)")
    if tuple(current) != (head,):
        raise SchemaTooNew(
            f"the history database {place} has schema revision {','.join(current)!r}, this SwitchRoom reads "
            f"{head!r}; open it once with the matching console or server"
        )
    return str(head)


def describe(exc: BaseException) -> str:
    """A database error in words a person (operator or installer) can act on."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    if "disk is full" in low or "no space" in low or "disk full" in low:
        return "the disk is full (free some space; waiting samples are kept and written when it can)"
    if "readonly" in low or "read-only" in low or "read only" in low:
        return "the database is read-only (check the permissions of the file and its folder)"
    if "locked" in low or "busy" in low:
        return "the database is locked by another program (close it, or wait)"
    if "unable to open" in low:
        return "the database file cannot be opened (does its folder exist, and may it be written?)"
    if "disk i/o" in low:
        return "a disk I/O error (the disk may be failing or was removed)"
    if any(
        word in low
        for word in (
            "could not connect",
            "connection refused",
            "server closed",
            "connection to server",
            "terminating connection",
        )
    ):
        return f"the database server cannot be reached ({text})"
    return text
