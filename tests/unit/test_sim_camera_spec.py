"""A simulated camera's spec says what is wrong with it before any server starts."""

from __future__ import annotations

import pytest

from drivers.simulator import SimCamera, SimGateway, SimPlant, SpecError


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": ""}, "empty id"),
        ({"path": "/"}, "path"),
        ({"path": "a b"}, "path"),
        ({"port": 70000}, "port"),
        ({"width": 321}, "even"),
        ({"height": 8}, "32 x 32"),
        ({"fps": 0}, "fps"),
        ({"auth": "ntlm"}, "digest or basic"),
        ({"username": "admin"}, "needs a password"),
    ],
)
def test_a_bad_camera_is_named_with_the_reason(changes, words):
    camera = SimCamera(**{"id": "CAM-1", "path": "cam1", **changes})
    with pytest.raises(SpecError, match=words):
        camera.validate()


def test_plant_refuses_two_cameras_with_one_id_or_one_url():
    gateway = SimGateway("G", b"G1")
    SimPlant([gateway], cameras=[SimCamera("A", "a"), SimCamera("B", "b")]).validate()
    with pytest.raises(SpecError, match="used twice"):
        SimPlant([gateway], cameras=[SimCamera("A", "a"), SimCamera("A", "b")]).validate()
    with pytest.raises(SpecError, match="served by another camera"):
        SimPlant([gateway], cameras=[SimCamera("A", "a"), SimCamera("B", "/a/")]).validate()
    SimPlant([gateway], cameras=[SimCamera("A", "a"), SimCamera("B", "a", port=8555)]).validate()
