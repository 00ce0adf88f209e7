"""Pagination: several pages, the end of a listing, and the repeated-token guard."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.alexa_smart_properties.api import (
    AspClient,
    AspInvalidResponseError,
    AspListingTooLongError,
    Page,
    PageHints,
    WalkLimits,
    collect_pages,
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


class Endless:
    """A listing whose every page is empty and hands out a token never seen before."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.requests = 0

    async def fetch(self, token: str | None) -> Page[int]:
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        return Page((), f"t{self.requests}")


async def test_a_listing_without_end_stops_at_its_page_limit() -> None:
    listing = Endless()
    with pytest.raises(AspListingTooLongError, match="more than 25 pages"):
        _ = [i async for i in paginate(listing.fetch, WalkLimits(max_pages=25))]
    assert listing.requests == 25


async def test_a_listing_without_end_stops_at_its_deadline() -> None:
    listing = Endless(delay=0.01)
    with pytest.raises(AspListingTooLongError, match="longer than"):
        _ = [i async for i in paginate(listing.fetch, WalkLimits(deadline=0.1))]
    assert 5 <= listing.requests <= 15


@pytest.mark.parametrize("hints", [None, PageHints(tokens=["t1", "t2"])])
async def test_collecting_pages_stops_at_the_limit_too(hints: PageHints | None) -> None:
    listing = Endless()
    with pytest.raises(AspListingTooLongError):
        await collect_pages(listing.fetch, hints, concurrency=4, limits=WalkLimits(max_pages=30))
    assert listing.requests <= 30


async def test_the_client_walks_within_its_limits(client: AspClient, fake: FakeAsp) -> None:
    pages = [Reply(json=_homes(n, f"t{n}")) for n in range(10)]
    fake.add("GET", HOMES, *pages)
    client.walk_limits = WalkLimits(max_pages=4)
    with pytest.raises(AspListingTooLongError):
        _ = [h async for h in client.iter_homes(COMMUNITY, max_results=2)]
    assert len(fake.requests) == 4


async def test_after_a_walk_the_limit_follows_the_estate() -> None:
    """Ten times the longest walk seen (at least 100 pages), however large the default."""
    limits = WalkLimits(max_pages=5_000)
    pages = [Page((1,), "a"), Page((2,), "b"), Page((3,), None)]

    async def three(token: str | None) -> Page[int]:
        return pages[{None: 0, "a": 1, "b": 2}[token]]

    assert [i async for i in paginate(three, limits)] == [1, 2, 3]
    assert limits.page_limit == 100
    limits.longest_walk = 30
    assert limits.page_limit == 300
    listing = Endless()
    with pytest.raises(AspListingTooLongError, match="more than 300 pages"):
        await collect_pages(listing.fetch, None, limits=limits)
    assert listing.requests == 300


async def test_each_listing_learns_its_own_longest_walk(client: AspClient, fake: FakeAsp) -> None:
    """A community's few pages of homes must not cap the device listing's many."""
    fake.add("GET", HOMES, *(Reply(json=_homes(n, f"t{n}" if n < 2 else None)) for n in range(3)))
    homes = await client.list_homes(COMMUNITY, max_results=2)
    assert len(homes) == 6
    assert client.listing_limits("homes").longest_walk == 3
    assert client.listing_limits("endpoints").page_limit == client.walk_limits.max_pages
