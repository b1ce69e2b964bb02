"""Modbus TCP master for Ethernet gateways and PLCs, with the same face as the RTU master.

pymodbus's `AsyncModbusTcpClient` is fine for this case (we dial, MBAP carries a
transaction id), but two of its habits do not suit a SCADA poller:

* it retries on its own and, after ``retries + 3`` failed requests in a row, closes the
  connection - behind a gateway that takes every meter offline because one unit is dead;
* it reconnects in the background on its own schedule.

So pymodbus gets no retries, no reconnect schedule and no deadlines of its own: every
call has our deadline, a failure is reported once as a typed `LinkError`, the poll
scheduler counts failures per device, and a connection that is gone is re-dialled at the
start of the next call.
"""

from __future__ import annotations

import asyncio
import logging

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException
from pymodbus.pdu import ModbusPDU

from drivers.link import LinkDown, LinkTimeout
from drivers.modbus import (
    BusWrites,
    ModbusExceptionResponse,
    ModbusFrameError,
    check_timeout,
    check_unit,
    read_request,
    write_request,
)

log = logging.getLogger(__name__)

#: pymodbus's own deadlines are set beyond reach; ours (asyncio timeouts) always fire first.
_PYMODBUS_NEVER = 24 * 3600.0
#: pymodbus closes the connection after this many failed requests in a row: never, for us.
_NO_DISCONNECT = 2**31

MAX_TCP_UNIT = 255  # a TCP device addressed directly often answers on unit 255 (or any)


