"""collect_pages: a listing's pages fetched at once from the tokens of its previous walk."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from custom_components.alexa_smart_properties.api import (
    AspBadRequestError,
    AspInvalidResponseError,
    AspServerError,
    Page,
    PageHints,
    collect_pages,
)


class Listing:
    """A listing whose tokens name the last item served, like Amazon's and the simulator's."""

    def __init__(self, items: list[int], page_size: int = 3, delay: float = 0.01) -> None:
        self.items = items
        self.page_size = page_size
        self.delay = delay
        self.requests: list[str | None] = []
        self.in_flight = 0
        self.peak = 0
        self.refuse: set[str] = set()
        self.fail: set[str | None] = set()

    async def fetch(self, token: str | None) -> Page[int]:
        self.requests.append(token)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if token in self.refuse:
                raise AspBadRequestError("nextToken is invalid", status=400)
            if token in self.fail:
                raise AspServerError("boom", status=500)
            after = int(token) if token else -1
            rest = [item for item in self.items if item > after]
            page = rest[: self.page_size]
            more = len(rest) > self.page_size
            return Page(tuple(page), str(page[-1]) if more and page else None)
        finally:
            self.in_flight -= 1

    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.page_size))


async def test_without_hints_walks_one_page_at_a_time_and_learns_the_tokens() -> None:
    listing = Listing(list(range(10)))
    hints = PageHints()
    assert await collect_pages(listing.fetch, hints, concurrency=4) == list(range(10))
    assert listing.requests == [None, "2", "5", "8"]
    assert listing.peak == 1
    assert hints.tokens == ["2", "5", "8"]


async def test_remembered_tokens_fetch_every_page_at_once() -> None:
    listing = Listing(list(range(30)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    listing.requests.clear()
    listing.peak = 0
    assert await collect_pages(listing.fetch, hints, concurrency=4) == list(range(30))
    assert len(listing.requests) == listing.pages() == 10, "no request more than a walk"
    assert listing.peak == 4, "as many in flight as allowed, no more"


async def test_a_shared_semaphore_bounds_all_its_holders() -> None:
    first, second = Listing(list(range(30))), Listing(list(range(30)))
    hints = [PageHints(), PageHints()]
    for listing, hint in zip((first, second), hints, strict=True):
        await collect_pages(listing.fetch, hint, concurrency=8)
    slots = asyncio.Semaphore(3)
    in_flight = 0
    peak = 0

    def counting(listing: Listing) -> Callable[[str | None], Awaitable[Page[int]]]:
        async def fetch(token: str | None) -> Page[int]:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await listing.fetch(token)
            finally:
                in_flight -= 1

        return fetch

    results = await asyncio.gather(
        collect_pages(counting(first), hints[0], concurrency=slots),
        collect_pages(counting(second), hints[1], concurrency=slots),
    )
    assert list(results) == [list(range(30))] * 2
    assert peak == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda items: items.insert(7, 100), "grew in the middle"),
        (lambda items: items.remove(7), "shrank in the middle"),
        (lambda items: items.append(99), "grew at the end"),
        (lambda items: items.clear(), "emptied"),
        (lambda items: items.__delitem__(slice(3, None)), "lost its last pages"),
    ],
)
async def test_a_changed_listing_gives_what_a_walk_gives(change: object, expected: str) -> None:
    listing = Listing(list(range(20)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    change(listing.items)  # type: ignore[operator]
    listing.items.sort()
    listing.requests.clear()
    result = await collect_pages(listing.fetch, hints, concurrency=4)
    assert result == listing.items, expected
    # Never more than the old pages (some cancelled before they were sent) plus a walk.
    assert len(listing.requests) <= 7 + listing.pages()
    fresh = PageHints()
    assert await collect_pages(listing.fetch, fresh, concurrency=1) == listing.items
    assert hints.tokens == fresh.tokens, "the next refresh predicts the changed listing"


async def test_a_refused_token_falls_back_to_walking_for_good() -> None:
    listing = Listing(list(range(12)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    listing.refuse = {hints.tokens[1]}
    listing.requests.clear()
    with pytest.raises(AspBadRequestError):
        # The walk reaches the same token again: the service refuses it there too.
        await collect_pages(listing.fetch, hints, concurrency=4)
    assert not hints.reusable
    listing.refuse = set()
    listing.requests.clear()
    assert await collect_pages(listing.fetch, hints, concurrency=4) == list(range(12))
    assert listing.requests == [None, "2", "5", "8"], "no more predictions"


async def test_a_refused_speculative_token_only_costs_that_request() -> None:
    listing = Listing(list(range(12)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    stale = PageHints(tokens=["2", "stale", "8"])
    listing.refuse = {"stale"}
    # The walk needs "5" after page "2", not "stale": that answer is never used.
    assert await collect_pages(listing.fetch, stale, concurrency=4) == list(range(12))
    assert stale.reusable
    assert stale.tokens == ["2", "5", "8"]


async def test_a_failed_page_fails_the_walk_and_leaves_nothing_running() -> None:
    listing = Listing(list(range(30)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    listing.fail = {hints.tokens[2]}
    with pytest.raises(AspServerError):
        await collect_pages(listing.fetch, hints, concurrency=4)
    await asyncio.sleep(0)
    assert listing.in_flight == 0
    assert hints.tokens == ["2", "5", "8", "11", "14", "17", "20", "23", "26"], "kept"


async def test_a_repeated_token_stops_the_walk() -> None:
    async def loop(token: str | None) -> Page[int]:
        return Page((1,), "same")

    with pytest.raises(AspInvalidResponseError):
        await collect_pages(loop, PageHints(), concurrency=4)


async def test_tokens_that_differ_every_time_stop_the_predictions() -> None:
    """A service whose tokens are never the same twice: predicting only wastes requests."""
    walks = [0]

    async def fetch(token: str | None) -> Page[int]:
        await asyncio.sleep(0.001)
        page = 0 if token is None else int(token.split(":")[1])
        more = page < 4
        return Page((page,), f"{walks[0]}:{page + 1}" if more else None)

    hints = PageHints()
    for walk in range(4):
        walks[0] = walk
        assert await collect_pages(fetch, hints, concurrency=4) == [0, 1, 2, 3, 4]
    assert not hints.reusable
    assert hints.first_page_misses == 2


async def test_a_changed_first_page_once_keeps_predicting() -> None:
    listing = Listing(list(range(20)))
    hints = PageHints()
    await collect_pages(listing.fetch, hints, concurrency=4)
    listing.items.remove(1)  # the first page changes
    await collect_pages(listing.fetch, hints, concurrency=4)
    assert hints.reusable
    assert hints.first_page_misses == 1
    listing.requests.clear()
    assert await collect_pages(listing.fetch, hints, concurrency=4) == listing.items
    assert hints.first_page_misses == 0
    assert listing.peak > 1
