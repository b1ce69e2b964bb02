"""Device templates from YAML: damaged and arbitrary files give a TemplateError, never a traceback."""

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.templates import DEFAULT_LIBRARY, TemplateError, load_template
from tests.unit.template_cases import SHIPPED

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["f32", "bit", "{n}", "C{n}.I", "0x10", "02010100", "pt", "digital", "3"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def load_data(data: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            template = load_template(path)
        except TemplateError as exc:
            assert exc.errors and all(p.file == "fuzz.yaml" and p.key and p.reason for p in exc.errors)
        else:
            template.blocks()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(SHIPPED), st.data())
def test_damaged_shipped_templates_fail_cleanly(name, data):
    """Any one field of a real template replaced by anything: a Template or a TemplateError."""
    tree = yaml.safe_load((DEFAULT_LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))
    places = []  # every (container, key) in the document

    def walk(node: object) -> None:
        for key in list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []:
            places.append((node, key))
            walk(node[key])

    walk(tree)
    container, key = data.draw(st.sampled_from(places))
    if data.draw(st.booleans()):
        container[key] = data.draw(VALUES)
    else:
        del container[key]
    load_data(tree)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_arbitrary_documents_fail_cleanly(document):
    load_data(document)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}[]:,-#'\" \n\tabx01&*!|>%@`", max_size=60))
def test_arbitrary_text_fails_cleanly(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "junk.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(TemplateError):
            load_template(path)