class ModbusTcp(BusWrites):
    """The Modbus TCP master of one gateway or PLC at ``host:port``.

    Calls are serialised (one transaction in flight: many gateways cannot do more).  The
    connection is opened by the first call (or `connect`); when it is lost - peer closed,
    gateway rebooted - the call in flight fails at once with `LinkDown` and the *next*
    call dials again.  Unit 0 writes are broadcasts: no reply, then ``broadcast_quiet``
    seconds of silence.  pymodbus never retries and never drops the connection after a run
    of timeouts: failure counting belongs to the poll scheduler.
    """

    def __init__(
        self,
        host: str,
        port: int = 502,
        *,
        name: str = "",
        connect_timeout: float = 3.0,
        broadcast_quiet: float = 0.1,
    ) -> None:
        check_timeout(connect_timeout)
        self.host = host
        self.port = port
        self.name = name or f"{host}:{port}"
        self.connect_timeout = connect_timeout
        self.broadcast_quiet = broadcast_quiet
        self._client: AsyncModbusTcpClient | None = None
        self._lock = asyncio.Lock()
        self._lost: asyncio.Future[None] | None = None

    @property
    def connected(self) -> bool:
        """True while a TCP connection to the gateway is open."""
        return self._client is not None and self._client.connected

    async def connect(self) -> None:
        """Open the connection now (calls do it themselves); raises `LinkDown` on failure."""
        async with self._lock:
            await self._ensure_connected()

    def close(self) -> None:
        """Close the connection; a later call opens a new one."""
        if self._client is not None:
            self._client.close()

    # -- the Bus methods ---------------------------------------------------------------------------

    async def read_registers(
        self, unit: int, address: int, count: int, function: int = 3, timeout: float = 1.0
    ) -> list[int]:
        """Read ``count`` holding (FC3) or input (FC4) registers starting at ``address``."""
        if function not in (3, 4):
            raise ValueError(f"function {function!r} does not read registers (3 holding, 4 input)")
        check_unit(unit, write=False, top=MAX_TCP_UNIT)
        pdu = await self._call(read_request(unit, function, address, count), timeout)
        registers = list(pdu.registers)
        if len(registers) != count:
            raise ModbusFrameError(f"{self.name}: unit {unit}: {len(registers)} registers, {count} asked")
        return registers

    async def read_bits(
        self, unit: int, address: int, count: int, function: int = 1, timeout: float = 1.0
    ) -> list[bool]:
        """Read ``count`` coils (FC1) or discrete inputs (FC2) starting at ``address``."""
        if function not in (1, 2):
            raise ValueError(f"function {function!r} does not read bits (1 coils, 2 discrete inputs)")
        check_unit(unit, write=False, top=MAX_TCP_UNIT)
        pdu = await self._call(read_request(unit, function, address, count), timeout)
        if len(pdu.bits) < count:
            raise ModbusFrameError(f"{self.name}: unit {unit}: {len(pdu.bits)} bits came, {count} asked")
        return list(pdu.bits[:count])

    # -- internals ---------------------------------------------------------------------------------

    async def _write(
        self, unit: int, function: int, address: int, values: list[int] | list[bool], timeout: float
    ) -> None:
        check_unit(unit, write=True, top=MAX_TCP_UNIT)
        await self._call(write_request(unit, function, address, values), timeout, broadcast=unit == 0)

    def _on_connect(self, connected: bool) -> None:
        """pymodbus's connection trace: fail the call in flight as soon as the peer is gone."""
        if not connected and self._lost is not None and not self._lost.done():
            self._lost.set_result(None)

    async def _ensure_connected(self) -> AsyncModbusTcpClient:
        client = self._client
        if client is None:
            client = self._client = AsyncModbusTcpClient(
                self.host,
                port=self.port,
                name=self.name,
                retries=0,
                reconnect_delay=0,  # no background reconnects: the next call dials
                timeout=_PYMODBUS_NEVER,
                trace_connect=self._on_connect,
            )
            client.set_max_no_responses(_NO_DISCONNECT)
        if client.connected:
            return client
        ok = False
        try:
            async with asyncio.timeout(self.connect_timeout):
                ok = await client.connect()
        except TimeoutError:
            ok = False
        if not ok or not client.connected:
            client.close()
            raise LinkDown(f"{self.name}: cannot connect to the Modbus TCP gateway")
        log.info("%s: connected", self.name)
        return client

    async def _call(self, request: ModbusPDU, timeout: float, *, broadcast: bool = False) -> ModbusPDU:
        check_timeout(timeout)
        unit, function = request.dev_id, request.function_code
        async with self._lock:
            client = await self._ensure_connected()
            if broadcast:
                # No reply comes; the gateway relays it to its serial bus, whose units need
                # the turnaround time before the next request (and a request glued to the
                # broadcast in one segment is more than some gateways can take).
                await client.execute(True, request)
                await asyncio.sleep(self.broadcast_quiet)
                return request
            loop = asyncio.get_running_loop()
            self._lost = lost = loop.create_future()
            task = loop.create_task(self._execute(client, request))
            try:
                done, _ = await asyncio.wait((task, lost), timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                self._lost = None
                if not task.done():
                    task.cancel()  # pymodbus's transaction lock is released by the cancellation
                    await asyncio.wait((task,))
        if task in done:
            response = self._response(task, unit, function)
        elif lost in done:
            raise LinkDown(f"{self.name}: connection lost during the request to unit {unit}")
        else:
            raise LinkTimeout(f"{self.name}: unit {unit} gave no reply within {timeout:g} s")
        return response

    @staticmethod
    async def _execute(client: AsyncModbusTcpClient, request: ModbusPDU) -> ModbusPDU:
        return await client.execute(False, request)

    def _response(self, task: asyncio.Task[ModbusPDU], unit: int, function: int) -> ModbusPDU:
        """The task's PDU, or its failure as one of our typed errors."""
        try:
            pdu = task.result()
        except ConnectionException as exc:
            raise LinkDown(f"{self.name}: {exc.string}") from exc
        except OSError as exc:
            raise LinkDown(f"{self.name}: {exc.strerror or exc}") from exc
        except ModbusException as exc:  # ModbusIOException: a reply for another unit or transaction
            raise ModbusFrameError(f"{self.name}: unit {unit}: {exc.string}") from exc
        if pdu.isError():
            raise ModbusExceptionResponse(pdu.exception_code, unit=unit, function=function, where=self.name)
        return pdu
