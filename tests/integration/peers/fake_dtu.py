"""A fake DTU as FIELD.md describes it: dial our listener, register, heartbeat, relay to a bus.

The bus is any RTU-over-TCP server (pymodbus, modbus-tk behind socat, the DL/T645 meter).
What the relay does to the bus's replies on their way to us is configurable, so tests can
stage the DTU's habits: a heartbeat glued in front of a reply, a reply cut in two segments,
the registration id in front of every packet.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


@dataclass
class DtuHabits:
    """What the DTU does to the stream (all off by default)."""

    registration: bytes = b"DTU-TEST"
    prefix_every_packet: bool = False
    heartbeat: bytes = b""
    heartbeat_before_reply: bool = False
    split_reply: bool = False


class FakeDtu:
    """Relays bytes between our listener (as a TCP client) and a bus server."""

    def __init__(self, listener_port: int, bus_port: int, habits: DtuHabits) -> None:
        self.listener_port = listener_port
        self.bus_port = bus_port
        self.habits = habits
        self._tasks: list[asyncio.Task[None]] = []
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        """Connect to both ends and register."""
        bus_r, bus_w = await asyncio.open_connection("127.0.0.1", self.bus_port)
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.listener_port)
        self._writers += [bus_w, up_w]
        up_w.write(self.habits.registration)
        await up_w.drain()
        self._tasks = [
            asyncio.create_task(self._pump(up_r, bus_w, to_master=False)),
            asyncio.create_task(self._pump(bus_r, up_w, to_master=True)),
        ]

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, *, to_master: bool) -> None:
        h = self.habits
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await src.read(4096):
                if to_master:
                    if h.heartbeat_before_reply and h.heartbeat:
                        data = h.heartbeat + data
                    if h.prefix_every_packet:
                        data = h.registration + data
                    if h.split_reply and len(data) > 2:
                        cut = len(data) // 2
                        dst.write(data[:cut])
                        await dst.drain()
                        await asyncio.sleep(0.02)
                        data = data[cut:]
                dst.write(data)
                await dst.drain()
        dst.close()

    async def stop(self) -> None:
        """Close both connections."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for w in self._writers:
            w.close()
            with contextlib.suppress(ConnectionError):
                await w.wait_closed()
