"""A loaded site: the validated file plus what follows from it (points, templates, time zone).

Everything above the configuration works with a `Site`, never with raw YAML: the point
catalogue is built once here, from the devices' templates and the derived formulas, so the
console, the historian and the server all name and describe points the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from app.config import schema
from app.config.checks import template_library
from app.config.common import Names
from app.config.loader import load_site_file, parse_site
from app.model import Point, PointKind
from drivers.templates import Template

#: The demo site shipped with the application.
DEMO_SITE = Path(__file__).resolve().parents[2] / "resources" / "sites" / "demo.yaml"


@dataclass
class Site:
    """A site ready to run: ``file`` as written, ``points`` as the plant exposes them."""

    file: schema.SiteFile
    path: Path | None = None
    points: dict[str, Point] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)

    def __post_init__(self) -> None:
        library = template_library()
        gateways = {g.id: g for g in self.file.gateways}
        for d in self.file.devices:
            template = library[d.template]
            self.templates[d.id] = template
            room = d.room or gateways[d.gateway].room
            for q in template.quantities:
                pid = f"{d.id}.{q.id}"
                self.points[pid] = Point(
                    pid,
                    q.name_zh,
                    q.name_en,
                    q.unit,
                    PointKind(q.kind),
                    d.id,
                    q.id,
                    d.gateway,
                    room,
                    q.range_at(d.pt, d.ct),
                )
        for x in self.file.derived:
            self.points[x.id] = Point(
                x.id, x.name.zh, x.name.en, x.unit, PointKind(x.kind), room=x.room, formula=x.expr
            )

    @property
    def name(self) -> Names:
        """The site's name in both languages."""
        return self.file.site.name

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone: what times are shown and tariffs are read in."""
        return ZoneInfo(self.file.site.timezone)

    @cached_property
    def devices(self) -> dict[str, schema.Device]:
        """Devices by id (built once: the file is immutable, and alarm handling asks per alarm)."""
        return {d.id: d for d in self.file.devices}

    @cached_property
    def gateways(self) -> dict[str, schema.DtuGateway | schema.TcpGateway]:
        """Gateways by id."""
        return {g.id: g for g in self.file.gateways}


def load_site(path: Path | str | None = None) -> Site:
    """Load and validate a site file (the demo site when None); raises `SiteError`."""
    p = Path(path) if path is not None else DEMO_SITE
    return Site(load_site_file(p), p)


def site_from_text(text: str, name: str = "<site>") -> Site:
    """A site from YAML text (tests, the server's upload)."""
    return Site(parse_site(text, name))
