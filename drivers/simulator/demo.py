"""The demo site, and the synthetic plants the benchmarks scale up.

The demo is the embedded default of the console: a 10 kV incomer with a DL/T645 revenue
meter, two 1000 kVA dry-type transformers (HV and LV meters, BWDK temperature controllers),
two LV sections joined by a normally open bus tie, twelve feeders, and the room's environment
module.  Its four gateways exercise every registration format the listener accepts (an IMEI,
an ICCID, raw hex bytes, a plain ASCII id) and every registration mode (once, every, both).
Device ids are the ones the demo site file and diagrams use; keep them stable.
"""

from __future__ import annotations

from drivers.simulator.spec import SimDevice, SimGateway, SimPlant, SpecError
from drivers.templates import TemplateError, load_library

HV_PT = 100.0  # 10 kV / 100 V
INCOMER_CT = 30.0  # 150/5 A
TRANSFORMER_HV_CT = 15.0  # 75/5 A
TRANSFORMER_LV_CT = 400.0  # 2000/5 A
REVENUE_ADDRESS = "202405170001"

# feeder: (id, unit, template, breaker rating A)
_SECTION_1 = (
    ("F1-01", 11, "cl7331m", 400),
    ("F1-02", 12, "acrel_pz96", 250),
    ("F1-03", 13, "cl7331m", 630),
    ("F1-04", 14, "acrel_pz96", 250),
    ("F1-05", 15, "sdm630", 160),
    ("F1-06", 16, "cl7331m", 400),
)
_SECTION_2 = (
    ("F2-01", 11, "cl7331m", 400),
    ("F2-02", 12, "cl7331m", 400),
    ("F2-03", 13, "acrel_pz96", 250),
    ("F2-04", 14, "cl7331m", 630),
    ("F2-05", 15, "sdm630", 160),
    ("F2-06", 16, "eb10", 250),  # a rail multi-circuit meter on the small-power board
)


def _feeders(section: tuple[tuple[str, int, str, int], ...], lv: str) -> list[SimDevice]:
    return [
        SimDevice(fid, unit, template, "feeder", upstream=lv, ct=rating / 5.0, rating_a=rating, room="配电室")
        for fid, unit, template, rating in section
    ]


def _transformer(n: int) -> list[SimDevice]:
    hv, lv = f"T{n}-HV", f"T{n}-LV-IN"
    return [
        SimDevice(hv, 2, "cl7331m", "transformer_hv", upstream="HV-IN", pt=HV_PT, ct=TRANSFORMER_HV_CT,
                  rating_kva=1000.0, room="配电室"),
        SimDevice(lv, 3, "cl7331m", "transformer_lv", upstream=hv, ct=TRANSFORMER_LV_CT, rating_kva=1000.0,
                  rating_a=1443.0, room="配电室"),
        SimDevice(f"T{n}-TCU", 4, "tcu_bwdk", "tcu", upstream=lv, room="配电室"),
    ]  # fmt: skip


def demo_plant(seed: int = 0) -> SimPlant:
    """The demo switch room (see the module docstring)."""
    g480 = SimGateway(
        id="DTU-1",
        registration=b"866262045012340",  # a G480-style 4G DTU: its IMEI, sent once
        register_mode="once",
        heartbeat=b"www.usr.cn",
        heartbeat_interval=30.0,
        baud=9600,
        devices=[
            SimDevice("HV-IN", 1, "cl7331m", "incomer", pt=HV_PT, ct=INCOMER_CT, room="高压室"),
            *_transformer(1),
            *_feeders(_SECTION_1, "T1-LV-IN"),
            SimDevice("BUS-TIE", 20, "cl7331m", "bus_tie", upstream="T1-LV-IN", tie_to="T2-LV-IN",
                      ct=TRANSFORMER_LV_CT, rating_a=1443.0, room="配电室"),
        ],
    )  # fmt: skip
    nb800 = SimGateway(
        id="DTU-2",
        registration=b"89860412345678901234",  # an NB800-style NB-IoT DTU: its ICCID on every packet
        register_mode="every",
        heartbeat=b"NB800:HB",
        heartbeat_interval=60.0,
        baud=9600,
        devices=[*_transformer(2), *_feeders(_SECTION_2, "T2-LV-IN")],
    )
    revenue = SimGateway(
        id="DTU-3",
        registration=bytes.fromhex("5352A0010003"),  # raw hex id, on connect and on every packet
        register_mode="both",
        heartbeat=bytes.fromhex("A55A"),
        heartbeat_interval=30.0,
        baud=2400,  # DL/T645: 2400 8E1, on a bus of its own
        devices=[SimDevice("REV-1", REVENUE_ADDRESS, "dlt645_meter", "revenue", upstream="HV-IN", pt=HV_PT,
                           ct=INCOMER_CT, room="高压室")],
    )  # fmt: skip
    environment = SimGateway(
        id="DTU-4",
        registration=b"SR-ENV-01",  # a plain ASCII id, sent once
        register_mode="once",
        heartbeat=b"ping",
        heartbeat_interval=30.0,
        baud=9600,
        devices=[SimDevice("ENV-1", 30, "env_io", "environment", room="配电室")],
    )
    plant = SimPlant(gateways=[g480, nb800, revenue, environment], seed=seed, tz="Asia/Shanghai")
    plant.validate()
    return plant


_ROLE_OF_CATEGORY = {
    "multifunction_meter": "feeder",
    "rail_meter": "feeder",
    "revenue_meter": "feeder",  # physics of a feeder, answered in DL/T645
    "temperature_controller": "tcu",
    "environment": "environment",
}


def scaled_plant(n_gateways: int, devices_per_gateway: int, template: str, seed: int = 0) -> SimPlant:
    """``n_gateways`` DTUs with ``devices_per_gateway`` devices of ``template`` each, for benchmarks.

    Every device is a stand-alone feeder on a stiff supply (no transformer to sum into), so
    the cost per poll is the same for every device.  Gateway ids are ``SIM-0001``.., device ids
    ``SIM-0001-01``.., unit ids 1..n; DL/T645 templates get 12-digit addresses and 2400 baud.
    """
    if not 1 <= n_gateways <= 100_000:
        raise SpecError(f"n_gateways={n_gateways} is outside 1..100000")
    if not 1 <= devices_per_gateway <= 32:
        raise SpecError(f"devices_per_gateway={devices_per_gateway} is outside 1..32 (one RS-485 bus)")
    try:
        found = load_library().get(template)
    except TemplateError as exc:
        raise SpecError(f"the device templates cannot be loaded: {exc}") from exc
    if found is None:
        raise SpecError(f"there is no device template {template!r}")
    dlt645 = found.protocol == "dlt645"
    role = _ROLE_OF_CATEGORY.get(found.category, "feeder")
    gateways = []
    for g in range(1, n_gateways + 1):
        gid = f"SIM-{g:04d}"
        devices = [
            SimDevice(
                f"{gid}-{d:02d}",
                f"{g:06d}{d:06d}" if dlt645 else d,
                template,
                role,
                ct=80.0,
                rating_a=400.0,
            )
            for d in range(1, devices_per_gateway + 1)
        ]
        gateways.append(
            SimGateway(
                id=gid,
                registration=gid.encode(),
                register_mode="once",
                heartbeat=b"hb",
                heartbeat_interval=30.0,
                baud=2400 if dlt645 else 9600,
                devices=devices,
                p_heartbeat_merge=0.0,
                p_split=0.0,
            )
        )
    plant = SimPlant(gateways=gateways, seed=seed)
    plant.validate()
    return plant
