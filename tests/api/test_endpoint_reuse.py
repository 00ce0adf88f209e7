"""Endpoint.from_api(data, previous): unchanged but for sample times, it isn't parsed again."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.alexa_smart_properties.api import AspInvalidResponseError
from custom_components.alexa_smart_properties.api.models import Endpoint

from .conftest import load_fixture

pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

BODIES: list[dict[str, Any]] = load_fixture("endpoints_expand_all.json")["results"]

type Path = tuple[str | int, ...]


def _leaves(value: Any, path: Path = ()) -> list[Path]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [path]


def _set(body: dict[str, Any], path: Path, value: Any) -> None:
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _is_sample_time(path: Path) -> bool:
    return bool(path) and path[-1] == "timeOfSample"


def test_new_sample_times_keep_the_parsed_endpoint() -> None:
    sampled = [body for body in BODIES if any(map(_is_sample_time, _leaves(body)))]
    assert sampled
    for body in sampled:
        previous = Endpoint.from_api(body)
        later = copy.deepcopy(body)
        for path in filter(_is_sample_time, _leaves(later)):
            _set(later, path, "2030-01-01T00:00:00Z")
        assert later != body
        assert Endpoint.from_api(later, previous) is previous
        assert Endpoint.from_api(copy.deepcopy(body), previous) is previous


@given(data=st.data())
def test_any_other_change_is_parsed_again(data: st.DataObject) -> None:
    body = data.draw(st.sampled_from(BODIES))
    previous = Endpoint.from_api(body)
    path = data.draw(st.sampled_from([p for p in _leaves(body) if not _is_sample_time(p)]))
    changed = copy.deepcopy(body)
    old = body
    for step in path:
        old = old[step]
    new = data.draw(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)).filter(
            lambda value: value != old or type(value) is not type(old)
        )
    )
    _set(changed, path, new)
    try:
        parsed = Endpoint.from_api(changed, previous)
    except AspInvalidResponseError:
        return  # a required field became invalid: refused, never reused
    assert parsed is not previous
    assert parsed.raw is changed


@given(extra=st.sampled_from(["newField", "features"]))
def test_added_or_removed_keys_are_parsed_again(extra: str) -> None:
    body = BODIES[0]
    previous = Endpoint.from_api(body)
    changed = copy.deepcopy(body)
    if extra in changed:
        del changed[extra]
    else:
        changed[extra] = 1
    assert Endpoint.from_api(changed, previous) is not previous
