"""Async iteration over paginated listings (`paginationContext.nextToken`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final

from .exceptions import AspBadRequestError, AspInvalidResponseError

MAX_PAGES: Final = 1_000
"""Pages a listing may take before any walk has shown the estate's size: 10,000 homes at 10
a page, 50,000 devices at 50."""
PAGE_MARGIN: Final = 10
MIN_PAGES: Final = 100
WALK_DEADLINE: Final = 900.0
"""Seconds a whole listing may take (its requests' own timeouts bound each page)."""


class AspListingTooLongError(AspInvalidResponseError):
    """A listing went on past its page limit or its deadline: the walk was abandoned."""


@dataclass(slots=True)
class WalkLimits:
    """How far one walk of a listing may go before it is abandoned as runaway.

    Until a walk has ended, a listing may take `max_pages`; after that, ten times the
    longest walk seen (at least `MIN_PAGES`): a margin no estate grows by between two
    refreshes, while a listing that hands out new tokens forever stops soon.
    """

    max_pages: int = MAX_PAGES
    deadline: float = WALK_DEADLINE
    longest_walk: int = 0
    """Pages of the longest walk that ended (0: none yet)."""

    @property
    def page_limit(self) -> int:
        """Return the pages a walk may take now."""
        if not self.longest_walk:
            return self.max_pages
        return max(MIN_PAGES, PAGE_MARGIN * self.longest_walk)


class _Walk:
    """Counts one walk's pages and time against its limits."""

    def __init__(self, limits: WalkLimits) -> None:
        self._limits = limits
        self._max_pages = limits.page_limit
        self._pages = 0
        self._ends_at = asyncio.get_running_loop().time() + limits.deadline

    def next_page(self) -> None:
        """Account for one more page, or raise when the walk has gone too far."""
        if self._pages >= self._max_pages:
            raise AspListingTooLongError(
                f"The listing had more than {self._max_pages} pages; stopped there"
            )
        if asyncio.get_running_loop().time() > self._ends_at:
            raise AspListingTooLongError(
                f"The listing took longer than {self._limits.deadline:.0f} s; stopped there"
            )
        self._pages += 1

    def ended(self) -> None:
        """Remember the walk's length once it reached the listing's end."""
        self._limits.longest_walk = max(self._limits.longest_walk, self._pages)


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a listing."""

    items: tuple[T, ...]
    next_token: str | None
    """None when this is the last page."""


type PageFetcher[T] = Callable[[str | None], Awaitable[Page[T]]]
"""Fetches the page for a token (None for the first page)."""


async def paginate[T](fetch: PageFetcher[T], limits: WalkLimits | None = None) -> AsyncIterator[T]:
    """Yield every item of every page, following `nextToken` until it is missing.

    A token the service already returned once would loop forever; it raises
    `AspInvalidResponseError` instead, and a walk past `limits` (new tokens forever)
    raises `AspListingTooLongError`.
    """
    seen: set[str] = set()
    token: str | None = None
    walk = _Walk(limits or WalkLimits())
    while True:
        walk.next_page()
        page = await fetch(token)
        for item in page.items:
            yield item
        if page.next_token is None:
            walk.ended()
            return
        if page.next_token in seen:
            raise AspInvalidResponseError(
                "The service repeated a pagination token; stopping to avoid a loop"
            )
        seen.add(page.next_token)
        token = page.next_token


@dataclass(slots=True)
class PageHints:
    """The tokens a listing handed out on its previous walk, for `collect_pages`.

    A listing is a chain: each page's token comes from the page before, so a walk of N
    pages takes N round trips. Asked again, the service answers a token it issued with
    the same page as long as the listing did not change; the remembered tokens let all
    pages be requested at once.
    """

    tokens: list[str] = field(default_factory=list)
    """The `nextToken` of every page but the last, in order."""
    reusable: bool = True
    """False once the service refused a token it had issued, or handed out a different one
    for the first page twice in a row (tokens that differ each time can't be predicted):
    walk one page at a time from then on."""
    first_page_misses: int = 0
    """Walks in a row whose very first token differed from the remembered one."""


async def collect_pages[T](
    fetch: PageFetcher[T],
    hints: PageHints | None = None,
    *,
    concurrency: int | asyncio.Semaphore = 1,
    limits: WalkLimits | None = None,
) -> list[T]:
    """Return every item of a listing, requesting the pages `hints` predicts at once.

    The result is what the sequential walk returns: the answer requested with a
    remembered token is used only if the page before, as received now, hands out that
    very token. From the first page that hands out another token (the listing changed),
    the remaining requests are cancelled and the walk goes on one page at a time. At
    most `concurrency` requests are in flight (a semaphore: as many as it lets through,
    shared with whoever else holds it); `hints` is updated with this walk's tokens. A walk
    past `limits` raises `AspListingTooLongError`.
    """
    semaphore = (
        concurrency
        if isinstance(concurrency, asyncio.Semaphore)
        else asyncio.Semaphore(concurrency)
    )
    limits = limits or WalkLimits()
    predicted: list[str | None] = []
    if hints is not None and hints.reusable and concurrency != 1:
        predicted = [None, *hints.tokens][: limits.page_limit]
    walk = _Walk(limits)

    async def bounded(token: str | None) -> Page[T]:
        async with semaphore:
            return await fetch(token)

    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(bounded(token)) for token in predicted]
    items: list[T] = []
    chain: list[str] = []
    token: str | None = None  # the token the walk needs next (None: the first page)
    done = False
    try:
        for index, predicted_token in enumerate(predicted):
            if predicted_token != token:
                # The listing changed since these tokens were handed out, or the service
                # never hands out the same token twice: then predicting only costs requests.
                if hints is not None and index == 1:
                    hints.first_page_misses += 1
                    hints.reusable = hints.first_page_misses < 2
                break
            try:
                page = await tasks[index]
            except AspBadRequestError:
                if hints is None or index == 0:
                    raise
                hints.reusable = False  # expired or single-use tokens: stop predicting
                break
            walk.next_page()
            items.extend(page.items)
            if hints is not None and index == 1:
                hints.first_page_misses = 0
            if page.next_token is None:
                done = True
                break
            _extend_chain(chain, page.next_token)
            token = page.next_token
        for task in tasks:
            task.cancel()
        if not done:  # the rest, one page at a time
            await _walk_on(bounded, token, walk, items, chain)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    walk.ended()
    if hints is not None:
        hints.tokens = chain
    return items


async def _walk_on[T](
    fetch: PageFetcher[T], token: str | None, walk: _Walk, items: list[T], chain: list[str]
) -> None:
    """Walk a listing one page at a time from `token` to its end."""
    while True:
        walk.next_page()
        page = await fetch(token)
        items.extend(page.items)
        if page.next_token is None:
            return
        _extend_chain(chain, page.next_token)
        token = page.next_token


def _extend_chain(chain: list[str], token: str) -> None:
    if token in chain:
        raise AspInvalidResponseError(
            "The service repeated a pagination token; stopping to avoid a loop"
        )
    chain.append(token)
