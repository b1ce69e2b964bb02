"""Scanning one bus: who is polled when, and what each answer (or silence) means for quality.

An RS-485 bus carries one request at a time, so each bus (one DTU or one Modbus TCP gateway)
is one `BusScan`: a loop that always polls the device whose turn is next.  Devices keep their
own poll periods and their own failure counts, so a dead meter is retried with backoff and
marked ``comm_fail`` after a few failures while its 31 neighbours keep being polled on time.
When the whole gateway is lost, the link's offline event marks all of its points at once (see
`app.acquisition.acquisition`); the scan just waits for the link to return.

Every answer becomes `Sample`s with a quality: ``good``; ``bad_value`` when the value is
outside the quantity's physical range or the device refused that register block;
``comm_fail`` (with the last known value) when the device stopped answering; ``stale`` when a
device that should answer has not been refreshed for too long (the bus is overloaded).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.model import Quality, Sample
from drivers.dlt645 import Dlt645Meter
from drivers.link import LinkDown, LinkError
from drivers.modbus import Bus, ModbusExceptionResponse
from drivers.reading import read_block
from drivers.templates import Block, Template

log = logging.getLogger(__name__)

Emit = Callable[[list[Sample]], None]

FAIL_AFTER = 3  # consecutive failed polls before a device's points become comm_fail
MAX_BACKOFF = 60.0  # seconds between retries of a dead device, at most
STALE_PERIODS = 3.0  # a device not refreshed for this many poll periods (plus timeouts) is stale


@dataclass(eq=False)
class DevicePoll:
    """One device on a bus and its polling state."""

    device: str
    address: int | str
    template: Template
    period: float
    pt: float = 1.0
    ct: float = 1.0
    blocks: list[Block] = field(default_factory=list)
    due: float = 0.0  # monotonic time of the next poll
    failures: int = 0
    comm_fail: bool = False
    stale: bool = False
    last_ok: float = 0.0  # monotonic time of the last successful poll
    last: dict[str, float] = field(default_factory=dict)  # quantity id -> last value
    refused: set[int] = field(default_factory=set)  # blocks the device answered with an exception

    #: quantity id -> (point id, lowest, highest plausible value at this device's ratios)
    targets: dict[str, tuple[str, float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.template.protocol == "modbus" and not self.blocks:
            self.blocks = self.template.blocks()
        for q in self.template.quantities:
            span = q.range_at(self.pt, self.ct)
            low, high = span if span is not None else (-math.inf, math.inf)
            self.targets[q.id] = (f"{self.device}.{q.id}", low, high)

    @property
    def point_ids(self) -> list[str]:
        """Every point of this device."""
        return [f"{self.device}.{q.id}" for q in self.template.quantities]

    def samples(self, quality: Quality, ts: int) -> list[Sample]:
        """Every point of the device at ``quality``, carrying its last known value."""
        last = self.last
        return [Sample(f"{self.device}.{q.id}", ts, last.get(q.id, 0.0), quality) for q in self.template.quantities]


class BusScan:
    """Polls the devices of one bus in turn, forever, one request in flight."""

    def __init__(
        self,
        gateway: str,
        bus: Bus | Dlt645Meter,
        devices: list[DevicePoll],
        emit: Emit,
        *,
        timeout: float = 1.0,
        online: Callable[[], bool] = lambda: True,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.gateway = gateway
        self.bus = bus
        self.devices = devices
        self.emit = emit
        self.timeout = timeout
        self.online = online
        self.clock = clock
        self.wall_ms = wall_ms
        self.wake = asyncio.Event()  # set when the link comes back (or on stop)
        self.polls = 0
        self.failures = 0
        now = clock()
        for i, d in enumerate(devices):  # spread the first polls a little over the first period
            d.due = now + min(d.period, 1.0) * i / max(1, len(devices))

    async def run(self) -> None:
        """The scan loop; cancel the task to stop it."""
        while True:
            if not self.online():
                self.wake.clear()
                await self.wake.wait()
                now = self.clock()
                for d in self.devices:
                    d.due = now
                continue
            poll = min(self.devices, key=lambda d: d.due)
            delay = poll.due - self.clock()
            if delay > 0:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), delay)
                continue
            try:
                await self.poll(poll)
            except LinkDown:
                if self.online():
                    raise  # a bus we dial (Modbus TCP): the caller reconnects
                # A DTU link: the listener's offline event marks the points; wait for the link.

    async def poll(self, d: DevicePoll) -> None:
        """Poll one device once and emit what came of it; raises LinkDown when the link is gone."""
        self.polls += 1
        values: dict[str, float] = {}
        refused: dict[str, str] = {}
        try:
            if isinstance(self.bus, Dlt645Meter):
                await self._read_dlt645(d, values, refused)
            else:
                await self._read_modbus(d, values, refused)
        except LinkDown:
            raise
        except LinkError as exc:
            self._failed(d, exc)
            return
        self._answered(d, values, refused)

    async def _read_modbus(self, d: DevicePoll, values: dict[str, float], refused: dict[str, str]) -> None:
        unit = int(d.address)
        for i, block in enumerate(d.blocks):
            try:
                values.update(
                    await read_block(self.bus, d.template, block, unit, pt=d.pt, ct=d.ct, timeout=self.timeout)  # type: ignore[arg-type]
                )
            except ModbusExceptionResponse as exc:
                # The device is alive but refuses this block: its map differs from the template.
                if i not in d.refused:
                    d.refused.add(i)
                    log.warning("%s: %s (%d quantities marked bad_value)", d.device, exc, len(block.quantities))
                for q in block.quantities:
                    refused[q.id] = str(exc)

    async def _read_dlt645(self, d: DevicePoll, values: dict[str, float], refused: dict[str, str]) -> None:
        meter = self.bus
        assert isinstance(meter, Dlt645Meter)
        answered = False
        last_error: LinkError | None = None
        for q in d.template.quantities:
            assert q.di is not None
            try:
                raw = await meter.read(str(d.address), q.di, self.timeout)
            except LinkDown:
                raise
            except LinkError as exc:
                if "refused" in str(exc):  # an abnormal reply: alive, but no such data
                    refused[q.id] = str(exc)
                    answered = True
                    continue
                last_error = exc
                continue
            answered = True
            if isinstance(raw, int | float):
                values[q.id] = q.physical(float(raw), d.pt, d.ct)
            else:
                refused[q.id] = f"{q.di:08X} is not a number"
        if not answered and last_error is not None:
            raise last_error

    def _answered(self, d: DevicePoll, values: dict[str, float], refused: dict[str, str]) -> None:
        """Samples of what the device said: good, or bad_value when implausible or refused.

        The hot path of acquisition (thousands of calls a second): ranges are precomputed per
        device, and a NaN fails the range test by itself.
        """
        ts = self.wall_ms()
        if d.comm_fail:
            log.info("%s answers again after %d failed polls", d.device, d.failures)
        d.failures = 0
        d.comm_fail = False
        d.stale = False
        d.last_ok = now = self.clock()
        d.due = d.due + d.period if d.due + d.period > now else now + d.period  # keep phase, never burst
        good, bad = Quality.GOOD, Quality.BAD_VALUE
        targets, last = d.targets, d.last
        samples = []
        append = samples.append
        for qid, v in values.items():
            pid, low, high = targets[qid]
            last[qid] = v
            append(Sample(pid, ts, v, good if low <= v <= high else bad))
        for qid in refused:
            append(Sample(targets[qid][0], ts, last.get(qid, 0.0), bad))
        self.emit(samples)

    def _failed(self, d: DevicePoll, exc: LinkError) -> None:
        self.failures += 1
        d.failures += 1
        now = self.clock()
        if d.failures == 1:
            log.info("%s did not answer: %s", d.device, exc)
        # Retry soon at first (a single lost reply is common on RS-485), then back off.
        backoff = min(MAX_BACKOFF, max(d.period, 0.5) * 2 ** max(0, d.failures - FAIL_AFTER))
        d.due = now + (min(d.period, 1.0) if d.failures < FAIL_AFTER else backoff)
        if d.failures >= FAIL_AFTER and not d.comm_fail:
            d.comm_fail = True
            log.warning("%s: no answer %d times in a row (%s); its points are comm_fail", d.device, d.failures, exc)
            self.emit(d.samples(Quality.COMM_FAIL, self.wall_ms()))

    def check_stale(self) -> None:
        """Mark devices that should answer but have not been refreshed for too long."""
        if not self.online():
            return
        now = self.clock()
        for d in self.devices:
            limit = STALE_PERIODS * d.period + FAIL_AFTER * self.timeout
            if d.last_ok and not d.comm_fail and not d.stale and now - d.last_ok > limit:
                d.stale = True
                log.info("%s not refreshed for %.0f s: stale", d.device, now - d.last_ok)
                self.emit(d.samples(Quality.STALE, self.wall_ms()))

    def link_lost(self) -> list[Sample]:
        """All points of the bus as comm_fail (the gateway went offline); devices restart fresh."""
        ts = self.wall_ms()
        out: list[Sample] = []
        for d in self.devices:
            d.comm_fail = True
            d.failures = max(d.failures, FAIL_AFTER)
            out += d.samples(Quality.COMM_FAIL, ts)
        return out

    def link_back(self) -> None:
        """The gateway is back: poll everyone now."""
        for d in self.devices:
            d.failures = 0
        self.wake.set()

