"""The simulated switch room as a running thing: DTUs dialling a listener, buses, physics, faults.

`Simulator` puts the pieces together: one `Bus` per gateway with the devices its spec names
(Modbus devices served by pymodbus's server side, DL/T645 meters by `meter645`), one
`DtuClient` per gateway dialling the listener, and the `Plant` physics behind every value.
It is a separate piece of software from our drivers: it shares no protocol code with them,
only the templates (the register maps both sides agree on) and the register value codec.

Plant time runs from ``clock()`` at construction (or ``start``) at ``speedup`` times real
time.  Device values are recomputed at most once per ``refresh`` seconds of plant time (a
real meter also updates its registers only a few times a second), and whenever the plant
changes state (a breaker, a fault), so every device polled within one refresh interval shows
one consistent instant.

The plant's cameras (`SimPlant.cameras`) are served over RTSP by one `CameraServer` per host
and port, started and stopped with the rest; a camera port that is taken is logged, not fatal:
the DTUs and the plant keep running without video.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drivers.simulator.bus import Bus, Device, Port
from drivers.simulator.dtu_client import DtuClient
from drivers.simulator.faults import DIGITAL_KINDS, Fault, FaultBook, FaultError, FaultKind
from drivers.simulator.image import BREAKER_IDS, RegisterImage
from drivers.simulator.meter645 import Dlt645Meter
from drivers.simulator.plant import Plant, PlantError
from drivers.simulator.profile import key_of
from drivers.simulator.spec import SimCamera, SimPlant, SpecError
from drivers.simulator.timing import DLT645_TURNAROUND, MODBUS_TURNAROUND, BusTiming
from drivers.templates import Quantity, Template, load_library

if TYPE_CHECKING:
    from drivers.simulator.camera import CameraServer

log = logging.getLogger(__name__)

RANDOM_FAULT_EVERY = 120.0  # s of wall time between random faults, on average


class SimulatorError(ValueError):
    """The simulator cannot do what was asked (unknown gateway, bad spec, ...)."""


class Simulator:
    """A simulated plant whose DTUs connect to the listener at ``host:port``."""

    def __init__(
        self,
        plant: SimPlant,
        host: str,
        port: int,
        *,
        bus_timing: bool = True,
        clock: Callable[[], float] = time.time,
        speedup: float = 1.0,
        random_faults: bool = False,
        refresh: float = 1.0,
        start: float | None = None,
        templates: Mapping[str, Template] | None = None,
        turnaround: float | None = None,
    ) -> None:
        if not 0 < speedup <= 1e6:
            raise SimulatorError(f"speedup {speedup} must be above 0 (and at most 1e6)")
        if not 0 < refresh <= 3600:
            raise SimulatorError(f"refresh {refresh} s must be within 0..3600 s")
        try:
            plant.validate()
        except SpecError as exc:
            raise SimulatorError(str(exc)) from exc
        library = dict(templates) if templates is not None else load_library()
        self.spec = plant
        self.host, self.port = host, port
        self.clock = clock
        self.speedup = speedup
        self.refresh = refresh
        self.random_faults = random_faults
        self._clock0 = clock()
        self._t0 = self._clock0 if start is None else start
        self.templates = {d.id: self._template(library, d.template, d.id) for g in plant.gateways for d in g.devices}
        circuits = {device_id: t.circuits for device_id, t in self.templates.items() if t.category == "rail_meter"}
        self.physics = Plant(plant, start=self._t0, circuits=circuits)
        self.faults = FaultBook()
        self.epoch = 0  # bumped on every change of plant state: devices reload their values
        self.buses: dict[str, Bus] = {}
        self.dtus: dict[str, DtuClient] = {}
        self._devices: dict[str, Device] = {}
        for g in plant.gateways:
            protocols = {self.templates[d.id].protocol for d in g.devices}
            if len(protocols) > 1:
                raise SimulatorError(
                    f"gateway {g.id} mixes Modbus and DL/T645 devices: one bus has one baud rate and parity"
                )
            protocol = protocols.pop() if protocols else "modbus"
            default = DLT645_TURNAROUND if protocol == "dlt645" else MODBUS_TURNAROUND
            rng = random.Random(key_of(plant.seed, g.id))
            bus = Bus(
                g.id,
                protocol,
                BusTiming(g.baud, default if turnaround is None else turnaround),
                faults=self.faults,
                rng=rng,
                timed=bus_timing,
                refresh=self._refresh,
            )
            for d in g.devices:
                template = self.templates[d.id]
                device: Device
                if protocol == "dlt645":
                    device = Dlt645Meter(d, template, self._local_now, rng)
                else:
                    device = RegisterImage(d, template, self._written)
                bus.add(device)
                self._devices[d.id] = device
            self.buses[g.id] = bus
            self.dtus[g.id] = DtuClient(g, bus, host, port, random.Random(key_of(plant.seed, g.id, "dtu")))
        self._servers: list[asyncio.Server] = []
        self._ports: set[Port] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: dict[tuple[FaultKind, str], asyncio.TimerHandle] = {}
        self._rng = random.Random(key_of(plant.seed, "random-faults"))
        self.camera_servers: list[CameraServer] = self._camera_servers(plant)
        self._serving: list[CameraServer] = []

    @staticmethod
    def _camera_servers(plant: SimPlant) -> list[CameraServer]:
        """One RTSP server per host and port of the plant's cameras (none, and no PyAV import, without)."""
        if not plant.cameras:
            return []
        from drivers.simulator.camera import CameraServer  # noqa: PLC0415 - PyAV and OpenCV load only with cameras

        try:
            tz = ZoneInfo(plant.tz)
        except (ZoneInfoNotFoundError, ValueError):
            tz = None
        places: dict[tuple[str, int], list[SimCamera]] = {}
        for c in plant.cameras:
            places.setdefault((c.host, c.port), []).append(c)
        return [CameraServer(host, port, cams, tz=tz) for (host, port), cams in places.items()]

    @staticmethod
    def _template(library: Mapping[str, Template], template_id: str, device_id: str) -> Template:
        try:
            return library[template_id]
        except KeyError:
            raise SimulatorError(f"device {device_id}: there is no device template {template_id!r}") from None

    # -- time and values ---------------------------------------------------------------------

    def plant_time(self) -> float:
        """Plant time now, epoch seconds (it runs ``speedup`` times faster than ``clock``)."""
        return self._t0 + (self.clock() - self._clock0) * self.speedup

    def _instant(self) -> float:
        return math.floor(self.plant_time() / self.refresh) * self.refresh

    def _local_now(self) -> datetime:
        """Local wall-clock time in the plant, for the DL/T645 meter's clock."""
        return self.physics.clock.datetime(self.plant_time())

    def _refresh(self, device: Device) -> None:
        t = self._instant()
        stamp = (t, self.epoch)
        if device.stamp != stamp:
            device.load(self.physics.readings(device.device.id, t))
            device.stamp = stamp

    def readings(self, device_id: str) -> dict[str, float]:
        """The values ``device_id`` shows right now (the plant's readings at the current instant)."""
        if device_id not in self._devices:
            raise SimulatorError(f"there is no device {device_id!r} in the plant")
        device = self._devices[device_id]
        self._refresh(device)
        return self.physics.readings(device_id, self._instant())

    def device(self, device_id: str) -> Device:
        """The simulated device (its register image or DL/T645 meter)."""
        try:
            return self._devices[device_id]
        except KeyError:
            raise SimulatorError(f"there is no device {device_id!r} in the plant") from None

    def bus(self, gateway_id: str) -> Bus:
        """The bus behind gateway ``gateway_id``."""
        try:
            return self.buses[gateway_id]
        except KeyError:
            raise SimulatorError(f"there is no gateway {gateway_id!r} in the plant") from None

    def connected(self, gateway_id: str) -> bool:
        """Whether the gateway's DTU has a TCP connection open right now."""
        if gateway_id not in self.dtus:
            raise SimulatorError(f"there is no gateway {gateway_id!r} in the plant")
        return self.dtus[gateway_id].connected

    def camera_url(self, camera_id: str) -> str:
        """Where a camera of the plant is served (rtsp://host:port/path, without credentials)."""
        for server in self.camera_servers:
            try:
                return server.url(camera_id)
            except KeyError:
                continue
        raise SimulatorError(f"there is no camera {camera_id!r} in the plant")

    def camera_urls(self) -> dict[str, str]:
        """The cameras being served now, by id (a camera whose port was taken is not among them)."""
        return {c.id: server.url(c.id) for server in self._serving for c in server.cameras}

    def _changed(self) -> None:
        self.epoch += 1

    # -- life --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start every DTU dialling the listener (they keep trying until `stop`) and serve the cameras."""
        for dtu in self.dtus.values():
            dtu.start()
        for server in self.camera_servers:
            if server in self._serving:
                continue
            try:
                await server.start()
            except OSError as exc:
                log.warning(
                    "模拟摄像机无法监听 %s:%d（%s），演示视频不可用，其余模拟照常运行 / "
                    "simulated cameras cannot listen on %s:%d (%s): no demo video, the rest of the simulator runs on",
                    server.host,
                    server.port,
                    exc.strerror or exc,
                    server.host,
                    server.port,
                    exc.strerror or exc,
                )
                continue
            self._serving.append(server)
        if self.random_faults and not any(t.get_name() == "random-faults" for t in self._tasks):
            self._spawn(self._play_faults(), "random-faults")

    async def stop(self) -> None:
        """Close every connection and server, and stop everything started."""
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.gather(*(dtu.stop() for dtu in self.dtus.values()))
        for camera_server in self._serving:
            await camera_server.stop()
        self._serving.clear()
        for server in self._servers:
            server.close()
        for port in list(self._ports):
            await port.close()
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()

    async def run_forever(self) -> None:
        """Start, then run until cancelled; stops cleanly either way."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def serve_bus(self, gateway_id: str, host: str = "127.0.0.1", port: int = 0) -> int:
        """Expose a gateway's bus as a plain RTU-over-TCP server; returns the port it listens on.

        No registration, no heartbeats: raw bus bytes both ways, for `mbpoll` through socat
        or for any other master.  Closed by `stop`.
        """
        bus = self.bus(gateway_id)
        loop = asyncio.get_running_loop()
        sim = self

        class _Raw(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                assert isinstance(transport, asyncio.Transport)
                self.transport = transport

                async def send(reply: bytes) -> None:
                    if not transport.is_closing():
                        transport.write(reply)

                self.port = Port(bus, send)
                sim._ports.add(self.port)

            def data_received(self, data: bytes) -> None:
                self.port.feed(data)

            def connection_lost(self, exc: Exception | None) -> None:
                sim._ports.discard(self.port)
                sim._spawn(self.port.close(), "bus-port-close")

        server = await loop.create_server(_Raw, host, port)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    # -- operations --------------------------------------------------------------------------

    def open_breaker(self, device_id: str) -> None:
        """Open the breaker a meter sits on: it and everything downstream carry nothing."""
        self.physics.set_breaker(device_id, False, self.plant_time())
        self._changed()

    def close_breaker(self, device_id: str) -> None:
        """Close the breaker a meter sits on."""
        self.physics.set_breaker(device_id, True, self.plant_time())
        self._changed()

    def breaker_closed(self, device_id: str) -> bool:
        """The breaker's position; raises PlantError if the device has none."""
        if device_id not in self.physics.breakers:
            raise PlantError(f"{device_id} has no breaker")
        return self.physics.breakers[device_id]

    def _written(self, device_id: str, quantity: Quantity, value: float) -> None:
        """A master wrote to a device: a relay wired to the breaker operates it."""
        if quantity.id in BREAKER_IDS and device_id in self.physics.breakers:
            log.info("%s: %s written %g: breaker %s", device_id, quantity.id, value, "closes" if value else "opens")
            self.physics.set_breaker(device_id, value >= 0.5, self.plant_time())
            self._changed()

    def inject(self, fault: Fault) -> None:
        """Make ``fault`` happen now; raises FaultError if its target cannot have it."""
        if fault.on_gateway:
            if fault.target not in self.dtus:
                raise FaultError(f"{fault.kind.value} needs a gateway: there is no gateway {fault.target!r}")
        elif fault.target not in self._devices:
            raise FaultError(f"{fault.kind.value} needs a device: there is no device {fault.target!r}")
        t = self.plant_time()
        try:
            if fault.kind is FaultKind.OVERLOAD:
                self.physics.set_overload(fault.target, fault.factor, t)
            elif fault.kind is FaultKind.OVERTEMP:
                self.physics.set_overtemp(fault.target, fault.temperature)
            elif fault.kind in DIGITAL_KINDS:
                self.physics.set_digital(fault.target, DIGITAL_KINDS[fault.kind], True)
        except PlantError as exc:
            raise FaultError(f"{fault.kind.value} fault: {exc}") from exc
        self.faults.add(fault)
        if fault.kind is FaultKind.DISCONNECT:
            self.dtus[fault.target].disconnect(fault.reconnect_after)
            key = (fault.kind, fault.target)
            if key in self._timers:
                self._timers.pop(key).cancel()
            self._timers[key] = asyncio.get_running_loop().call_later(fault.reconnect_after, lambda: self._expired(key))
        elif fault.kind is FaultKind.FREEZE:
            self.dtus[fault.target].freeze(True)
        self._changed()
        log.info("fault injected: %s on %s", fault.kind.value, fault.target)

    def _expired(self, key: tuple[FaultKind, str]) -> None:
        self._timers.pop(key, None)
        self.faults.remove(key[1], key[0])

    def clear(self, target: str | Fault, kind: FaultKind | None = None) -> list[Fault]:
        """End the faults on ``target`` (all, or of ``kind``; or exactly the `Fault` given)."""
        if isinstance(target, Fault):
            target, kind = target.target, target.kind
        gone = self.faults.remove(target, kind)
        t = self.plant_time()
        for fault in gone:
            if fault.kind is FaultKind.OVERLOAD:
                self.physics.set_overload(fault.target, None, t)
            elif fault.kind is FaultKind.OVERTEMP:
                self.physics.set_overtemp(fault.target, None)
            elif fault.kind in DIGITAL_KINDS:
                self.physics.set_digital(fault.target, DIGITAL_KINDS[fault.kind], False)
            elif fault.kind is FaultKind.DISCONNECT:
                handle = self._timers.pop((fault.kind, fault.target), None)
                if handle is not None:
                    handle.cancel()
                self.dtus[fault.target].reconnect_now()
            elif fault.kind is FaultKind.FREEZE:
                self.dtus[fault.target].freeze(False)
            log.info("fault cleared: %s on %s", fault.kind.value, fault.target)
        if gone:
            self._changed()
        return gone

    # -- random faults for the demo ------------------------------------------------------------

    def _random_fault(self) -> Fault:
        rng = self._rng
        devices = self.physics.devices
        by_role: dict[str, list[str]] = {}
        for d in devices.values():
            by_role.setdefault(d.role, []).append(d.id)
        choices: list[Fault] = [
            Fault(FaultKind.SLOW, rng.choice(list(devices)), delay=rng.uniform(0.3, 1.5)),
            Fault(FaultKind.CRC, rng.choice(list(devices)), rate=rng.uniform(0.1, 0.4)),
            Fault(FaultKind.DEAD, rng.choice(list(devices))),
            Fault(FaultKind.GARBAGE, rng.choice(list(self.dtus)), rate=0.2),
            Fault(FaultKind.DISCONNECT, rng.choice(list(self.dtus)), reconnect_after=rng.uniform(5, 20)),
        ]
        if by_role.get("feeder"):
            choices.append(Fault(FaultKind.OVERLOAD, rng.choice(by_role["feeder"]), factor=rng.uniform(1.3, 1.8)))
        if by_role.get("tcu"):
            choices.append(Fault(FaultKind.OVERTEMP, rng.choice(by_role["tcu"]), temperature=rng.uniform(132, 145)))
        if by_role.get("environment"):
            kind = rng.choice([FaultKind.DOOR, FaultKind.DOOR, FaultKind.INTRUSION, FaultKind.WATER, FaultKind.SMOKE])
            choices.append(Fault(kind, rng.choice(by_role["environment"])))
        return rng.choice(choices)

    async def _play_faults(self) -> None:
        """Now and then a fault, and its recovery a while later: the demo's weather."""
        rng = self._rng
        while True:
            await asyncio.sleep(rng.expovariate(1.0 / RANDOM_FAULT_EVERY))
            fault = self._random_fault()
            if self.faults.get(fault.kind, fault.target) is not None:
                continue
            self.inject(fault)
            if fault.kind is not FaultKind.DISCONNECT:
                await asyncio.sleep(rng.uniform(20.0, 90.0))
                self.clear(fault)
