"""The site file's ``notifications:`` section: who is told about which alarm, how and when.

Recipients belong to groups; channels say how a message travels (e-mail, SMS and voice through
a GSM modem, an HTTP SMS gateway, DingTalk/WeCom robots, a generic JSON webhook); routes pick
alarms by level, room, weekday and time of day and walk their escalation steps until the alarm
is acknowledged.  Secrets (SMTP passwords, robot signing keys, gateway keys) are never in the
file: it names the environment variable that holds them.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

from pydantic import Discriminator, Field, field_validator, model_validator

from app.alarms.model import Change
from app.config.common import ID, NameField, Strict, _names

ENV = r"^[A-Za-z_][A-Za-z0-9_]*$"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLACEHOLDERS = ("phone", "text", "name", "secret", "site", "level", "alarm_id")


class Recipient(Strict):
    """A person who may be told: name, language, and an address per channel kind."""

    id: str = Field(pattern=ID)
    name: NameField
    language: Literal["zh", "en"] = "zh"
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, pattern=r"^\+?[0-9]{3,20}$")
    # per-channel address overriding email/phone, keyed by channel id (e.g. a second mobile for SMS)
    addresses: dict[str, str] = Field(default_factory=dict)

    _n = field_validator("name", mode="before")(_names)


class Group(Strict):
    """Recipients told together (the duty shift, the supervisors, the maintenance team)."""

    id: str = Field(pattern=ID)
    name: NameField
    members: list[str] = Field(min_length=1)

    _n = field_validator("name", mode="before")(_names)


class Retry(Strict):
    """How a failed delivery is tried again: ``attempts`` in all, waits growing by ``factor``."""

    attempts: int = Field(3, ge=1, le=20)
    backoff: float = Field(10.0, ge=0, le=3600, description="seconds before the second attempt")
    factor: float = Field(2.0, ge=1, le=10)
    max_backoff: float = Field(300.0, ge=0, le=86400)

    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.backoff * self.factor ** (attempt - 1), self.max_backoff)


class RateLimit(Strict):
    """At most ``messages`` per recipient and channel in ``window`` seconds; the rest go out as one digest."""

    messages: int = Field(5, ge=1, le=1000)
    window: float = Field(300.0, gt=0, le=86400)
    digest_lines: int = Field(20, ge=1, le=500, description="alarms listed in a digest; the count covers all")


class _Channel(Strict):
    id: str = Field(pattern=ID)
    name: NameField | None = None
    enabled: bool = True
    levels: list[int] = Field([1, 2, 3, 4], description="levels this channel carries at most")
    retry: Retry = Retry()
    rate: RateLimit = RateLimit()
    queue: int = Field(1000, ge=1, le=100000, description="messages waiting at most; more are refused, in the log")

    _n = field_validator("name", mode="before")(lambda v: None if v is None else _names(v))

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: list[int]) -> list[int]:
        bad = [x for x in v if x not in (1, 2, 3, 4)]
        if bad:
            raise ValueError(f"levels are 1 (critical) to 4 (notice), not {bad}")
        return v


class EmailChannel(_Channel):
    """SMTP with STARTTLS (usually port 587), implicit TLS (465) or none (a trusted relay)."""

    kind: Literal["email"]
    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    username: str | None = None
    password_env: str | None = Field(None, pattern=ENV, description="environment variable holding the password")
    ca_file: str | None = Field(None, description="PEM file of a private CA the server's certificate is signed by")
    timeout: float = Field(20.0, gt=0, le=600)

    @model_validator(mode="after")
    def _login(self) -> EmailChannel:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("give username and password_env together (or neither for an open relay)")
        return self


class Modem(Strict):
    """A GSM modem on a serial port, shared by the SMS and voice channels that name it."""

    id: str = Field(pattern=ID)
    port: str = Field(min_length=1, description="COM3 on Windows")
    baudrate: int = Field(115200, ge=1200, le=921600)
    timeout: float = Field(5.0, gt=0, le=120, description="seconds a command may take to answer")
    send_timeout: float = Field(60.0, gt=0, le=600, description="seconds the network may take to accept an SMS")
    pin_env: str | None = Field(None, pattern=ENV, description="environment variable with the SIM PIN, if locked")


class GsmSmsChannel(_Channel):
    """SMS (PDU mode, UCS2 so Chinese arrives; long texts as a concatenated SMS) through a modem."""

    kind: Literal["gsm_sms"]
    modem: str = Field(pattern=ID)
    max_parts: int = Field(6, ge=1, le=16, description="longer texts are cut to this many SMS parts")


class GsmVoiceChannel(_Channel):
    """A phone call through a modem: it rings the recipient, then hangs up (the seed's phone alarm)."""

    kind: Literal["gsm_voice"]
    modem: str = Field(pattern=ID)
    levels: list[int] = Field(default_factory=lambda: [1])
    ring_timeout: float = Field(45.0, gt=0, le=300, description="seconds to let it ring before hanging up")
    hold: float = Field(10.0, ge=0, le=300, description="seconds to stay on the line once answered")
    poll: float = Field(1.0, gt=0, le=10, description="seconds between call-state queries (AT+CLCC)")
    success: Literal["answered", "rang"] = Field("answered", description="what counts as delivered")


class HttpSuccess(Strict):
    """What a gateway's reply must look like to count as sent."""

    status: list[int] = Field([200, 201, 202, 204], min_length=1)
    json_field: str | None = Field(None, description="dotted path into a JSON reply, e.g. result.code")
    equals: str | int | bool | None = None
    contains: str | None = Field(None, description="text the reply body must contain")


class HttpSmsChannel(_Channel):
    """An HTTP SMS gateway: URL, method, body template with placeholders, success criterion.

    Placeholders in ``url``, ``headers`` and ``body`` values: {phone} {text} {name} {secret}
    {site} {level} {alarm_id}.  ``secret`` is read from ``secret_env``.
    """

    kind: Literal["http_sms"]
    url: str = Field(pattern=r"^https?://")
    method: Literal["GET", "POST", "PUT"] = "POST"
    encoding: Literal["json", "form", "query"] = "json"
    headers: dict[str, str] = Field(default_factory=dict)
    body: dict[str, str] = Field(default_factory=lambda: {"to": "{phone}", "text": "{text}"})
    secret_env: str | None = Field(None, pattern=ENV)
    success: HttpSuccess = HttpSuccess()
    timeout: float = Field(15.0, gt=0, le=300)
    ca_file: str | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> HttpSmsChannel:
        for where, text in [("url", self.url), *self.headers.items(), *self.body.items()]:
            for name in re.findall(r"\{([^{}]*)\}", text):
                if name not in PLACEHOLDERS:
                    raise ValueError(f"unknown placeholder {{{name}}} in {where!r}; known: {', '.join(PLACEHOLDERS)}")
        return self


class DingTalkChannel(_Channel):
    """A DingTalk group robot; with ``secret_env`` the URL is signed (timestamp + HMAC-SHA256)."""

    kind: Literal["dingtalk"]
    url: str = Field(pattern=r"^https?://")
    secret_env: str | None = Field(None, pattern=ENV)
    mention: bool = Field(True, description="@ the recipients' phones in the group")
    language: Literal["zh", "en"] = Field("zh", description="the language of the group chat's text")
    timeout: float = Field(15.0, gt=0, le=300)
    ca_file: str | None = None


class WeComChannel(_Channel):
    """A WeCom (企业微信) group robot."""

    kind: Literal["wecom"]
    url: str = Field(pattern=r"^https?://")
    mention: bool = True
    language: Literal["zh", "en"] = Field("zh", description="the language of the group chat's text")
    timeout: float = Field(15.0, gt=0, le=300)
    ca_file: str | None = None


class WebhookChannel(_Channel):
    """A generic JSON webhook: the alarms as the cloud API shapes them, plus the composed texts."""

    kind: Literal["webhook"]
    url: str = Field(pattern=r"^https?://")
    headers: dict[str, str] = Field(default_factory=dict)
    secret_env: str | None = Field(None, pattern=ENV, description="sent as the Authorization: Bearer header")
    language: Literal["zh", "en"] = Field("zh", description="the language of the group chat's text")
    timeout: float = Field(15.0, gt=0, le=300)
    ca_file: str | None = None


AnyChannel = (
    EmailChannel | GsmSmsChannel | GsmVoiceChannel | HttpSmsChannel | DingTalkChannel | WeComChannel | WebhookChannel
)
Channel = Annotated[AnyChannel, Discriminator("kind")]
BROADCAST_KINDS = ("dingtalk", "wecom", "webhook")  # one message to a group chat, not one per person


class Step(Strict):
    """One escalation step: these groups on these channels, ``after`` minutes from the raise."""

    after: float = Field(0.0, ge=0, le=7 * 24 * 60, description="minutes after the alarm was raised")
    groups: list[str] = Field(min_length=1)
    channels: list[str] = Field(min_length=1)


class Route(Strict):
    """Which alarms (level, room, weekday, time of day) go to whom, and how it escalates.

    The window ``from``-``to`` is site-local time; ``to`` before ``from`` runs past midnight.
    Until acknowledged, each step starts at its ``after``; the latest step started is repeated
    every ``repeat`` minutes (0: never) at most ``repeat_max`` times.
    """

    id: str = Field(pattern=ID)
    levels: list[int] = Field([1, 2, 3, 4], min_length=1)
    rooms: list[str] = Field([], description="room ids; empty for every room")
    days: list[str] = Field(list(WEEKDAYS), min_length=1)
    from_: time = Field(time(0, 0), alias="from")
    to: time = time(0, 0)
    changes: list[Literal["raised", "cleared", "acked", "normal"]] = Field(
        ["raised"], description="which changes are told; only a raise starts escalation"
    )
    steps: list[Step] = Field(min_length=1)
    repeat: float = Field(0.0, ge=0, le=24 * 60)
    repeat_max: int = Field(10, ge=0, le=1000)
    stop_on_clear: bool = Field(False, description="stop escalating once the condition has cleared")

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: list[int]) -> list[int]:
        bad = [x for x in v if x not in (1, 2, 3, 4)]
        if bad:
            raise ValueError(f"levels are 1 (critical) to 4 (notice), not {bad}")
        return v

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, v: object) -> object:
        if isinstance(v, list):
            v = [str(d).lower()[:3] for d in v]
            bad = [d for d in v if d not in WEEKDAYS]
            if bad:
                raise ValueError(f"days are {', '.join(WEEKDAYS)}, not {bad}")
        return v

    @model_validator(mode="after")
    def _steps_in_order(self) -> Route:
        afters = [s.after for s in self.steps]
        if afters != sorted(afters):
            raise ValueError("steps must be in order of 'after'")
        return self

    @property
    def change_set(self) -> frozenset[Change]:
        """The changes this route tells, as the model's words."""
        return frozenset(Change(c) for c in self.changes)


