"""A damaged diagram file ends in DiagramFileError (words, with where), never in a traceback."""

import json

from hypothesis import given
from hypothesis import strategies as st

from app.diagram import fileformat
from app.diagram.fileformat import DiagramFileError
from app.diagram.model import ValueLabel
from app.diagram.symbols import SymbolLibrary, load_library
from tests.bench.diagram import build_plant, by_name

LIBRARY = load_library()
PLANT = build_plant(LIBRARY, sections=1, feeders=1)
PLANT.edit(by_name(PLANT)["QF-F1-1"].uuid, labels=(ValueLabel("QF-F1-1.Ia", ".1f", "A"),), kv={"x": 1})
DOCUMENT = json.loads(fileformat.dumps(PLANT))

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 400), st.floats(allow_nan=True), st.text(max_size=4),
                 st.sampled_from(["S3", "b", "busbar", "closed", "N"]), st.lists(st.integers(0, 3), max_size=3),
                 st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


def paths(value, prefix=()):
    """Every key path into a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*prefix, i))


PATHS = [p for p in paths(DOCUMENT) if p]


def replaced(document, path, junk):
    doc = json.loads(json.dumps(document))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = junk
    return doc


@given(st.lists(st.tuples(st.sampled_from(PATHS), JUNK), min_size=1, max_size=3), st.booleans())
def test_any_damaged_value_is_reported_not_raised(damage, with_library):
    doc = DOCUMENT
    for path, junk in damage:
        try:
            doc = replaced(doc, path, junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    text = json.dumps(doc)
    try:
        diagram = fileformat.loads(text, LIBRARY if with_library else SymbolLibrary())
    except DiagramFileError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
    else:
        assert fileformat.loads(fileformat.dumps(diagram), LIBRARY).items == diagram.items
