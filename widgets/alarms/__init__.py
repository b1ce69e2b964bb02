"""What the operator sees of alarms: banner, list, level-1 popup, sound, and the wiring between them."""

from .console import AlarmConsole

__all__ = ["AlarmConsole"]
