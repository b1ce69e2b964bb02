"""Logging set-up shared by every command: one format, levels from -v, quiet libraries."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(verbose: int = 0, log_file: Path | None = None) -> None:
    """Log to stderr (and to a rotating file when given); -v info, -vv debug."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        )
    logging.basicConfig(level=level, format=FORMAT, handlers=handlers, force=True)
    # pymodbus logs every retry and bad frame at warning level; our drivers say what matters.
    logging.getLogger("pymodbus").setLevel(max(level, logging.ERROR))
