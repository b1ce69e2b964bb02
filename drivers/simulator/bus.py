"""A simulated RS-485 bus: one request at a time, answered by the devices hanging on it.

A bus is either Modbus RTU (requests decoded and executed by pymodbus's server side, see
`image`) or DL/T645 (answered by `meter645`): one baud rate and parity per bus, as in the
field.  Whoever masters the bus (the DTU's TCP socket, or a test's RTU-over-TCP client via
`Port`) hands it whole request frames; the bus picks the addressed device, applies the
device's faults (dead, slow, corrupt checksum) and the line's (noise), sleeps the wire time of
`timing.BusTiming` when timing is on, and returns the reply bytes, or None for silence, which
is what an unknown unit id, a dead meter and a broadcast get.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pymodbus.constants import ExcCodes
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ExceptionResponse, ModbusPDU
from pymodbus.simulator.simcore import SimCore

from drivers.simulator.faults import FaultBook, FaultKind
from drivers.simulator.image import RegisterImage
from drivers.simulator.meter645 import Dlt645Meter, split_frame
from drivers.simulator.timing import BusTiming

log = logging.getLogger(__name__)

_READS = frozenset({1, 2, 3, 4})
_BROADCAST_WRITES = frozenset({5, 6, 15, 16})
CACHE_LIMIT = 64  # cached replies per device; more distinct requests than this is not a poller
QUEUE_LIMIT = 16  # requests waiting for the bus; a master that floods it loses the rest

Device = RegisterImage | Dlt645Meter


@dataclass(slots=True)
class Request:
    """One whole request frame taken off a master's byte stream."""

    frame: bytes
    unit: int = -1  # Modbus unit id (-1 for DL/T645)
    pdu: ModbusPDU | None = None  # decoded Modbus request; None if it did not decode


@dataclass(slots=True)
class BusStats:
    """What happened on the bus; for tests and the benchmark."""

    requests: int = 0
    replies: int = 0
    silent: int = 0
    cache_hits: int = 0
    noise_bytes: int = 0


