"""What an alarm says to the operator, in Simplified Chinese and English, built from the plant's names.

A site file rarely spells out messages: "1号变压器温控器 A相绕组温度 超高限 152.3 °C" follows
from the device's name, the template's quantity name, the limit and the value.  The words
of each rule kind live here, in one place, so that the journal, the banner and an SMS say
the same thing.
"""

from __future__ import annotations

import math

#: (zh, en) for each limit and condition word.
WORDS: dict[str, tuple[str, str]] = {
    "HH": ("超高限", "high-high"),
    "H": ("越上限", "high"),
    "L": ("越下限", "low"),
    "LL": ("超低限", "low-low"),
    "rate_rise": ("上升过快", "rising fast"),
    "rate_fall": ("下降过快", "falling fast"),
    "change": ("变位", "changed"),
    "state": ("报警", "alarm"),
    "active": ("动作", "active"),
    "stale": ("数据不刷新", "data stale"),
    "comm": ("通信中断", "communication lost"),
    "gateway": ("网关离线", "gateway offline"),
    "overload": ("过载", "overload"),
    "phase_overload": ("单相过载", "phase overload"),
    "unbalance": ("三相电流不平衡", "current unbalance"),
}
PHASE_NAMES = {"Ia": ("A相", "phase A"), "Ib": ("B相", "phase B"), "Ic": ("C相", "phase C")}


def number(value: float | None) -> str:
    """A value as an operator reads it: 152.3, 0.82, 1443, never 1.443e+03."""
    if value is None or math.isnan(value):
        return "—"
    a = abs(value)
    if a >= 100:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".") if a < 10 else f"{value:.1f}"
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def with_unit(value: float | None, unit: str) -> str:
    """``152.3 °C``; a unitless value stands alone."""
    return f"{number(value)} {unit}" if unit else number(value)


def message(subject: tuple[str, str], word: str, detail: tuple[str, str] = ("", "")) -> tuple[str, str]:
    """``subject word detail`` in both languages, e.g. ("1号变压器 A相绕组温度 超高限 152.3 °C", ...)."""
    zh_word, en_word = WORDS.get(word, (word, word))
    zh = " ".join(x for x in (subject[0], zh_word, detail[0]) if x)
    en = " ".join(x for x in (subject[1], en_word, detail[1]) if x)
    return zh, en


def state_name(states: dict[str, tuple[str, str]] | None, value: float | None) -> tuple[str, str]:
    """The name of a digital state in both languages (``合闸``/``closed``), or the number."""
    if value is None:
        return "—", "—"
    i = 1 if value >= 0.5 else 0
    if states:
        zh = states.get("zh", states.get("en", ("0", "1")))[i]
        en = states.get("en", states.get("zh", ("0", "1")))[i]
        return zh, en
    return str(i), str(i)
