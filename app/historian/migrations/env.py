"""Alembic environment: migrations run on the connection `app.historian.migrate` hands over.

No ini file and no logging set-up of alembic's own: the application configures logging, and the
historian opens the database itself (with its pragmas) before migrating it.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds tables when needed.
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
