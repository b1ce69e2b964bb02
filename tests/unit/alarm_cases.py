"""A small site for alarm tests: one of each kind of device, rules given per test, a driven clock."""

from __future__ import annotations

from app.alarms.engine import AlarmEngine
from app.alarms.rules import compile_rules
from app.config import Site, site_from_text
from app.model import Quality, Sample

SITE = """\
site: {{name: S}}
rooms: [{{id: LV, name: {{zh: 低压室, en: LV room}}}}]
gateways:
  - {{id: G1, name: {{zh: 1号网关, en: Gateway 1}}, registration: {{id: A1}}, room: LV}}
  - {{id: G2, name: {{zh: 2号网关, en: Gateway 2}}, registration: {{id: A2}}, room: LV}}
devices:
  - {{id: T1-TCU, name: {{zh: 1#变压器, en: T1}}, gateway: G1, address: 4, template: tcu_bwdk}}
  - {{id: F1, name: {{zh: 1#出线, en: Feeder 1}}, gateway: G1, address: 11, template: cl7331m, rating: {{a: 400}}}}
  - {{id: TX, name: {{zh: 1#变压器低压, en: T1 LV}}, gateway: G1, address: 3, template: cl7331m,
     rating: {{kva: 1000, a: 1443}}}}
  - {{id: M5, name: {{zh: 电梯表, en: Lift meter}}, gateway: G1, address: 5, template: sdm630}}
  - {{id: ENV, name: {{zh: 环境, en: Env}}, gateway: G2, address: 30, template: env_io}}
alarms:
{alarms}
"""

T0 = 1_700_000_000_000  # ms UTC


def site(alarms: str) -> Site:
    """The test site with ``alarms`` (YAML, indented by two) as its alarm section."""
    return site_from_text(SITE.format(alarms=alarms))


def engine(alarms: str, **kw: object) -> AlarmEngine:
    """An engine over the test site's rules, clock fixed at T0 unless fed."""
    return AlarmEngine(compile_rules(site(alarms)), clock=lambda: T0, **kw)  # type: ignore[arg-type]


def s(point: str, t_s: float, value: float, quality: Quality = Quality.GOOD) -> Sample:
    """A sample ``t_s`` seconds after T0."""
    return Sample(point, T0 + int(t_s * 1000), value, quality)


def ms(t_s: float) -> int:
    """T0 + ``t_s`` seconds in ms."""
    return T0 + int(t_s * 1000)


def changes(events: list) -> list[tuple[str, str, str]]:
    """(key, change, state) of each event."""
    return [(e.alarm.key, str(e.change), str(e.alarm.state)) for e in events]
