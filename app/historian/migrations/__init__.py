"""Alembic migrations of the historian database, applied by `app.historian.migrate` on open."""
