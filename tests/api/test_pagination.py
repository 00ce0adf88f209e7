"""Pagination: several pages, the end of a listing, and the repeated-token guard."""

from __future__ import annotations

import pytest

from custom_components.alexa_smart_properties.api import (
    AspClient,
    AspInvalidResponseError,
    Page,
    paginate,
)

from .conftest import FakeAsp, Reply

COMMUNITY = "amzn1.alexa.unit.did.c"
HOMES = "/enterprise/residential/v1/homes"


def _homes(n: int, token: object) -> dict[str, object]:
    items = [
        {"id": f"amzn1.alexa.unit.did.h{n}{i}", "name": f"{n}{i}", "homeCommunityId": COMMUNITY}
        for i in range(2)
    ]
    return {"homes": items, "paginationContext": {"nextToken": token}}


async def test_follows_next_token_across_pages(client: AspClient, fake: FakeAsp) -> None:
    fake.add(
        "GET",
        HOMES,
        Reply(json=_homes(1, "a")),
        Reply(json=_homes(2, "b")),
        Reply(json=_homes(3, "")),  # empty token ends the listing too
    )
    names = [h.name async for h in client.iter_homes(COMMUNITY, max_results=2)]
    assert names == ["10", "11", "20", "21", "30", "31"]
    assert [dict(c.query).get("nextToken") for c in fake.requests] == [None, "a", "b"]


async def test_iteration_is_lazy(client: AspClient, fake: FakeAsp) -> None:
    fake.add("GET", HOMES, Reply(json=_homes(1, "a")), Reply(json=_homes(2, None)))
    iterator = client.iter_homes(COMMUNITY)
    assert fake.requests == []
    first = await anext(iterator)
    assert first.name == "10"
    assert len(fake.requests) == 1
    await iterator.aclose()  # type: ignore[attr-defined]


async def test_repeated_token_is_refused(client: AspClient, fake: FakeAsp) -> None:
    fake.add(
        "GET",
        HOMES,
        Reply(json=_homes(1, "a")),
        Reply(json=_homes(2, "b")),
        Reply(json=_homes(3, "a")),
    )
    seen: list[str] = []

    async def walk() -> None:
        async for home in client.iter_homes(COMMUNITY):
            seen.append(home.name)

    with pytest.raises(AspInvalidResponseError, match="repeated a pagination token"):
        await walk()
    assert seen == ["10", "11", "20", "21", "30", "31"]
    assert len(fake.requests) == 3


async def test_same_token_twice_in_a_row_is_refused() -> None:
    async def fetch(token: str | None) -> Page[int]:
        return Page((1,), "same")

    with pytest.raises(AspInvalidResponseError):
        _ = [item async for item in paginate(fetch)]


async def test_missing_list_is_an_invalid_response(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOMES, json={"paginationContext": {}})
    with pytest.raises(AspInvalidResponseError, match="homes"):
        await client.list_homes(COMMUNITY)