class Bus:
    """One RS-485 line and its devices."""

    def __init__(
        self,
        name: str,
        protocol: str,
        timing: BusTiming,
        *,
        faults: FaultBook,
        rng: random.Random,
        timed: bool = True,
        refresh: Callable[[Device], None] = lambda device: None,
    ) -> None:
        if protocol not in ("modbus", "dlt645"):
            raise ValueError(f"bus {name}: protocol {protocol!r} is neither modbus nor dlt645")
        self.name = name
        self.protocol = protocol
        self.timing = timing
        self.timed = timed
        self.faults = faults
        self.rng = rng
        self.refresh = refresh
        self.stats = BusStats()
        self.units: dict[int, RegisterImage] = {}
        self.meters: list[Dlt645Meter] = []
        self._core: SimCore | None = None
        self._framer = FramerRTU(DecodePDU(is_server=True))
        self._lock = asyncio.Lock()

    def add(self, device: Device) -> None:
        """Hang a device on the bus (before the first exchange)."""
        if isinstance(device, RegisterImage):
            if self.protocol != "modbus":
                raise ValueError(f"bus {self.name} is DL/T645: {device.device.id} is a Modbus device")
            if device.unit in self.units:
                raise ValueError(f"bus {self.name}: unit id {device.unit} is used twice")
            self.units[device.unit] = device
            self._core = None
        else:
            if self.protocol != "dlt645":
                raise ValueError(f"bus {self.name} is Modbus: {device.device.id} is a DL/T645 meter")
            self.meters.append(device)

    def devices(self) -> list[Device]:
        """Every device on the bus."""
        return [*self.units.values(), *self.meters]

    # -- framing -----------------------------------------------------------------------------

    def take(self, buf: bytearray) -> Request | None:
        """Remove the first whole request from ``buf``; None while more bytes are needed.

        Bytes that cannot start a request are dropped, as a slave's receiver drops them.
        """
        if self.protocol == "dlt645":
            drop, frame = split_frame(buf)
            self.stats.noise_bytes += drop - (len(frame) if frame else 0)
            del buf[:drop]
            return Request(frame) if frame is not None else None
        data = bytes(buf)
        try:
            used, pdu = self._framer.handleFrame(data, 0, 0)
        except ModbusException:
            # a frame with a good CRC that pymodbus cannot decode (e.g. a count over 125)
            buf.clear()
            return Request(data, data[0], None)
        if pdu is None:
            if used:
                self.stats.noise_bytes += used
                del buf[:used]
            return None
        del buf[:used]
        return Request(data[:used], pdu.dev_id, pdu)

    # -- exchanges ---------------------------------------------------------------------------

    async def exchange(self, request: Request) -> bytes | None:
        """Put ``request`` on the wire and return the reply, or None if nobody answers."""
        async with self._lock:
            self.stats.requests += 1
            if self.protocol == "modbus":
                reply, device_id = await self._modbus(request)
            else:
                reply, device_id = self._dlt645(request)
            delay = 0.0
            if reply is not None and device_id is not None:
                reply, delay = self._device_faults(device_id, reply)
            if reply is not None:
                reply = self._line_noise(reply)
            if self.timed:
                t = self.timing
                if reply is None:
                    delay += t.unanswered(len(request.frame))
                else:
                    delay += t.exchange(len(request.frame), len(reply))
            if delay > 0:
                await asyncio.sleep(delay)
            if reply is None:
                self.stats.silent += 1
            else:
                self.stats.replies += 1
            return reply

    def _device_faults(self, device_id: str, reply: bytes) -> tuple[bytes | None, float]:
        faults = self.faults
        if faults.get(FaultKind.DEAD, device_id):
            return None, 0.0
        delay = 0.0
        slow = faults.get(FaultKind.SLOW, device_id)
        if slow is not None:
            delay = slow.delay
        crc = faults.get(FaultKind.CRC, device_id)
        if crc is not None and self.rng.random() < crc.rate:
            # flip one bit past the address and function: the checksum no longer matches
            i = self.rng.randrange(2, len(reply))
            reply = reply[:i] + bytes([reply[i] ^ (1 << self.rng.randrange(8))]) + reply[i + 1 :]
        return reply, delay

    def _line_noise(self, reply: bytes) -> bytes:
        garbage = self.faults.get(FaultKind.GARBAGE, self.name)
        if garbage is not None and self.rng.random() < garbage.rate:
            noise = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 6)))
            return noise + reply
        return reply

    async def _modbus(self, request: Request) -> tuple[bytes | None, str | None]:
        pdu = request.pdu
        if request.unit == 0:
            if pdu is not None and pdu.function_code in _BROADCAST_WRITES:
                for image in self.units.values():
                    if not self.faults.get(FaultKind.DEAD, image.device.id):
                        self.refresh(image)
                        await self._execute(pdu, image.unit)
            return None, None
        image = self.units.get(request.unit)
        if image is None:
            return None, None
        if pdu is None:
            fc = request.frame[1] & 0x7F if len(request.frame) > 1 else 0
            response: ModbusPDU = ExceptionResponse(fc, ExcCodes.ILLEGAL_VALUE)
            response.dev_id = image.unit
            return self._framer.buildFrame(response), image.device.id
        self.refresh(image)
        cacheable = pdu.function_code in _READS
        if cacheable:
            hit = image.cache.get(request.frame)
            if hit is not None:
                self.stats.cache_hits += 1
                return hit, image.device.id
        response = await self._execute(pdu, image.unit)
        reply = self._framer.buildFrame(response)
        if cacheable and not response.isError():
            if len(image.cache) >= CACHE_LIMIT:
                image.cache.clear()
            image.cache[request.frame] = reply
        return reply, image.device.id

    async def _execute(self, pdu: ModbusPDU, unit: int) -> ModbusPDU:
        if self._core is None:
            self._core = SimCore([image.pymodbus_device for image in self.units.values()])
        try:
            response = await pdu.datastore_update(self._core, unit)
        except Exception as exc:
            log.debug("%s: unit %d cannot execute %s: %s", self.name, unit, pdu, exc)
            code = ExcCodes.ILLEGAL_FUNCTION if isinstance(exc, AttributeError) else ExcCodes.DEVICE_FAILURE
            response = ExceptionResponse(pdu.function_code, code)
        response.dev_id = unit
        response.transaction_id = 0
        return response

    def _dlt645(self, request: Request) -> tuple[bytes | None, str | None]:
        for meter in self.meters:
            self.refresh(meter)
            reply = meter.answer(request.frame)
            if reply is not None:
                return reply, meter.device.id
        return None, None


Send = Callable[[bytes], Awaitable[None]]


class Port:
    """One master's byte stream into a bus: reassembles requests, queues them, sends replies.

    Bytes that have not formed a request after ``flush_after`` seconds of silence are
    dropped, the way a slave resynchronises on the inter-frame gap.
    """

    def __init__(self, bus: Bus, send: Send, *, flush_after: float = 0.2) -> None:
        self.bus = bus
        self.send = send
        self.flush_after = flush_after
        self._buf = bytearray()
        self._queue: asyncio.Queue[Request] = asyncio.Queue(QUEUE_LIMIT)
        self._loop = asyncio.get_running_loop()
        self._flush: asyncio.TimerHandle | None = None
        self._worker = self._loop.create_task(self._work(), name=f"bus-port-{bus.name}")

    def feed(self, data: bytes) -> None:
        """Take bytes from the master."""
        buf = self._buf
        buf += data
        while buf:
            request = self.bus.take(buf)
            if request is None:
                break
            try:
                self._queue.put_nowait(request)
            except asyncio.QueueFull:
                self.bus.stats.noise_bytes += len(request.frame)
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if buf:
            self._flush = self._loop.call_later(self.flush_after, self._drop)

    def _drop(self) -> None:
        self.bus.stats.noise_bytes += len(self._buf)
        self._buf.clear()
        self._flush = None

    async def _work(self) -> None:
        while True:
            request = await self._queue.get()
            try:
                reply = await self.bus.exchange(request)
                if reply is not None:
                    await self.send(reply)
            except Exception:  # a simulated device must not take the bus down with it
                log.exception("%s: request %s could not be answered", self.bus.name, request.frame.hex(" "))

    def discard(self) -> None:
        """Forget bytes and requests not yet on the wire (the master went away)."""
        self._buf.clear()
        while not self._queue.empty():
            self._queue.get_nowait()

    async def close(self) -> None:
        """Stop the port's worker; requests not yet answered are dropped."""
        if self._flush is not None:
            self._flush.cancel()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
