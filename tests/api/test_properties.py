"""Property-based checks of rules that are easy to get subtly wrong."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.alexa_smart_properties.api import AspValidationError, RetryPolicy
from custom_components.alexa_smart_properties.api import validation as v

# Emitted by Hypothesis under Home Assistant's test plugin; unrelated to these tests.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

PART = st.from_regex(r"[A-Za-z0-9-]{1,12}", fullmatch=True)


@given(st.lists(PART, min_size=1, max_size=5), st.sampled_from([",", ", "]))
def test_comma_separated_partition_names_pass(parts: list[str], sep: str) -> None:
    value = sep.join(parts)
    assert v.partition_name(value) == value


@given(st.text(max_size=30))
def test_partition_name_matches_the_rule(value: str) -> None:
    expected = value == value.strip() and all(
        re.fullmatch(r"[A-Za-z0-9-]+", part.strip(" ")) for part in value.split(",")
    )
    try:
        v.partition_name(value)
    except AspValidationError:
        assert not expected
    else:
        assert expected


@given(st.text(min_size=1, max_size=140))
def test_endpoint_friendly_name_rule(value: str) -> None:
    allowed = all(ch.isalnum() or ch in " '\u2019" for ch in value)
    expected = len(value) <= 128 and allowed and any(ch.isalnum() for ch in value)
    try:
        v.endpoint_friendly_name(value)
    except AspValidationError:
        assert not expected
    else:
        assert expected


@given(
    st.integers(min_value=1, max_value=20),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0.01, max_value=5),
    st.floats(min_value=0.01, max_value=60),
)
def test_backoff_stays_within_cap(retry: int, rand: float, base: float, cap: float) -> None:
    policy = RetryPolicy(base_delay=base, max_delay=cap, jitter=0.5)
    delay = policy.backoff(retry, rand=lambda: rand)
    ceiling = min(cap, base * 2 ** (retry - 1))
    assert ceiling / 2 - 1e-9 <= delay <= ceiling + 1e-9


def _tree(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.just({"operation": {"type": "Vendor.Custom", "payload": {}}})
    if depth == 0:
        return leaf
    branch = st.builds(
        lambda key, children: {key: children},
        st.sampled_from(["serial", "parallel"]),
        st.lists(_tree(depth - 1), min_size=1, max_size=6),
    )
    return st.one_of(leaf, branch)


def _count(node: dict[str, Any]) -> tuple[int, bool]:
    """Return (nodes, ok) for a tree by a direct reading of the page's rule."""
    if "operation" in node:
        return 1, True
    ((key, children),) = node.items()
    results = [_count(child) for child in children]
    below = sum(n for n, _ in results)
    ok = all(o for _, o in results) and not (key == "parallel" and below >= 90)
    return 1 + below, ok


@given(_tree(4))
def test_operation_tree_limits(tree: dict[str, Any]) -> None:
    nodes, ok = _count(tree)
    expected = ok and nodes < 150
    try:
        v.operations(tree)
    except AspValidationError:
        assert not expected
    else:
        assert expected
