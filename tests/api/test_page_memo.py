"""PageMemo: a listing's pages that come back the same but for sample times are not decoded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.alexa_smart_properties.api import (
    AspClient,
    AspInvalidResponseError,
    Page,
    PageMemo,
)
from custom_components.alexa_smart_properties.api.page_memo import without_sample_times

from .conftest import FakeAsp, Reply, load_fixture

FIXTURE: dict[str, Any] = load_fixture("endpoints_expand_all.json")


def _body(sampled_at: str, *, volume: int = 40, token: str | None = None) -> bytes:
    """The fixture's page with every sample time set, the Echo's volume and a next token."""
    page = json.loads(json.dumps(FIXTURE))
    for endpoint in page["results"]:
        for feature in endpoint.get("features", ()):
            for prop in feature.get("properties", ()):
                if "timeOfSample" in prop:
                    prop["timeOfSample"] = sampled_at
                if prop["name"] == "volume":
                    prop["value"] = volume
    if token:
        page["paginationContext"] = {"nextToken": token}
    return json.dumps(page).encode()


def test_only_sample_times_are_blanked() -> None:
    body = (
        b'{"a": {"timeOfSample" : "2024-01-01T00:00:00Z", "value": 1},'
        b' "name": "say \\"timeOfSample\\":\\"x\\" here", "timeOfSample":"2025"}'
    )
    assert without_sample_times(body) == (
        b'{"a": {, "value": 1}, "name": "say \\"timeOfSample\\":\\"x\\" here", }'
    )
    assert without_sample_times(_body("2024-01-01T00:00:00Z")) == without_sample_times(
        _body("2031-05-05T05:05:05.123Z")
    )
    assert without_sample_times(_body("2024", volume=40)) != without_sample_times(
        _body("2024", volume=41)
    )


def test_a_page_is_recalled_only_for_its_own_token_and_body() -> None:
    memo: PageMemo[str] = PageMemo()
    page = Page(("a",), "next")
    comparable, found = memo.recall(None, _body("2024"))
    assert found is None
    memo.keep(None, comparable, page)
    memo.walk_done()
    assert len(memo) == 1
    assert memo.recall(None, _body("2030"))[1] is page
    assert memo.recall("other", _body("2030"))[1] is None
    assert memo.recall(None, _body("2030", volume=41))[1] is None


def test_a_walk_forgets_pages_it_did_not_see_and_a_failed_one_changes_nothing() -> None:
    memo: PageMemo[str] = PageMemo()
    for token in (None, "t1"):
        memo.keep(token, without_sample_times(_body("2024")), Page((str(token),), None))
    memo.walk_done()
    assert len(memo) == 2
    memo.recall(None, _body("2025"))  # only the first page is seen on this walk
    memo.walk_failed()
    assert memo.recall("t1", _body("2026"))[1] is not None  # the complete walk is kept
    memo.walk_done()  # nothing recalled since the failure: nothing kept
    memo.recall(None, _body("2027"))
    memo.walk_done()
    assert len(memo) == 0


async def test_an_unchanged_listing_returns_the_same_objects(
    client: AspClient, fake: FakeAsp
) -> None:
    fake.add(
        "GET",
        "/v2/endpoints",
        Reply(body=_body("2024-01-01T00:00:00Z")),
        Reply(body=_body("2024-01-01T00:02:00Z")),
        Reply(body=_body("2024-01-01T00:04:00Z", volume=55)),
    )
    memo: PageMemo[Any] = PageMemo()
    first = await client.list_all_endpoints(memo=memo)
    second = await client.list_all_endpoints(memo=memo)
    assert len(fake.requests) == 2  # still read from the service every time
    assert all(a is b for a, b in zip(first, second, strict=True))
    third = await client.list_all_endpoints(
        memo=memo, previous={endpoint.id: endpoint for endpoint in second}
    )
    echo, lamp = third
    assert echo is not second[0]
    speaker = echo.feature("speaker")
    assert speaker is not None
    assert speaker.volume == 55
    assert lamp is second[1]  # the page changed, this endpoint did not: kept as parsed


async def test_a_garbled_page_raises_and_the_memo_keeps_the_last_good_walk(
    client: AspClient, fake: FakeAsp
) -> None:
    fake.add(
        "GET",
        "/v2/endpoints",
        Reply(body=_body("2024")),
        Reply(body=_body("2025")[:-7]),
        Reply(body=_body("2026")),
    )
    memo: PageMemo[Any] = PageMemo()
    first = await client.list_all_endpoints(memo=memo)
    with pytest.raises(AspInvalidResponseError):
        await client.list_all_endpoints(memo=memo)
    again = await client.list_all_endpoints(memo=memo)
    assert all(a is b for a, b in zip(first, again, strict=True))