class NotificationSettings(Strict):
    """The whole ``notifications:`` section; references between its parts are checked here."""

    enabled: bool = True
    recipients: list[Recipient] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    modems: list[Modem] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    log_size: int = Field(2000, ge=10, le=1_000_000, description="deliveries kept in memory for the console")
    stop_timeout: float = Field(10.0, ge=0, le=300, description="seconds stop() waits for queued messages")

    @model_validator(mode="after")
    def _references(self) -> NotificationSettings:
        for section, items in (("recipients", self.recipients), ("groups", self.groups),
                               ("modems", self.modems), ("channels", self.channels), ("routes", self.routes)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{section}: id {item.id!r} is used twice")
                seen.add(item.id)
        people = {r.id for r in self.recipients}
        for g in self.groups:
            for m in g.members:
                if m not in people:
                    raise ValueError(f"group {g.id!r}: no recipient {m!r}")
        modems = {m.id for m in self.modems}
        for c in self.channels:
            if isinstance(c, GsmSmsChannel | GsmVoiceChannel) and c.modem not in modems:
                raise ValueError(f"channel {c.id!r}: no modem {c.modem!r}")
        groups = {g.id for g in self.groups}
        channels = {c.id for c in self.channels}
        for r in self.routes:
            for i, s in enumerate(r.steps):
                for g in s.groups:
                    if g not in groups:
                        raise ValueError(f"route {r.id!r} step {i + 1}: no group {g!r}")
                for c in s.channels:
                    if c not in channels:
                        raise ValueError(f"route {r.id!r} step {i + 1}: no channel {c!r}")
        return self

    def recipient(self, rid: str) -> Recipient:
        """The recipient of that id."""
        return next(r for r in self.recipients if r.id == rid)

    def group(self, gid: str) -> Group:
        """The group of that id."""
        return next(g for g in self.groups if g.id == gid)

    def channel(self, cid: str) -> AnyChannel:
        """The channel of that id."""
        return next(c for c in self.channels if c.id == cid)
