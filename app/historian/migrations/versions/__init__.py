"""Alembic revisions of the historian database, oldest first."""
