"""What a simulated switch room consists of: gateways, the devices on their buses, the topology.

The simulator is driven by data, not code, so the demo site, a benchmark's thousand gateways
and a test's two meters are the same machinery with different specs.  The lead generates
these from the site file later; here they are plain dataclasses with a `validate` that says,
in words, what is wrong with a spec before anything starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: The roles a device can play in the plant's one-line topology (see `SimDevice.role`).
ROLES = (
    "incomer",  # 10 kV incoming feeder (HV meter at the incoming panel)
    "revenue",  # DL/T645 revenue meter at the incomer: measures what the incomer measures
    "transformer_hv",  # meter on a transformer's HV side; upstream is the incomer
    "transformer_lv",  # meter on a transformer's LV incoming panel; upstream is its HV meter
    "feeder",  # LV outgoing feeder; upstream is the LV incomer of its section (or None)
    "bus_tie",  # LV bus coupler; upstream is one section's LV incomer, `tie_to` the other's
    "tcu",  # transformer temperature controller; upstream is the transformer's LV meter
    "environment",  # room temperature/humidity and digital sensors
)

RegisterMode = Literal["once", "every", "both"]


class SpecError(ValueError):
    """A plant spec that cannot be simulated; the message names the gateway/device and why."""


@dataclass
class SimDevice:
    """One device on a simulated RS-485 bus."""

    id: str
    address: int | str  # Modbus unit id 1..247, or the 12-digit DL/T645 address
    template: str  # template id in resources/devices/
    role: str  # one of ROLES
    upstream: str | None = None  # the device id feeding this one
    pt: float = 1.0
    ct: float = 1.0
    rating_kva: float | None = None  # transformers
    rating_a: float | None = None  # feeders: the breaker's rated current
    room: str = ""
    tie_to: str | None = None  # bus tie only: the LV incomer of the other section


@dataclass
class SimGateway:
    """One DTU: its identity on the TCP link and the bus behind it.

    ``p_heartbeat_merge`` and ``p_split`` are the chances that a reply goes out with a
    heartbeat glued in front of it, or cut in two TCP segments ``split_delay`` seconds apart:
    real DTUs do both, so the listener must cope.  Tests set them to 0 or 1.
    """

    id: str
    registration: bytes
    register_mode: RegisterMode = "once"
    heartbeat: bytes = b""
    heartbeat_interval: float = 30.0
    baud: int = 9600
    devices: list[SimDevice] = field(default_factory=list)
    p_heartbeat_merge: float = 0.02
    p_split: float = 0.05
    split_delay: float = 0.02


@dataclass
class SimCamera:
    """One simulated IP camera: an RTSP stream of a test picture at ``rtsp://host:port/path``.

    Cameras on the same host and port share one RTSP server.  With ``username`` set, a client
    must authenticate (``auth`` "digest" or "basic", as real cameras offer either).
    """

    id: str
    path: str  # the URL path without the leading slash, e.g. "cam1"
    host: str = "127.0.0.1"
    port: int = 8554
    width: int = 1280
    height: int = 720
    fps: float = 15.0
    username: str | None = None
    password: str | None = None
    auth: Literal["digest", "basic"] = "digest"

    def validate(self) -> None:
        """Raise SpecError naming the camera and what is wrong."""
        where = f"camera {self.id or '?'}"
        if not self.id:
            raise SpecError("a camera has an empty id")
        path = self.path.strip("/")
        if not path or any(c in path for c in " ?#\r\n"):
            raise SpecError(f"{where}: path {self.path!r} must be a non-empty URL path without spaces, ? or #")
        if not 0 <= self.port <= 65535:
            raise SpecError(f"{where}: port {self.port} is outside 0..65535")
        if not (32 <= self.width <= 4096 and 32 <= self.height <= 2304) or self.width % 2 or self.height % 2:
            raise SpecError(f"{where}: {self.width} x {self.height} must be even and within 32 x 32 .. 4096 x 2304")
        if not 0.5 <= self.fps <= 60:
            raise SpecError(f"{where}: fps {self.fps} is outside 0.5..60")
        if self.auth not in ("digest", "basic"):
            raise SpecError(f"{where}: auth {self.auth!r} is not digest or basic")
        if self.username is not None and self.password is None:
            raise SpecError(f"{where}: a username needs a password")


@dataclass
class SimPlant:
    """The whole simulated site: its gateways and the cameras it serves (none by default)."""

    gateways: list[SimGateway]
    seed: int = 0
    tz: str = "Asia/Shanghai"
    cameras: list[SimCamera] = field(default_factory=list)

    def devices(self) -> dict[str, SimDevice]:
        """Every device by id, across all gateways."""
        return {d.id: d for g in self.gateways for d in g.devices}

    def gateway_of(self, device_id: str) -> SimGateway:
        """The gateway whose bus carries ``device_id``; raises SpecError if there is none."""
        for g in self.gateways:
            for d in g.devices:
                if d.id == device_id:
                    return g
        raise SpecError(f"there is no device {device_id!r} in the plant")

    def validate(self) -> None:
        """Raise SpecError on the first thing that cannot work; the message says where."""
        if not self.gateways:
            raise SpecError("the plant has no gateways")
        gateway_ids: set[str] = set()
        devices: dict[str, SimDevice] = {}
        for g in self.gateways:
            _check_gateway(g)
            if g.id in gateway_ids:
                raise SpecError(f"gateway id {g.id!r} is used twice")
            gateway_ids.add(g.id)
            addresses: set[int | str] = set()
            for d in g.devices:
                _check_device(g, d)
                if d.id in devices or d.id in gateway_ids:
                    raise SpecError(f"device id {d.id!r} is used twice")
                if d.address in addresses:
                    raise SpecError(f"gateway {g.id}: address {d.address!r} is used by two devices")
                addresses.add(d.address)
                devices[d.id] = d
        for d in devices.values():
            for ref, what in ((d.upstream, "upstream"), (d.tie_to, "tie_to")):
                if ref is not None and ref not in devices:
                    raise SpecError(f"device {d.id}: {what} {ref!r} is not a device of the plant")
            if d.role == "bus_tie" and (d.upstream is None or d.tie_to is None):
                raise SpecError(f"bus tie {d.id} needs upstream and tie_to: the LV incomers it joins")
        _check_acyclic(devices)
        _check_topology(devices)
        _check_cameras(self.cameras)


def _check_cameras(cameras: list[SimCamera]) -> None:
    ids: set[str] = set()
    places: set[tuple[str, int, str]] = set()
    for c in cameras:
        c.validate()
        place = (c.host, c.port, c.path.strip("/"))
        if c.id in ids:
            raise SpecError(f"camera id {c.id!r} is used twice")
        if place in places and c.port != 0:
            raise SpecError(f"camera {c.id}: rtsp://{c.host}:{c.port}/{place[2]} is served by another camera")
        ids.add(c.id)
        places.add(place)


def _check_gateway(g: SimGateway) -> None:
    if not g.id:
        raise SpecError("a gateway has an empty id")
    if not g.registration or len(g.registration) > 40:
        raise SpecError(f"gateway {g.id}: the registration packet must be 1..40 bytes")
    if g.register_mode not in ("once", "every", "both"):
        raise SpecError(f"gateway {g.id}: register_mode {g.register_mode!r} is not once, every or both")
    if len(g.heartbeat) > 40:
        raise SpecError(f"gateway {g.id}: a heartbeat is at most 40 bytes")
    if g.heartbeat and g.heartbeat_interval <= 0:
        raise SpecError(f"gateway {g.id}: heartbeat_interval must be positive")
    if not 1200 <= g.baud <= 115200:
        raise SpecError(f"gateway {g.id}: baud {g.baud} is outside 1200..115200")
    if len(g.devices) > 32:
        raise SpecError(f"gateway {g.id}: {len(g.devices)} devices on one RS-485 bus (at most 32)")
    for p in (g.p_heartbeat_merge, g.p_split):
        if not 0.0 <= p <= 1.0:
            raise SpecError(f"gateway {g.id}: probabilities must be within 0..1, got {p}")


def _check_device(g: SimGateway, d: SimDevice) -> None:
    where = f"gateway {g.id}, device {d.id or '?'}"
    if not d.id:
        raise SpecError(f"{where}: empty device id")
    if d.role not in ROLES:
        raise SpecError(f"{where}: role {d.role!r} is not one of {', '.join(ROLES)}")
    if isinstance(d.address, int):
        if not 1 <= d.address <= 247:
            raise SpecError(f"{where}: Modbus unit id {d.address} is outside 1..247")
    elif not (len(d.address) == 12 and d.address.isdigit()):
        raise SpecError(f"{where}: a DL/T645 address is 12 decimal digits, got {d.address!r}")
    if d.pt <= 0 or d.ct <= 0:
        raise SpecError(f"{where}: PT and CT ratios must be positive")
    for name, v in (("rating_kva", d.rating_kva), ("rating_a", d.rating_a)):
        if v is not None and v <= 0:
            raise SpecError(f"{where}: {name} must be positive")


#: Which role a device's upstream (and a bus tie's tie_to) may have.
_UPSTREAM_ROLES = {
    "feeder": ("transformer_lv",),
    "transformer_lv": ("transformer_hv", "incomer"),
    "transformer_hv": ("incomer",),
    "tcu": ("transformer_lv", "transformer_hv"),
    "bus_tie": ("transformer_lv",),
}


def _check_topology(devices: dict[str, SimDevice]) -> None:
    for d in devices.values():
        allowed = _UPSTREAM_ROLES.get(d.role)
        for ref in (d.upstream, d.tie_to):
            if allowed and ref is not None and devices[ref].role not in allowed:
                found = f"{ref} is a {devices[ref].role}"
                raise SpecError(f"device {d.id} ({d.role}): {found}, expected {' or '.join(allowed)}")


def _check_acyclic(devices: dict[str, SimDevice]) -> None:
    for start in devices.values():
        seen = {start.id}
        d = start
        while d.upstream is not None:
            if d.upstream in seen:
                raise SpecError(f"device {start.id}: the upstream chain loops back to {d.upstream}")
            seen.add(d.upstream)
            d = devices[d.upstream]
