"""Who is acting at the console, for the journal's and the audit log's rows.

A console with logins (`widgets.auth`) names its signed-in user; panes used without a console
(tests of one pane, tools) name the operating-system user as before logins existed.  This is
the one place that says so.
"""

from __future__ import annotations

import getpass

from widgets.auth.permissions import signed_in_name


def operator_name() -> str:
    """The name written into the journal and the audit log for an operator's action."""
    name = signed_in_name()
    if name is not None:
        return name
    try:
        return getpass.getuser() or "operator"
    except (KeyError, OSError):  # no passwd entry / no login name (containers, services)
        return "operator"
