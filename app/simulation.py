"""The simulated plant of a site: what the simulator must play so the site file comes alive.

The site file is the one description of a plant; the simulator (drivers/simulator) takes a
`SimPlant`.  This module translates one into the other, so `python -m app` and
`python -m app simulate --site FILE` play exactly the plant the console is configured for:
the same gateway ids and registration bytes, the same devices, addresses, ratios and topology.
"""

from __future__ import annotations

from app.config import Site, schema
from drivers.simulator import SimDevice, SimGateway, SimPlant


def plant_from_site(site: Site, seed: int = 0) -> SimPlant:
    """A `SimPlant` of every DTU gateway of ``site`` and its enabled devices."""
    gateways = []
    for g in site.file.gateways:
        if not isinstance(g, schema.DtuGateway):
            continue  # Modbus TCP gateways are dialled by us; the simulator plays DTUs only
        devices = [
            SimDevice(
                d.id,
                d.address,
                d.template,
                d.role or "feeder",
                upstream=d.upstream,
                pt=d.pt,
                ct=d.ct,
                rating_kva=d.rating.kva,
                rating_a=d.rating.a,
                room=d.room or "",
                tie_to=d.tie_to,
            )
            for d in site.file.devices
            if d.gateway == g.id and d.enabled
        ]
        heartbeat = g.heartbeat.raw if g.heartbeat else b""
        interval = g.heartbeat.interval if g.heartbeat else 30.0
        gateways.append(
            SimGateway(
                g.id,
                g.registration.raw,
                g.registration.mode.value,  # type: ignore[arg-type]
                heartbeat=heartbeat,
                heartbeat_interval=interval,
                baud=g.baud,
                devices=devices,
            )
        )
    plant = SimPlant(gateways, seed=seed, tz=site.file.site.timezone)
    plant.validate()
    return plant
