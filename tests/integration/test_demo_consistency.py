"""The simulator's built-in demo and the demo site file describe the same plant.

`python -m app` plays the site file through `plant_from_site`; the simulator's own tests and the
benches use `demo_plant()`.  If the two drift, the console is configured for one plant while the
simulator plays another.  One difference is intended: the site file's DTU-2 registers in mode
"both", so the demo is live within seconds, where `demo_plant()` keeps the NB800's "every".
"""

from __future__ import annotations

import pytest

from app.config import load_site
from app.simulation import plant_from_site
from drivers.simulator import SimPlant, demo_plant


def identities(plant: SimPlant) -> dict[str, tuple[bytes, bytes, float, int]]:
    """Each gateway's registration bytes, heartbeat bytes and interval, and baud."""
    return {g.id: (g.registration, g.heartbeat, g.heartbeat_interval, g.baud) for g in plant.gateways}


def modes(plant: SimPlant) -> dict[str, str]:
    return {g.id: g.register_mode for g in plant.gateways}


def wiring(plant: SimPlant) -> dict[str, tuple[str, int | str, str, str, str | None, str | None]]:
    """Each device's gateway, address, template, role, upstream and tie_to."""
    return {
        d.id: (g.id, d.address, d.template, d.role, d.upstream, d.tie_to) for g in plant.gateways for d in g.devices
    }


def ratios(plant: SimPlant) -> dict[str, float]:
    return {f"{d.id}.{name}": value for d in plant.devices().values() for name, value in (("pt", d.pt), ("ct", d.ct))}


def test_demo_plant_is_the_demo_site_file():
    built_in, from_site = demo_plant(), plant_from_site(load_site())
    assert identities(from_site) == identities(built_in)
    assert (modes(built_in)["DTU-2"], modes(from_site)["DTU-2"]) == ("every", "both")
    assert modes(from_site) == {**modes(built_in), "DTU-2": "both"}  # and no other mode differs
    assert wiring(from_site) == wiring(built_in)
    assert ratios(from_site) == pytest.approx(ratios(built_in), abs=1e-9)
