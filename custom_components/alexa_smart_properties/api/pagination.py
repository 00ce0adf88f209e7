"""Async iteration over paginated listings (`paginationContext.nextToken`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from .exceptions import AspInvalidResponseError


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
