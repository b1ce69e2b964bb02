"""Faults a test or a demo can inject into the simulated plant, and the book of active ones.

Each fault is a value (`Fault`) so a test can say exactly what it wants and clear exactly
that; the simulator checks the target against the plant (a DTU fault needs a gateway, a dead
meter a device) before the fault takes effect.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class FaultError(ValueError):
    """A fault that cannot be injected: bad parameters or a target that cannot have it."""


class FaultKind(enum.StrEnum):
    """What goes wrong, and on what kind of target."""

    DEAD = "dead"  # device: never answers
    SLOW = "slow"  # device: answers `delay` seconds late
    CRC = "crc"  # device: a fraction `rate` of its replies arrive with a bad checksum
    GARBAGE = "garbage"  # gateway: a fraction `rate` of replies come after a few noise bytes
    DISCONNECT = "disconnect"  # gateway: drops its TCP link, dials again after `reconnect_after` s
    FREEZE = "freeze"  # gateway: the socket stays open but nothing comes out (half-open link)
    OVERLOAD = "overload"  # feeder: current x `factor`
    OVERTEMP = "overtemp"  # temperature controller: windings at `temperature` °C
    SMOKE = "smoke"  # environment unit: the detector's input is active
    WATER = "water"
    DOOR = "door"
    INTRUSION = "intrusion"


#: Kinds whose target is a gateway id; every other kind targets a device.
GATEWAY_KINDS = frozenset({FaultKind.GARBAGE, FaultKind.DISCONNECT, FaultKind.FREEZE})
#: Kinds that are an environment unit's digital input, by input name.
DIGITAL_KINDS = {
    FaultKind.SMOKE: "smoke",
    FaultKind.WATER: "water",
    FaultKind.DOOR: "door",
    FaultKind.INTRUSION: "intrusion",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault on one target; only the parameter its kind uses matters."""

    kind: FaultKind
    target: str
    delay: float = 0.5  # SLOW: extra seconds before the reply
    rate: float = 1.0  # CRC, GARBAGE: fraction of replies affected
    reconnect_after: float = 5.0  # DISCONNECT: seconds offline
    factor: float = 1.5  # OVERLOAD: current multiplier
    temperature: float = 140.0  # OVERTEMP: winding temperature, °C

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", FaultKind(self.kind))
        except ValueError:
            known = ", ".join(k.value for k in FaultKind)
            raise FaultError(f"unknown fault kind {self.kind!r}: one of {known}") from None
        if not isinstance(self.target, str) or not self.target:
            raise FaultError(f"a {self.kind.value} fault needs a target id")
        checks = (
            ("delay", self.delay, 0.0, 600.0),
            ("rate", self.rate, 0.0, 1.0),
            ("reconnect_after", self.reconnect_after, 0.0, 86400.0),
            ("factor", self.factor, 0.0, 20.0),
            ("temperature", self.temperature, -40.0, 250.0),
        )
        for name, value, low, high in checks:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise FaultError(f"{self.kind.value} fault on {self.target}: {name} must be a number")
            if not low <= value <= high:
                raise FaultError(
                    f"{self.kind.value} fault on {self.target}: {name}={value} is outside {low:g}..{high:g}"
                )

    @property
    def on_gateway(self) -> bool:
        """Whether the target is a gateway (else a device)."""
        return self.kind in GATEWAY_KINDS


class FaultBook:
    """The active faults, at most one of each kind per target; cheap to ask on every reply."""

    def __init__(self) -> None:
        self._active: dict[tuple[FaultKind, str], Fault] = {}

    def add(self, fault: Fault) -> None:
        """Make ``fault`` active, replacing one of the same kind on the same target."""
        self._active[fault.kind, fault.target] = fault

    def get(self, kind: FaultKind, target: str) -> Fault | None:
        """The active fault of ``kind`` on ``target``, if any."""
        return self._active.get((kind, target)) if self._active else None

    def remove(self, target: str, kind: FaultKind | None = None) -> list[Fault]:
        """Deactivate the faults on ``target`` (of one kind, or all); returns what was removed."""
        gone = [f for (k, t), f in self._active.items() if t == target and (kind is None or k == kind)]
        for f in gone:
            del self._active[f.kind, f.target]
        return gone

    def active(self) -> list[Fault]:
        """Every active fault."""
        return list(self._active.values())
