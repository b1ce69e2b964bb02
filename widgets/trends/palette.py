"""Pen colours that read on a light and on a dark background.

Mid-luminance, saturated hues: none is so dark it vanishes on a dark theme or so pale it
vanishes on white, and neighbours differ in hue so eight pens stay apart.  Grey is kept out of
the palette: grey dashes mean "not a good value" in every trend.
"""

from __future__ import annotations

PALETTE: tuple[str, ...] = (
    "#2f86d6",  # blue
    "#e4572e",  # vermilion
    "#2ba84a",  # green
    "#b84fd6",  # purple
    "#d99a00",  # amber
    "#17a2b8",  # teal
    "#d6336c",  # magenta
    "#7f9a00",  # olive
    "#a8683a",  # brown
    "#5c7cfa",  # indigo
)

BAD_QUALITY = "#8c8c8c"  # stale / comm_fail samples: grey dashes


def next_colour(used: set[str]) -> str:
    """The first palette colour no pen uses yet (cycling once all are taken)."""
    taken = {c.lower() for c in used}
    for colour in PALETTE:
        if colour not in taken:
            return colour
    return PALETTE[len(used) % len(PALETTE)]


def is_colour(text: object) -> bool:
    """Whether ``text`` is a ``#rrggbb`` colour (what trend sets store)."""
    if not isinstance(text, str) or len(text) != 7 or not text.startswith("#"):
        return False
    return all(c in "0123456789abcdefABCDEF" for c in text[1:])
