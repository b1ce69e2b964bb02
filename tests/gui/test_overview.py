"""The overview on the demo plant: numbers follow the samples fed, states have colours, values open trends."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.model import Quality, Sample
from app.sources.base import SiteModel, SourceStatus
from tests.gui.test_devices import close_window, make_source, run_plant
from widgets.overview import ALARM, NO_DATA, NORMAL, WARN, OverviewView

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TS = 1_700_000_000_000  # 06:13:20 in Asia/Shanghai


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    return make_source(tmp_path_factory.mktemp("site")).site()


def feed(view: OverviewView, values: dict[str, float], ts: int = TS, quality: Quality = Quality.GOOD) -> None:
    view.on_samples({pid: Sample(pid, ts, v, quality) for pid, v in values.items()})


def transformer(view: OverviewView, device: str):
    return next(t for t in view.transformers if t.device.id == device)


def test_transformer_numbers_and_hottest_winding(qtbot, site):
    view = OverviewView(site, lang="en")
    qtbot.addWidget(view)
    t1 = transformer(view, "T1-LV-IN")
    assert t1.load_point == "T1.load_rate"  # the derived point, not S
    assert t1.temps == ["T1-TCU.TA", "T1-TCU.TB", "T1-TCU.TC"]
    assert t1.load.state == NO_DATA and t1.state.text() == "No data"
    feed(view, {"T1.load_rate": 61.94, "T1-TCU.TA": 74.9, "T1-TCU.TB": 78.8, "T1-TCU.TC": 73.9,
                "T1-TCU.alarm": 0, "T1-TCU.trip": 0})  # fmt: skip
    assert t1.load.text() == "61.9" and t1.load.state == NORMAL
    assert [x.text() for x in t1.temp_labels] == ["74.9", "78.8", "73.9"]
    assert "underline" in t1.temp_labels[1].styleSheet()  # B is the hottest
    assert "underline" not in t1.temp_labels[0].styleSheet()
    assert t1.state.text() == "Normal"
    feed(view, {"T1.load_rate": 92.0, "T1-TCU.TA": 131.0}, TS + 1000)
    assert t1.load.state == WARN
    assert t1.temp_labels[0].state == ALARM and "underline" in t1.temp_labels[0].styleSheet()
    feed(view, {"T1-TCU.alarm": 1}, TS + 2000)
    assert t1.state.text() == "Over-temperature alarm"
    feed(view, {"T1-TCU.trip": 1, "T1.load_rate": 104.0}, TS + 3000)
    assert t1.state.text() == "Tripped on temperature" and t1.load.state == ALARM
    feed(view, {"T1-TCU.TB": 0.0}, TS + 4000, Quality.COMM_FAIL)
    assert t1.temp_labels[1].text() == "—" and t1.temp_labels[1].state == NO_DATA


def test_incomer_power_and_energy(qtbot, site):
    asked: list[list[str]] = []
    answers = []
    view = OverviewView(site, lang="en", first_of_day=lambda ids, done: (asked.append(ids), answers.append(done)))
    qtbot.addWidget(view)
    assert asked == [["HV-IN.EPimp"]]
    power, energy = view.incomers["HV-IN"]
    feed(view, {"HV-IN.P": 1041.17, "HV-IN.EPimp": 1_355_250.0})
    assert power.text() == "1041.2" and view.site_power.text() == "1041.2"
    # until the history answers, energy counts from the first value seen, and says so
    assert energy.text() == "0.0"
    assert "since 06:13" in view.site_energy.parent().findChildren(type(view.source_label))[0].text()
    answers[0]({"HV-IN.EPimp": 1_354_000.0})
    assert energy.text() == "1250.0" and view.site_energy.text() == "1250.0"
    captions = [label.text() for label in view.findChildren(type(view.source_label))]
    assert "Today's energy (kWh)" in captions
    feed(view, {"HV-IN.EPimp": 1_355_300.5}, TS + 60_000)
    assert energy.text() == "1300.5"
    # the next local day starts from its first sample
    feed(view, {"HV-IN.EPimp": 1_360_000.0}, TS + 86_400_000)
    assert energy.text() == "0.0"
    feed(view, {"HV-IN.EPimp": 1_360_010.0}, TS + 86_460_000)
    assert energy.text() == "10.0"


def test_environment_digital_alarm(qtbot, site):
    view = OverviewView(site, lang="en")
    qtbot.addWidget(view)
    feed(view, {"ENV-1.temp": 26.6, "ENV-1.humidity": 48.7, "ENV-1.smoke": 0, "ENV-1.water": 1,
                "ENV-1.door": 0, "ENV-1.intrusion": 0})  # fmt: skip
    env = view.environment
    assert env["ENV-1.temp"].text() == "26.6"
    assert env["ENV-1.smoke"].text() == "Clear" and env["ENV-1.smoke"].state == NORMAL
    assert env["ENV-1.water"].text() == "Water leak!" and env["ENV-1.water"].state == ALARM
    assert "#c62828" in env["ENV-1.water"].styleSheet()
    feed(view, {"ENV-1.door": 1}, TS + 1000)
    assert env["ENV-1.door"].text() == "Open" and env["ENV-1.door"].state == ALARM


def test_counts_alarms_and_status(qtbot, site):
    view = OverviewView(site, lang="en")
    qtbot.addWidget(view)
    for g in site.gateways:
        view.on_gateway_state(g.id, True)
    assert view.gateways_label.text() == "4 / 4" and view.gateways_label.state == NORMAL
    view.on_gateway_state("DTU-2", False)
    assert view.gateways_label.text() == "3 / 4" and view.gateways_label.state == ALARM
    feed(view, {f"{d.id}.F" if f"{d.id}.F" in {p.id for p in site.points} else "": 50.0 for d in site.devices})
    feed(view, {"T2-TCU.TA": 0.0}, TS, Quality.COMM_FAIL)
    ok, silent, unknown = (int(x) for x in view.devices_label.text().split(" / "))
    assert silent == 1 and ok + silent + unknown == 22
    assert [v.text() for _c, v in view.alarm_labels.values()] == ["0", "0", "0"]
    view.set_alarm_counts({1: 2, 3: 1, 4: 5})
    assert {lvl: v.text() for lvl, (_c, v) in view.alarm_labels.items()} == {1: "2", 2: "0", 3: "1", 4: "5"}
    assert view.alarm_labels[1][1].state == ALARM and view.alarm_labels[3][1].state == WARN
    view.on_status(SourceStatus("direct", False, 0, 4, 971, 0, "ok", 1.0))
    assert view.source_label.text() == "Data source not running"
    view.on_status(SourceStatus("direct", True, 4, 4, 971, 10, "ok", 2.0))
    assert view.source_label.text() == "Data source running"


def test_double_click_opens_trend(qtbot, site):
    view = OverviewView(site)
    qtbot.addWidget(view)
    label = transformer(view, "T2-LV-IN").temp_labels[2]
    with qtbot.waitSignal(view.open_trend, timeout=2000) as blocker:
        qtbot.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert blocker.args == ["T2-TCU.TC"]


def test_live_plant_screenshots(qtbot, tmp_path):
    site, batches, latest = asyncio.run(run_plant(tmp_path))
    view = OverviewView(site, lang="zh")
    qtbot.addWidget(view)
    for g in site.gateways:
        view.on_gateway_state(g.id, g.state == "online")
    for batch in batches:
        view.on_samples({s.point: s for s in batch})
    view.on_samples(latest)
    view.on_status(SourceStatus("direct", True, 4, 4, len(site.points), 1000, "ok", 5.0))
    view.set_alarm_counts({1: 0, 2: 1, 3: 2})
    t1 = transformer(view, "T1-LV-IN")
    assert t1.load.text() == f"{latest['T1.load_rate'].value:.1f}"
    assert view.incomers["HV-IN"][0].text() == f"{latest['HV-IN.P'].value:.1f}"
    view.resize(1000, 720)
    view.show()
    qtbot.waitExposed(view)
    ARTIFACTS.mkdir(exist_ok=True)
    assert view.grab().save(str(ARTIFACTS / "overview_zh.png"))
    view.set_language("en")
    view.on_samples({"ENV-1.door": Sample("ENV-1.door", latest["ENV-1.door"].ts, 1.0)})
    assert view.grab().save(str(ARTIFACTS / "overview_en.png"))
    close_window(qtbot, view)
