"""The typed settings list over a real QSettings INI file in a temporary folder."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from widgets import settings
from widgets.settings import ALL, Setting

SAMPLES = {
    settings.LANGUAGE.key: "en",
    settings.THEME.key: "dark",
    settings.LAST_SITE.key: "D:/站点/配电房 1.yaml",
    settings.WINDOW_GEOMETRY.key: bytes(range(256)),
    settings.WINDOW_STATE.key: b"\x00\xff layout \x01",
    settings.TREND_SETS.key: json.dumps({"变压器温度": {"pens": ["T1-TCU.TA"], "range": "day"}}, ensure_ascii=False),
    settings.FULL_SCREEN.key: True,
    settings.LOCK_MINUTES.key: 5,
    settings.VIDEO_LAYOUT.key: json.dumps({"size": 4, "cells": ["CAM-1", None, "CAM-2"], "list": True}),
}


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "switchroom.ini"
    settings.use_file(path)
    yield path
    settings.use_file(None)


def raw_store(path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_every_setting_is_declared_once_with_a_doc():
    keys = [s.key for s in ALL]
    assert len(keys) == len(set(keys))
    assert set(SAMPLES) == set(keys)
    for s in ALL:
        assert s.doc and s.accepts(s.default), s.key


def test_defaults_when_nothing_is_stored(ini):
    for s in ALL:
        assert settings.value(s) == s.default


def test_round_trip_of_every_setting(ini):
    for s in ALL:
        settings.set_value(s, SAMPLES[s.key])
    assert ini.exists()
    for s in ALL:  # read back through a fresh QSettings on the same file
        got = settings.value(s)
        assert got == SAMPLES[s.key] and type(got) is s.type, s.key


def test_bool_false_round_trip(ini):
    settings.set_value(settings.FULL_SCREEN, False)
    assert settings.value(settings.FULL_SCREEN) is False


@pytest.mark.parametrize(
    ("setting", "stored"),
    [
        (settings.LANGUAGE, "klingon"),
        (settings.THEME, "purple"),
        (settings.FULL_SCREEN, "maybe"),
        (settings.FULL_SCREEN, 7),
        (settings.WINDOW_GEOMETRY, "not bytes"),
        (settings.TREND_SETS, "{not json"),
        (settings.TREND_SETS, "[1, 2]"),
        (settings.LAST_SITE, ["a", "list"]),
    ],
)
def test_wrong_stored_types_fall_back_to_default(ini, caplog, setting, stored):
    s = raw_store(ini)
    s.setValue(setting.key, stored)
    s.sync()
    assert settings.value(setting) == setting.default
    assert setting.key in caplog.text


def test_bool_written_as_text_is_read(ini):
    ini.write_text("[window]\nfull_screen=true\n", encoding="utf-8")
    assert settings.value(settings.FULL_SCREEN) is True


def test_set_value_refuses_wrong_values(ini):
    with pytest.raises(TypeError, match="holds a bool"):
        settings.set_value(settings.FULL_SCREEN, "yes")
    with pytest.raises(ValueError, match="not an allowed value"):
        settings.set_value(settings.LANGUAGE, "fr")
    with pytest.raises(TypeError, match="holds a bytes"):
        settings.set_value(settings.WINDOW_STATE, "text")
    assert settings.value(settings.LANGUAGE) == "zh_CN"


def test_reset_forgets(ini):
    settings.set_value(settings.THEME, "dark")
    settings.reset(settings.THEME)
    assert settings.value(settings.THEME) == "light"


def test_numeric_settings_convert_text():
    ratio = Setting("x/ratio", float, 1.0, "a ratio")
    count = Setting("x/count", int, 3, "a count")
    assert ratio.accepts(2) and not ratio.accepts(True)
    assert count.accepts(4) and not count.accepts(4.5)
    assert settings._convert("2.5", float) == 2.5
    assert settings._convert("seven", int) is None
