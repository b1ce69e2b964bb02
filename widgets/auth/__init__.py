"""The console's users and permissions: sign in, first administrator, lock, users, audit log.

Everything goes through the DataSource (via the bridge), so it works the same on the local
database and on the cloud server; `access.ConsoleAccess` ties the pieces to the main window.
Only the light `permissions` module is imported here: the alarm panes ask it what is allowed.
"""

from .permissions import Permissions, allowed, current, signed_in_name, use

__all__ = ["Permissions", "allowed", "current", "signed_in_name", "use"]
