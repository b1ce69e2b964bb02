"""Scanning a whole site: every gateway's bus, link events, derived points, one stream of samples.

`SiteScan` turns a `Site` into running field I/O: a DTU listener for the gateways that dial in,
a Modbus TCP master for those we dial, one `BusScan` per bus, and the rules that tie gateway
state to point quality — a gateway that goes offline marks all its points ``comm_fail`` at
once, and they recover as soon as its devices answer again.  Everything it produces leaves
through one callback, ``emit(samples)``, with derived points computed on the way out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.acquisition.derived import DerivedPoints
from app.acquisition.scan import BusScan, DevicePoll, Emit
from app.config import Site, schema
from app.model import Sample
from drivers.dlt645 import Dlt645Meter
from drivers.dtu import DtuListener, GatewaySpec, RegistrationMode
from drivers.link import LinkDown, LinkEvent, LinkState
from drivers.modbus import Bus, ModbusRtu
from drivers.modbus_tcp import ModbusTcp

log = logging.getLogger(__name__)

TCP_RETRY = 5.0  # seconds between attempts to reach a Modbus TCP gateway that is down


def gateway_specs(site: Site) -> list[GatewaySpec]:
    """What the DTU listener must know of the site's DTU gateways."""
    specs = []
    for g in site.file.gateways:
        if isinstance(g, schema.DtuGateway):
            specs.append(
                GatewaySpec(
                    g.id,
                    g.registration.raw,
                    RegistrationMode(g.registration.mode),
                    heartbeat=g.heartbeat.raw if g.heartbeat else b"",
                    heartbeat_interval=g.heartbeat.interval if g.heartbeat else 30.0,
                )
            )
    return specs


@dataclass
class GatewayState:
    """What the console's status bar and the API's /site say about a gateway."""

    id: str
    kind: str  # "dtu" | "modbus_tcp"
    online: bool = False
    last_seen: int | None = None  # ms UTC of the last time it was seen online
    peer: str = ""


class SiteScan:
    """All field I/O of one site, producing samples and link events."""

    def __init__(
        self,
        site: Site,
        emit: Emit,
        *,
        on_link: Callable[[LinkEvent], None] | None = None,
        listen: tuple[str, int] | None = None,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.site = site
        self._emit_out = emit
        self._on_link = on_link
        self.wall_ms = wall_ms
        if listen is None:
            host, _, port = site.file.site.listen.rpartition(":")
            listen = (host or "0.0.0.0", int(port))
        self.listen = listen
        self.listener = DtuListener(gateway_specs(site))
        self.listener.subscribe(self._link_event)
        self.derived = DerivedPoints((x.id, x.expr) for x in site.file.derived)
        self.scans: dict[str, BusScan] = {}
        self.gateways: dict[str, GatewayState] = {g.id: GatewayState(g.id, g.kind) for g in site.file.gateways}
        self._tcp: dict[str, ModbusTcp] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self.address: tuple[str, int] | None = None

    # -- life ---------------------------------------------------------------------------------

    async def start(self) -> tuple[str, int]:
        """Listen for DTUs and start every bus scan; returns the listener's bound address."""
        self.address = await self.listener.start(*self.listen)
        for g in self.site.file.gateways:
            devices = [self._device_poll(d) for d in self.site.file.devices if d.gateway == g.id and d.enabled]
            if not devices:
                continue
            bus, online = self._bus_of(g, devices)
            scan = BusScan(g.id, bus, devices, self._emit, timeout=g.timeout, online=online, wall_ms=self.wall_ms)
            self.scans[g.id] = scan
            runner = self._run_tcp(g.id, scan) if isinstance(g, schema.TcpGateway) else scan.run()
            self._tasks.append(asyncio.create_task(runner, name=f"scan-{g.id}"))
        self._tasks.append(asyncio.create_task(self._watch_stale(), name="stale-watch"))
        return self.address

    async def stop(self) -> None:
        """Stop scanning and close every connection.

        Points are not marked comm_fail on the way out: the devices did not fail, we stopped
        listening, and the history should keep their last good values.
        """
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        for tcp in self._tcp.values():
            tcp.close()
        await self.listener.stop()

    # -- construction --------------------------------------------------------------------------

    def _device_poll(self, d: schema.Device) -> DevicePoll:
        return DevicePoll(d.id, d.address, self.site.templates[d.id], d.poll, d.pt, d.ct)

    def _bus_of(
        self, g: schema.DtuGateway | schema.TcpGateway, devices: list[DevicePoll]
    ) -> tuple[Bus | Dlt645Meter, Callable[[], bool]]:
        if isinstance(g, schema.TcpGateway):
            tcp = self._tcp[g.id] = ModbusTcp(g.host, g.port, name=g.id)
            return tcp, lambda: True  # we dial: a failed call is how we learn it is down
        link = self.listener.link(g.id)
        if devices[0].template.protocol == "dlt645":
            return Dlt645Meter(link), lambda: link.online
        return ModbusRtu(link), lambda: link.online

    # -- events -------------------------------------------------------------------------------

    def _emit(self, samples: list[Sample]) -> None:
        extra = self.derived.update(samples)
        self._emit_out(samples + extra if extra else samples)

    def _link_event(self, event: LinkEvent) -> None:
        state = self.gateways.get(event.gateway)
        scan = self.scans.get(event.gateway)
        if state is not None:
            if event.state is LinkState.ONLINE:
                state.online, state.peer, state.last_seen = True, event.peer, self.wall_ms()
                if scan is not None:
                    scan.link_back()
            elif event.state is LinkState.OFFLINE:
                state.online = False
                state.last_seen = self.wall_ms()
                if scan is not None and not self._stopping:
                    self._emit(scan.link_lost())
        if self._on_link is not None:
            self._on_link(event)

    async def _run_tcp(self, gateway: str, scan: BusScan) -> None:
        """A Modbus TCP gateway's scan, with its up/down state inferred from calls."""
        state = self.gateways[gateway]
        while True:
            try:
                for d in scan.devices:
                    d.due = 0.0
                if not state.online:
                    await self._tcp[gateway].connect()
                    self._link_event(LinkEvent(gateway, LinkState.ONLINE, "", f"{self._tcp[gateway]}"))
                await scan.run()
            except LinkDown as exc:
                if state.online:
                    self._link_event(LinkEvent(gateway, LinkState.OFFLINE, str(exc)))
                elif state.last_seen is None:
                    log.warning("Modbus TCP gateway %s cannot be reached: %s", gateway, exc)
                    state.last_seen = 0
                await asyncio.sleep(TCP_RETRY)

    async def _watch_stale(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            for scan in self.scans.values():
                try:
                    scan.check_stale()
                except Exception:  # a bug here must not stop the stale watch of every other bus
                    log.exception("stale check of %s failed", scan.gateway)
