"""modbus-tk as an independent RTU slave on a pseudo-terminal that socat bridges to TCP.

    our master --TCP 127.0.0.1:ephemeral--> socat --PTY--> modbus_tk RtuServer (units 1, 2)

This is a transparent serial server in miniature: RTU bytes over TCP, a real serial-port
stack (pyserial on a PTY) and a slave implementation that is not pymodbus.  Run as a script
(``python modbus_tk_bus.py <pty>``) it is the slave process: it prints ``ready`` once serving
and stops when its stdin closes, so it cannot outlive the test that started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import sys
from pathlib import Path

HOST = "127.0.0.1"
_SCRIPT = Path(__file__).resolve()  # this file, run as the slave process

# What the slave holds (0-based addresses): the test reads these back.
UNITS = (1, 2)
HOLDING = {1: [1000 + i for i in range(10)], 2: [2000 + i for i in range(10)]}
INPUT_REGISTERS = {1: [2200, 2210, 2190, 500], 2: [650, 661, 649, 0]}
COILS = {1: [False, True] + [False] * 14, 2: [True] * 4 + [False] * 12}
DISCRETE = {1: [True, False, False, True, False, False, False, False], 2: [False] * 8}


def socat_available() -> bool:
    """Whether the socat binary is on PATH."""
    return shutil.which("socat") is not None


class SocatBus:
    """socat listening on an ephemeral loopback port plus the modbus-tk slave behind its PTY.

    socat creates the PTY only when the TCP connection arrives, so the order is: `start`
    (socat listens, its port is read from its own log), the test connects, then
    `start_slave` (waits for the PTY, starts the slave, waits for its ``ready``).
    """

    def __init__(self, directory: Path) -> None:
        self.pty = directory / "ttyV0"
        self.port = 0
        self._socat: asyncio.subprocess.Process | None = None
        self._slave: asyncio.subprocess.Process | None = None

    async def start(self) -> int:
        """Start socat and return the port it listens on."""
        self._socat = await asyncio.create_subprocess_exec(
            "socat",
            "-d",
            "-d",
            f"TCP-LISTEN:0,bind={HOST},reuseaddr",
            f"PTY,link={self.pty},raw,echo=0",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._socat.stderr is not None
        for _ in range(50):  # socat logs a handful of lines before "listening on"
            line = (await asyncio.wait_for(self._socat.stderr.readline(), 10)).decode(errors="replace")
            if not line:
                break
            if found := re.search(r"listening on .*:(\d+)\s*$", line):
                self.port = int(found.group(1))
                return self.port
        raise RuntimeError("socat did not report a listening port")

    async def start_slave(self) -> None:
        """Wait for socat's PTY (it appears on the first connection) and start the slave on it."""
        for _ in range(500):
            if self.pty.exists():
                break
            await asyncio.sleep(0.01)
        else:
            raise RuntimeError(f"socat did not create {self.pty.name}")
        self._slave = await asyncio.create_subprocess_exec(
            sys.executable,
            str(_SCRIPT),
            str(self.pty),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert self._slave.stdout is not None
        line = await asyncio.wait_for(self._slave.stdout.readline(), 20)
        if line.strip() != b"ready":
            raise RuntimeError(f"modbus-tk slave did not start: {line!r}")

    async def stop(self) -> None:
        """Stop the slave (closing its stdin) and socat; wait for both."""
        if self._slave is not None:
            if self._slave.stdin is not None:
                self._slave.stdin.close()
            await _end(self._slave)
        if self._socat is not None:
            await _end(self._socat)


async def _end(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 5)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def serve(pty: str) -> None:
    """Be the slave on ``pty`` until stdin closes."""
    import serial
    from modbus_tk import defines
    from modbus_tk.modbus_rtu import RtuServer

    server = RtuServer(serial.Serial(pty, 9600), error_on_missing_slave=False)
    for unit in UNITS:
        slave = server.add_slave(unit)
        slave.add_block("coils", defines.COILS, 0, len(COILS[unit]))
        slave.set_values("coils", 0, COILS[unit])
        slave.add_block("inputs", defines.DISCRETE_INPUTS, 0, len(DISCRETE[unit]))
        slave.set_values("inputs", 0, DISCRETE[unit])
        slave.add_block("holding", defines.HOLDING_REGISTERS, 0, len(HOLDING[unit]))
        slave.set_values("holding", 0, HOLDING[unit])
        slave.add_block("input_regs", defines.ANALOG_INPUTS, 0, len(INPUT_REGISTERS[unit]))
        slave.set_values("input_regs", 0, INPUT_REGISTERS[unit])
    server.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()  # returns when the test closes our stdin (or dies)
    finally:
        server.stop()


if __name__ == "__main__":
    serve(sys.argv[1])
