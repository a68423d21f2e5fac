"""Properties of the YAML limits: they refuse exactly what is past them, and nothing ordinary."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from launchdeck.app.yamlbounds import YamlLimitError, check_expansion, check_flow_depth

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
_LEAVES = st.one_of(st.integers(-5, 5), st.text("ab[]{}'\",# :-", max_size=6), st.none(), st.booleans())


def _nested(depth: int, leaf: object) -> object:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@SETTINGS
@given(st.integers(1, 99), _LEAVES, st.booleans())
def test_flow_nesting_up_to_the_bound_passes_and_past_it_is_refused(depth: int, leaf: object, flow: bool) -> None:
    # `depth` containers inside the top-level mapping: depth brackets in flow style.
    text = yaml.safe_dump({"top": _nested(depth, leaf)}, default_flow_style=flow, width=10**6)
    check_flow_depth(text)  # never a false alarm, whatever quotes and brackets the leaf holds
    deep = yaml.safe_dump({"top": _nested(depth + 101, leaf)}, default_flow_style=True, width=10**6)
    with pytest.raises(YamlLimitError):
        check_flow_depth(deep)


def _expanded_size(node: object) -> int:
    """The size check_expansion bounds, computed the slow way: walking every alias."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return 1
    total = 1
    for item in value:
        for child in (item if isinstance(item, tuple) else (item,)):
            total += _expanded_size(child)
    return total


@SETTINGS
@given(st.lists(st.integers(1, 4), min_size=1, max_size=5))
def test_expansion_bound_matches_a_full_walk(fans: list[int]) -> None:
    lines = ["a0: &a0 [x, y]"]
    for i, fan in enumerate(fans, 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]")
    node = YAML(typ="rt").compose("\n".join(lines) + "\n")
    size = _expanded_size(node)
    check_expansion(node, max_nodes=size)  # exactly at the bound: fine
    with pytest.raises(YamlLimitError):
        check_expansion(node, max_nodes=size - 1)


def test_a_wide_document_without_aliases_is_not_called_an_alias_bomb() -> None:
    wide = YAML().compose("x:\n" + "".join(f"  k{i}: 1\n" for i in range(600)))
    with pytest.raises(YamlLimitError) as exc:
        check_expansion(wide, max_nodes=1000)
    assert "1,000 values" in exc.value.problem and "alias" not in exc.value.problem
    bomb = YAML().compose("a: &a [" + ", ".join(["v"] * 40) + "]\nb: [" + ", ".join(["*a"] * 40) + "]\n")
    with pytest.raises(YamlLimitError, match="alias bomb"):
        check_expansion(bomb, max_nodes=1000)
