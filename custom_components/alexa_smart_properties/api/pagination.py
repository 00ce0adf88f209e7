"""Async iteration over paginated listings (`paginationContext.nextToken`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from .exceptions import AspBadRequestError, AspInvalidResponseError


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a listing."""

    items: tuple[T, ...]
    next_token: str | None
    """None when this is the last page."""


type PageFetcher[T] = Callable[[str | None], Awaitable[Page[T]]]
"""Fetches the page for a token (None for the first page)."""


async def paginate[T](fetch: PageFetcher[T]) -> AsyncIterator[T]:
    """Yield every item of every page, following `nextToken` until it is missing.

    A token the service already returned once would loop forever; it raises
    `AspInvalidResponseError` instead.
    """
    seen: set[str] = set()
    token: str | None = None
    while True:
        page = await fetch(token)
        for item in page.items:
            yield item
        if page.next_token is None:
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
) -> list[T]:
    """Return every item of a listing, requesting the pages `hints` predicts at once.

    The result is what the sequential walk returns: the answer requested with a
    remembered token is used only if the page before, as received now, hands out that
    very token. From the first page that hands out another token (the listing changed),
    the remaining requests are cancelled and the walk goes on one page at a time. At
    most `concurrency` requests are in flight (a semaphore: as many as it lets through,
    shared with whoever else holds it); `hints` is updated with this walk's tokens.
    """
    semaphore = (
        concurrency
        if isinstance(concurrency, asyncio.Semaphore)
        else asyncio.Semaphore(concurrency)
    )
    predicted: list[str | None] = []
    if hints is not None and hints.reusable and concurrency != 1:
        predicted = [None, *hints.tokens]

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
        while not done:  # the rest, one page at a time
            page = await bounded(token)
            items.extend(page.items)
            if page.next_token is None:
                done = True
            else:
                _extend_chain(chain, page.next_token)
                token = page.next_token
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if hints is not None:
        hints.tokens = chain
    return items


def _extend_chain(chain: list[str], token: str) -> None:
    if token in chain:
        raise AspInvalidResponseError(
            "The service repeated a pagination token; stopping to avoid a loop"
        )
    chain.append(token)
