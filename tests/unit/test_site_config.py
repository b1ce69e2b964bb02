"""The site file: the demo loads, and bad files fail with file, line, key path and reason — all at once."""

from __future__ import annotations

import pytest

from app.config import DEMO_SITE, SiteError, load_site, site_from_text
from app.model import PointKind

BAD = """\
version: 1
site: {name: X, timezone: Mars/Olympus, listen: "0.0.0.0:99999"}
rooms: [{id: R1, name: Room}]
gateways:
  - id: G1
    name: G
    registration: {format: imei, id: "12345"}
    heartbeat: {text: hb, interval: 30}
    baudrate: 9600
  - id: G2
    kind: modbus_tcp
    name: PLC
    host: 10.0.0.5
devices:
  - {id: D1, name: M, gateway: G9, address: 1, template: cl7331m, room: R2}
  - {id: D2, name: M, gateway: G1, address: 300, template: nope}
  - {id: D3, name: M, gateway: G2, address: "000000000001", template: dlt645_meter, pol: 5}
  - {id: D4, name: M, gateway: G2, address: 5, template: sdm630, upstream: D5, ct: 2000/0}
  - {id: D5, name: M, gateway: G2, address: 5, template: nope}
derived:
  - {id: X.total, name: T, expr: "{D1.P} + {D9.P}"}
  - {id: X.bad, name: T, expr: "import os"}
"""


def test_demo_site_loads_with_its_points():
    site = load_site()
    assert site.path == DEMO_SITE
    assert str(site.tz) == "Asia/Shanghai"
    assert site.name.zh == "示范配电房"
    assert len(site.file.gateways) == 4 and len(site.file.devices) == 22
    ia = site.points["T1-LV-IN.Ia"]
    assert (ia.unit, ia.kind, ia.gateway, ia.room) == ("A", PointKind.ANALOG, "DTU-1", "LV")
    assert site.points["HV-IN.EPimp"].kind is PointKind.COUNTER
    assert site.points["ENV-1.smoke"].kind is PointKind.DIGITAL
    assert site.points["T1.load_rate"].formula == "{T1-LV-IN.S} / 1000 * 100"
    assert site.devices["T1-LV-IN"].ct == 400.0  # written as 2000/5
    assert site.gateways["DTU-3"].registration.raw == bytes.fromhex("5352A0010003")


def test_every_problem_of_a_bad_file_in_one_pass():
    with pytest.raises(SiteError) as info:
        site_from_text(BAD, "bad.yaml")
    assert str(info.value).splitlines() == [
        "bad.yaml:2: site.listen: '0.0.0.0:99999' is not HOST:PORT (e.g. 0.0.0.0:9000)",
        "bad.yaml:2: site.timezone: 'Mars/Olympus' is not a time zone (e.g. Asia/Shanghai)",
        "bad.yaml:7: gateways[0].registration: an IMEI has 15 digits, '12345' does not",
        "bad.yaml:9: gateways[0].baudrate: unknown key",
        "bad.yaml:15: devices[0].gateway: 'G9' is not a gateway of this site",
        "bad.yaml:15: devices[0].room: 'R2' is not a room of this site",
        "bad.yaml:16: devices[1].address: a Modbus unit id is 1-247, not 300",
        "bad.yaml:17: devices[2].pol: unknown key (did you mean 'poll'?)",
        "bad.yaml:18: devices[3].ct: '2000/0' divides by zero",
        "bad.yaml:19: devices[4].template: no device template 'nope'; there are: acrel_pz96, cl7331m, "
        "dlt645_meter, eb10, env_io, sdm630, tcu_bwdk",
        "bad.yaml:21: derived[0].expr: 'D9.P' is not a point of this site",
        "bad.yaml:22: derived[1].expr: 'import os' is not a formula (write point ids in braces: {T1.P} * 2)",
    ]


def minimal(devices: str, gateways: str = "") -> str:
    return f"""\
site: {{name: S}}
gateways:
  - {{id: G1, name: G, registration: {{id: A1}}}}
  - {{id: G2, name: G, registration: {{id: A2}}}}
{gateways}
devices:
{devices}
"""


@pytest.mark.parametrize(
    ("devices", "gateways", "expected"),
    [
        (
            "  - {id: D1, name: M, gateway: G1, address: 1, template: sdm630}\n"
            "  - {id: D2, name: M, gateway: G1, address: 1, template: sdm630}\n",
            "",
            "<site>:7: devices[0].address: address 1 is used twice on gateway G1",
        ),
        (
            "  - {id: D1, name: M, gateway: G1, address: 1, template: sdm630}\n"
            "  - {id: D2, name: M, gateway: G1, address: '000000000001', template: dlt645_meter}\n",
            "",
            "<site>:8: devices[1].gateway: gateway G1 already carries Modbus devices; DL/T645 (2400 8E1) and "
            "Modbus (9600 8N1) do not share one RS-485 bus",
        ),
        (
            "  - {id: D1, name: M, gateway: G1, address: 1, template: sdm630, upstream: D2}\n"
            "  - {id: D2, name: M, gateway: G2, address: 1, template: sdm630, upstream: D1}\n",
            "",
            "<site>:7: devices[0].upstream: the chain of upstream devices loops back to 'D1'",
        ),
        (
            "  - {id: G1, name: M, gateway: G1, address: 1, template: sdm630}\n",
            "",
            "<site>:7: devices[0].id: 'G1' is already the id of gateways[0]",
        ),
        (
            "  - {id: D1, name: M, gateway: G3, address: 1, template: sdm630}\n",
            "  - {id: G3, name: G, registration: {id: A1}}\n",
            "<site>:5: gateways[2].registration.id: gateway G1 registers with the same id",
        ),
    ],
)
def test_cross_section_rules(devices, gateways, expected):
    with pytest.raises(SiteError) as info:
        site_from_text(minimal(devices, gateways))
    assert expected in str(info.value).splitlines()


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(SiteError) as info:
        site_from_text("site: {name: S}\nrooms:\n  - [1, 2\n", "broken.yaml")
    assert str(info.value) == (
        "broken.yaml:4: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 3)"
    )


def test_duplicate_keys_are_errors():
    with pytest.raises(SiteError, match=r"<site>:3: site.name: key given twice"):
        site_from_text("site:\n  name: A\n  name: B\n")


def test_missing_file_and_non_mapping(tmp_path):
    with pytest.raises(SiteError, match=r"nope\.yaml: no such file"):
        load_site(tmp_path / "nope.yaml")
    with pytest.raises(SiteError, match="a site file is a mapping"):
        site_from_text("- 1\n- 2\n")
