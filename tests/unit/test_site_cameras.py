"""Cameras in the site file: links to rooms, devices and alarm rules, popup levels, no password in the file."""

from __future__ import annotations

import pytest

from app.config import DEMO_SITE, SiteError, site_from_text
from app.config.checks import rule_ids
from app.video.credentials import PasswordNotSet, UnknownCamera, find_camera, playing_url

DEMO = DEMO_SITE.read_text(encoding="utf-8")
CAM_1 = ('  - {id: CAM-1, name: {zh: 高压室摄像机, en: HV room camera}, room: HV, url: "rtsp://127.0.0.1:8554/cam1",\n'
         '     rooms: [HV], devices: [HV-IN, REV-1], popup_levels: [1, 2]}\n')


def with_camera(line: str) -> str:
    assert CAM_1 in DEMO
    return DEMO.replace(CAM_1, line)


def problems(text: str) -> list[str]:
    with pytest.raises(SiteError) as err:
        site_from_text(text, "site.yaml")
    return [f"{p.key}: {p.reason}" for p in err.value.problems]


def test_the_demo_cameras_are_linked():
    site = site_from_text(DEMO, "demo.yaml")
    cam1, cam2 = site.file.cameras
    assert (cam1.rooms, cam1.popup_levels, cam1.snapshot) == (["HV"], [1, 2], True)
    assert {"smoke", "water", "tcu-trip"} <= set(cam2.rules) and "BUS-TIE" in cam2.devices
    assert set(cam2.rules) <= set(rule_ids(site.file))


def test_bad_links_are_named_with_their_key_path():
    found = problems(with_camera(
        '  - {id: CAM-1, name: HV, room: HV, url: "rtsp://127.0.0.1:8554/cam1", rooms: [HV, ROOF],\n'
        '     devices: [HV-IN, NOPE], rules: [smoke, smok]}\n'))
    assert "cameras[0].rooms[1]: 'ROOF' is not a room of this site" in found
    assert "cameras[0].devices[1]: 'NOPE' is not a device of this site" in found
    rule = next(f for f in found if f.startswith("cameras[0].rules[1]"))
    assert rule.endswith("'smok' is not the id of an alarm rule of this site (did you mean 'smoke'?)")
    assert len(found) == 3


def test_a_rule_without_an_id_is_linked_by_its_kind_and_number():
    text = with_camera('  - {id: CAM-1, name: HV, url: "rtsp://127.0.0.1:8554/cam1", rules: [state-18]}\n')
    text = text.replace("    - {id: intrusion, kind: state,", "    - {kind: state,")
    site = site_from_text(text, "site.yaml")
    assert rule_ids(site.file)[17] == "state-18" and site.file.cameras[0].rules == ["state-18"]
    assert "rules[0]: 'intrusion' is not the id" in problems(text.replace("[state-18]", "[intrusion]"))[0]


@pytest.mark.parametrize(("camera", "words"), [
    ('url: "rtsp://admin:secret@10.0.0.5/h264"', "the URL holds a password"),
    ('url: "rtsp://10.0.0.5/h264", popup_levels: [0, 2]', "greater than or equal to 1"),
    ('url: "rtsp://10.0.0.5/h264", popup_levels: [5]', "less than or equal to 4"),
    ('url: "rtsp://10.0.0.5/h264", password_env: "CAM 1 PW"', "should match pattern"),
    ('url: "rtsp://10.0.0.5/h264", snapshots: false', "unknown key (did you mean 'snapshot'?)"),
])
def test_field_errors_in_words(camera, words):
    found = problems(with_camera(f"  - {{id: CAM-1, name: HV, {camera}}}\n"))
    assert any(f.startswith("cameras[0].") and words in f for f in found), found


def test_a_user_name_without_password_in_the_url_is_fine():
    site = site_from_text(with_camera('  - {id: CAM-1, name: HV, url: "rtsp://viewer@10.0.0.5/h264"}\n'), "s.yaml")
    assert playing_url(site.file.cameras[0], {}) == "rtsp://viewer@10.0.0.5/h264"


def test_the_playing_url_takes_the_password_from_the_environment():
    site = site_from_text(with_camera(
        '  - {id: CAM-1, name: HV, url: "rtsp://10.0.0.5:554/h264", username: "op@site", password_env: CAM1_PW}\n'),
        "site.yaml")
    cam = find_camera(site.file, "CAM-1")
    assert playing_url(cam, {"CAM1_PW": "p@ss:w/rd"}) == "rtsp://op%40site:p%40ss%3Aw%2Frd@10.0.0.5:554/h264"
    with pytest.raises(PasswordNotSet) as err:
        playing_url(cam, {})
    assert "CAM1_PW" in str(err.value) and "CAM-1" in str(err.value) and "环境变量" in str(err.value)
    with pytest.raises(UnknownCamera) as unknown:
        find_camera(site.file, "CAM-9")
    assert isinstance(unknown.value, KeyError) and str(unknown.value).endswith("this site has no camera 'CAM-9'")
