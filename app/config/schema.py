"""The site file's schema: what one YAML file says about a plant.

Pydantic models with ``extra="forbid"`` so a typo is an error, not a silently ignored key.
Field-level rules live here; rules that need the whole file (references between sections,
templates that exist, addresses unique per bus) live in `app.config.checks`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from app.config.alarms import AlarmSection
from app.config.common import ID, NameField, Names, PointId, Strict, _names
from app.config.notifications import NotificationSettings
from drivers.dtu import RegistrationError, RegistrationFormat, RegistrationMode, registration_bytes


class SiteInfo(Strict):
    """The site itself."""

    name: NameField
    timezone: str = "Asia/Shanghai"
    listen: str = Field("0.0.0.0:9000", description="where DTU gateways dial in, HOST:PORT")

    _n = field_validator("name", mode="before")(_names)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not a time zone (e.g. Asia/Shanghai)") from None
        return v

    @field_validator("listen")
    @classmethod
    def _listen(cls, v: str) -> str:
        _, sep, port = v.rpartition(":")
        if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError(f"{v!r} is not HOST:PORT (e.g. 0.0.0.0:9000)")
        return v


class Room(Strict):
    """A switch room (or a section of one) that devices and cameras belong to."""

    id: str = Field(pattern=ID)
    name: NameField

    _n = field_validator("name", mode="before")(_names)


class Registration(Strict):
    """How the DTU introduces itself (FIELD.md: ASCII, hex, IMEI, ICCID; once or every packet)."""

    format: RegistrationFormat = RegistrationFormat.ASCII
    id: str = Field(min_length=1)
    mode: RegistrationMode = RegistrationMode.ONCE

    @model_validator(mode="after")
    def _valid(self) -> Registration:
        try:
            registration_bytes(self.id, self.format)
        except RegistrationError as exc:
            raise ValueError(str(exc)) from None
        return self

    @property
    def raw(self) -> bytes:
        """The bytes on the wire."""
        return registration_bytes(self.id, self.format)


class Heartbeat(Strict):
    """The DTU's heartbeat packet: text (ASCII) or hex bytes, and its interval."""

    text: str | None = None
    hex: str | None = None
    interval: float = Field(30.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _one(self) -> Heartbeat:
        if (self.text is None) == (self.hex is None):
            raise ValueError("give the heartbeat as either text or hex")
        if len(self.raw) > 40:
            raise ValueError("a heartbeat is at most 40 bytes")
        return self

    @property
    def raw(self) -> bytes:
        """The bytes on the wire."""
        if self.text is not None:
            return self.text.encode("latin-1")
        try:
            return bytes.fromhex((self.hex or "").replace(" ", ""))
        except ValueError:
            raise ValueError(f"heartbeat hex {self.hex!r} is not hex") from None


class DtuGateway(Strict):
    """A 4G/NB-IoT DTU in transparent mode: it dials us; one RS-485 bus behind it."""

    kind: Literal["dtu"] = "dtu"
    id: str = Field(pattern=ID)
    name: NameField
    model: str = ""
    room: str | None = None
    registration: Registration
    heartbeat: Heartbeat | None = None
    baud: int = Field(9600, ge=1200, le=115200)
    parity: Literal["N", "E", "O"] = "N"
    timeout: float = Field(1.0, gt=0, le=60, description="seconds per request; NB-IoT wants 10+")

    _n = field_validator("name", mode="before")(_names)


class TcpGateway(Strict):
    """An Ethernet gateway or PLC speaking Modbus TCP: we dial it."""

    kind: Literal["modbus_tcp"]
    id: str = Field(pattern=ID)
    name: NameField
    model: str = ""
    room: str | None = None
    host: str = Field(min_length=1)
    port: int = Field(502, ge=1, le=65535)
    timeout: float = Field(1.0, gt=0, le=60)

    _n = field_validator("name", mode="before")(_names)


def _gateway_kind(value: Any) -> str:
    """A gateway without ``kind`` is a DTU, the common case."""
    if isinstance(value, dict):
        return str(value.get("kind", "dtu"))
    return str(getattr(value, "kind", "dtu"))


Gateway = Annotated[
    Annotated[DtuGateway, Tag("dtu")] | Annotated[TcpGateway, Tag("modbus_tcp")],
    Discriminator(_gateway_kind, custom_error_type="gateway_kind",
                  custom_error_message="kind should be 'dtu' or 'modbus_tcp'"),
]  # fmt: skip


class Rating(Strict):
    """Nameplate figures that rules and analysis measure against."""

    kva: float | None = Field(None, gt=0)
    a: float | None = Field(None, gt=0, description="rated current of the breaker/feeder")
    kv: float | None = Field(None, gt=0, description="rated voltage")
    no_load_loss_kw: float | None = Field(None, ge=0)
    load_loss_kw: float | None = Field(None, ge=0)


class MeterChange(Strict):
    """A meter replaced (or its register set) on site: the old register's last value and the new one's first,
    so energy across the change is exact instead of a reset's unknown step."""

    at: datetime = Field(description="when, local time of the site unless an offset is given")
    point: str = Field("EPimp", description="the register's quantity id, e.g. EPimp, EQimp")
    old_final: float = Field(ge=0)
    new_initial: float = Field(ge=0)


ROLES = ("incomer", "revenue", "transformer_hv", "transformer_lv", "feeder", "bus_tie", "tcu", "environment")


class Device(Strict):
    """A meter, controller or sensor module on a gateway's bus."""

    id: str = Field(pattern=ID)
    name: NameField
    gateway: str
    address: int | str = Field(description="Modbus unit id 1-247, or a 12-digit DL/T645 address")
    template: str
    room: str | None = None
    role: Literal[ROLES] | None = None  # type: ignore[valid-type]
    upstream: str | None = Field(None, description="the device that feeds this one")
    tie_to: str | None = Field(None, description="bus tie: the other section's LV incomer")
    pt: float = Field(1.0, gt=0, description="voltage transformer ratio, e.g. 10000/100 = 100")
    ct: float = Field(1.0, gt=0, description="current transformer ratio, e.g. 2000/5 = 400")
    poll: float = Field(5.0, ge=0.1, le=86400, description="poll period in seconds")
    enabled: bool = True
    rating: Rating = Rating()
    meter_changes: list[MeterChange] = []

    _n = field_validator("name", mode="before")(_names)

    @field_validator("pt", "ct", mode="before")
    @classmethod
    def _ratio(cls, v: Any) -> Any:
        """Ratios may be written as engineers write them: "2000/5"."""
        if isinstance(v, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*/\s*\d+(\.\d+)?\s*", v):
            top, bottom = (float(x) for x in v.split("/"))
            if bottom == 0:
                raise ValueError(f"{v!r} divides by zero")
            return top / bottom
        return v

    @field_validator("address")
    @classmethod
    def _address(cls, v: int | str) -> int | str:
        if isinstance(v, int):
            if not 1 <= v <= 247:
                raise ValueError(f"a Modbus unit id is 1-247, not {v}")
            return v
        if not (len(v) == 12 and v.isdigit()):
            raise ValueError(f"a DL/T645 address has 12 digits, not {v!r}")
        return v


class Derived(Strict):
    """A point computed from others, e.g. a transformer's load rate or a room's total power.

    ``expr`` is arithmetic over point ids written in braces: ``{T1-LV-IN.S} / 1000 * 100``;
    functions: abs, min, max, sqrt, sum.
    """

    id: PointId
    name: NameField
    unit: str = ""
    kind: Literal["analog", "digital", "counter"] = "analog"
    expr: str = Field(min_length=1)
    room: str | None = None

    _n = field_validator("name", mode="before")(_names)


class Camera(Strict):
    """An IP camera; credentials come from the environment, never from the file.

    A camera stands in ``room`` and is *linked* to what it watches: ``rooms`` (every alarm of
    those rooms), ``devices`` (every alarm of those devices) and ``rules`` (alarm rule ids of
    ``alarms.rules``: every alarm of those rules).  A linked alarm raised at one of
    ``popup_levels`` (1 critical .. 4 notice) pops the camera up on the consoles and, with
    ``snapshot``, has one frame stored with it in the journal (`app.video.snapshots`).
    """

    id: str = Field(pattern=ID)
    name: NameField
    room: str | None = None
    url: str = Field(pattern=r"^rtsp://")
    username: str | None = None
    password_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                                     description="environment variable holding the password")
    rooms: list[str] = Field([], description="rooms whose alarms this camera is linked to")
    devices: list[str] = Field([], description="devices whose alarms this camera is linked to")
    rules: list[str] = Field([], description="alarm rule ids (alarms.rules[].id) whose alarms this camera is linked to")
    popup_levels: list[Annotated[int, Field(ge=1, le=4)]] = Field(
        [1, 2], description="alarm levels that pop the camera up and take a snapshot: 1 critical .. 4 notice")
    snapshot: bool = Field(True, description="store one frame with each linked alarm at a popup level")

    _n = field_validator("name", mode="before")(_names)

    @field_validator("url")
    @classmethod
    def _no_password(cls, v: str) -> str:
        """A password written into the URL would be in the file (and in every copy of it)."""
        netloc = v[len("rtsp://"):].split("/", 1)[0]
        userinfo, at, _ = netloc.rpartition("@")
        if at and ":" in userinfo:
            raise ValueError("the URL holds a password: give username and password_env (the environment "
                             "variable that holds the password) instead")
        return v


class DiagramRef(Strict):
    """A single-line diagram file of the site (the diagram issue fills these)."""

    id: str = Field(pattern=ID)
    file: str
    room: str | None = None
    name: Names | None = Field(None, description="what the console's diagram chooser shows; the id when absent")

    _n = field_validator("name", mode="before")(_names)


class Retention(Strict):
    """Days each resolution is kept; null keeps it forever."""

    raw: float | None = Field(90, gt=0)
    m1: float | None = Field(400, gt=0)
    m15: float | None = Field(None, gt=0)
    h1: float | None = Field(None, gt=0)
    d1: float | None = Field(None, gt=0)


class HistorianSettings(Strict):
    """How values are stored: deadband per unit, maximum interval, retention."""

    deadband: dict[str, float] = Field(
        default_factory=lambda: {"V": 0.2, "kV": 0.01, "A": 0.05, "kW": 0.05, "kvar": 0.05, "kVA": 0.05,
                                 "Hz": 0.005, "°C": 0.1, "%RH": 0.5, "": 0.002},
        description="absolute deadband per unit; a change smaller than this is not stored",
    )  # fmt: skip
    max_interval: float = Field(300.0, gt=0, description="store at least this often (s), so trends stay continuous")
    retention: Retention = Retention()


class SiteFile(Strict):
    """One site, as one YAML file describes it."""

    version: Literal[1] = 1
    site: SiteInfo
    rooms: list[Room] = []
    gateways: list[Gateway] = []
    devices: list[Device] = []
    derived: list[Derived] = []
    cameras: list[Camera] = []
    diagrams: list[DiagramRef] = []
    historian: HistorianSettings = HistorianSettings()
    alarms: AlarmSection = AlarmSection()
    notifications: NotificationSettings = NotificationSettings()
    # Filled by a later issue (tariffs); accepted as a map now.
    tariff: dict[str, Any] | None = None
