"""Who is acting at the console, for the journal's acknowledge and shelve rows.

Until the console has logins (issue 7) the acting person is the operating-system user; this
is the one place that says so, so the login work replaces it here and nowhere else.
"""

from __future__ import annotations

import getpass


def operator_name() -> str:
    """The name written into the journal for an operator's action."""
    try:
        return getpass.getuser() or "operator"
    except (KeyError, OSError):  # no passwd entry / no login name (containers, services)
        return "operator"
