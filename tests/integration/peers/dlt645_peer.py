"""Test peers for the DL/T645 driver: the PyPI ``dlt645`` meter, and a relay that mangles the stream.

``dlt645`` (Apache-2.0) is an implementation of the standard that is not ours, so reading it
proves our codec against someone else's.  Its ``TcpServer`` *listens* (one worker thread per
connection), so our master simply dials it with ``open_tcp_link`` - FIELD.md's "it only dials
out" does not hold for 3.2.0.  The thread never blocks our event loop.

Quirks of dlt645 3.2.0 found while building these tests (see the report):
* broadcast time sync: it reads the 6 data bytes as YY MM DD hh mm ss, the reverse of the
  standard's wire order (ss first), so a standard master's time is rejected as impossible
  unless the time reads the same both ways (e.g. 2012-12-12 12:12:12);
* a request to another address gets an abnormal reply (ERR "other error") instead of silence;
* a wildcard (AA) read is answered with AA in the address field instead of the meter's own;
* it knows no block reads (DI1 = FF) and never sends "more follows" frames, so
  `FollowOnMeter` adds that on top of it, framing with the package's own encoder.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Sequence
from typing import Any

from dlt645 import DLT645Protocol, MeterServerService, TcpServer
from dlt645.common.transform import float_to_bcd

READ = 0x11
READ_FOLLOW_ON = 0x12


class PackageMeter:
    """The dlt645 package's meter server on 127.0.0.1 and an ephemeral port, in its own threads."""

    def __init__(self, blocks: dict[int, tuple[str, Sequence[float]]] | None = None) -> None:
        self._lock = threading.Lock()
        self._received: list[Any] = []
        server = TcpServer("127.0.0.1", 0, 2.0, None, on_activity=self._on_activity)
        self.service = FollowOnMeter(server, blocks) if blocks else MeterServerService(server)
        server.service = self.service

    def _on_activity(self, _connection: object, activity: Any) -> None:
        if activity.direction == "RX" and activity.frame is not None:
            with self._lock:
                self._received.append(activity.frame)

    @property
    def received(self) -> list[Any]:
        """Frames the package parsed from what it received (its own decoder, not ours)."""
        with self._lock:
            return list(self._received)

    @property
    def port(self) -> int:
        return self.service.server.port

    def start(self) -> None:
        if not self.service.start():
            raise OSError("the dlt645 meter server did not start")

    def stop(self) -> None:
        self.service.stop()

    def set_address(self, address: str) -> None:
        """Set the meter address from its printed form; the package wants wire order."""
        self.service.set_address(bytes(reversed(bytes.fromhex(address))))

    def set(self, di: int, value: Any) -> None:
        """Store a value in the package's data table (energy, variable or parameter)."""
        setter = {0x00: self.service.set_00, 0x02: self.service.set_02, 0x04: self.service.set_04}[di >> 24]
        if not setter(di, value):
            raise ValueError(f"the dlt645 package refused {value!r} for {di:08X}")


class FollowOnMeter(MeterServerService):
    """The package's meter, plus block reads answered in several frames ("more follows", 12H).

    ``blocks`` maps a DI to its values and their package format (e.g. ``"XXX.X"``); the first
    reply (B1H) carries the first value, each follow-on reply one more value and the SEQ byte,
    the last one with D5 clear (92H), as DL/T645-2007 describes reading follow-on data.
    """

    def __init__(self, server: Any, blocks: dict[int, tuple[str, Sequence[float]]]) -> None:
        super().__init__(server)
        self.blocks = blocks
        self.follow_on_seqs: list[int] = []

    def handle_request(self, frame: Any) -> Any:
        if frame.ctrl_code in (READ, READ_FOLLOW_ON) and len(frame.data) >= 4:
            di = struct.unpack("<I", bytes(frame.data[:4]))[0]
            if di in self.blocks and bytes(frame.addr) == bytes(self.address):
                fmt, values = self.blocks[di]
                parts = [bytes(float_to_bcd(v, fmt, "little")) for v in values]
                if frame.ctrl_code == READ:
                    return DLT645Protocol.build_frame(frame.addr, 0xB1, bytes(frame.data[:4]) + parts[0])
                seq = frame.data[4]
                self.follow_on_seqs.append(seq)
                last = seq >= len(parts) - 1
                control = 0x92 if last else 0xB2
                data = bytes(frame.data[:4]) + parts[min(seq, len(parts) - 1)] + bytes((seq,))
                return DLT645Protocol.build_frame(frame.addr, control, data)
        return super().handle_request(frame)


class ChoppingRelay:
    """Sits between our master and a meter: each reply arrives behind noise, one byte per write.

    Models a DTU that prefixes line noise and a TCP stack that cuts the reply at every byte.
    """

    def __init__(self, upstream_port: int, noise: bytes) -> None:
        self.upstream_port = upstream_port
        self.noise = noise
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for w in self._writers:
            w.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._writers += [writer, up_writer]
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for coro in (self._pump(reader, up_writer, chop=False), self._pump(up_reader, writer, chop=True)):
            task = asyncio.create_task(coro)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, *, chop: bool) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await src.read(1024):
                if not chop:
                    dst.write(data)
                    await dst.drain()
                    continue
                dst.write(self.noise)
                for b in data:
                    dst.write(bytes((b,)))
                    await dst.drain()
                    await asyncio.sleep(0)
        dst.close()
