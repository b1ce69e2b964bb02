"""How long-running commands learn they should stop: Ctrl-C, or SIGTERM from a service manager."""

from __future__ import annotations

import asyncio
import contextlib
import signal


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM (call on the running loop).

    Windows has no loop signal handlers: there Ctrl-C arrives as KeyboardInterrupt instead,
    which `app.__main__` turns into a clean exit.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
        if sig is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    return stop
