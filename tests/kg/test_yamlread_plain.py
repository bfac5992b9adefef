"""kg.yamlread._plain, the check of yaml-rs's result, against its plain definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import generate
from kg import yamlread

SHIPPED = Path(__file__).resolve().parents[2] / "data"


def reference(value: Any) -> bool:
    """The definition :func:`kg.yamlread._plain` must keep: one call per value."""
    kind = type(value)
    if kind is str:
        return value not in yamlread._BOOLISH and (not value or value[0] not in yamlread._NUMBERISH)
    if kind is dict:
        return all(
            type(k) is str and len(k) <= yamlread.KEY_MAX and reference(k) and reference(v)
            for k, v in value.items()
        )
    if kind is list:
        return all(map(reference, value))
    return kind is bool


_WORDS = st.sampled_from(
    [*yamlread._BOOLISH, "", "y", "yes!", "offer", "note", "type", "1", "+x", ".5", ":a", "?b"]
)
_LONG = st.builds(lambda head, n: head + "x" * n, _WORDS, st.integers(495, 503))
_TEXT = st.one_of(_WORDS, st.text(max_size=8), _LONG)
_SCALAR = st.one_of(_TEXT, st.booleans(), st.integers(), st.floats(), st.none())
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(_TEXT, st.integers(), st.booleans()), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=1000, deadline=None)
@given(_VALUE)
def test_plain_is_its_definition_on_any_value(value: Any) -> None:
    assert yamlread._plain(value) == reference(value)


def test_plain_is_its_definition_on_shipped_and_generated_files(tmp_path: Path) -> None:
    generated = generate(tmp_path / "gen", 300, 1500, seed=11)
    files = [*SHIPPED.glob("*/*.yaml"), *generated.glob("*/*.yaml")]
    assert len(files) > 300
    for path in files:
        data = yaml_rs.loads(path.read_text(encoding="utf-8"), parse_datetime=False)
        assert yamlread._plain(data) == reference(data), path
