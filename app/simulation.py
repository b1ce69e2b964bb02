"""The simulated plant of a site: what the simulator must play so the site file comes alive.

The site file is the one description of a plant; the simulator (drivers/simulator) takes a
`SimPlant`.  This module translates one into the other, so `python -m app` and
`python -m app simulate --site FILE` play exactly the plant the console is configured for:
the same gateway ids and registration bytes, the same devices, addresses, ratios and topology,
and the site's cameras on this machine (``rtsp://127.0.0.1:PORT/PATH`` or ``localhost``) as
simulated cameras at those addresses, so the demo's video panes show moving pictures.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

from app.config import Site, schema
from drivers.simulator import SimCamera, SimDevice, SimGateway, SimPlant, SpecError

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.1", "localhost")
RTSP_PORT = 554  # the scheme's default, when a URL names none
#: what a simulated camera sends: 720p at 15 frames a second, a common NVR sub-stream's rate
CAMERA_SIZE, CAMERA_FPS = (1280, 720), 15.0


def cameras_from_site(site: Site) -> list[SimCamera]:
    """A `SimCamera` for each camera of ``site`` whose URL is on this machine (others are real cameras).

    Credentials are the site's: ``username`` and the password from the environment variable
    ``password_env`` (a camera whose variable is unset gets no password and so no protection).
    """
    cameras: list[SimCamera] = []
    places: set[tuple[str, int, str]] = set()
    for c in site.file.cameras:
        parts = urlsplit(c.url)
        if (parts.hostname or "").lower() not in LOOPBACK:
            continue
        try:
            port = parts.port or RTSP_PORT
        except ValueError:
            log.warning("摄像机 %s 的URL端口无效，不模拟 / camera %s: bad port in its URL, not simulated", c.id, c.id)
            continue
        password = os.environ.get(c.password_env) if c.password_env else None
        username = c.username if password is not None else None
        camera = SimCamera(
            c.id,
            parts.path.strip("/"),  # as the URL spells it: clients send it so
            host=parts.hostname or "127.0.0.1",
            port=port,
            width=CAMERA_SIZE[0],
            height=CAMERA_SIZE[1],
            fps=CAMERA_FPS,
            username=username,
            password=password,
        )
        place = (camera.host, camera.port, camera.path)
        try:
            camera.validate()
            if place in places:
                raise SpecError(f"camera {c.id}: another camera already has its URL")
        except SpecError as exc:  # one odd camera must not keep the demo from starting
            log.warning("摄像机 %s 不模拟：%s / camera %s is not simulated: %s", c.id, exc, c.id, exc)
            continue
        places.add(place)
        cameras.append(camera)
    return cameras


def plant_from_site(site: Site, seed: int = 0, *, cameras: bool = True) -> SimPlant:
    """A `SimPlant` of every DTU gateway of ``site`` and its enabled devices, and its loopback cameras."""
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
    plant = SimPlant(
        gateways, seed=seed, tz=site.file.site.timezone, cameras=cameras_from_site(site) if cameras else []
    )
    plant.validate()
    return plant
