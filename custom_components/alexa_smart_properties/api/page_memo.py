"""Pages of a listing's last walk, reused when a page comes back the same.

Endpoints listed with their features carry a `timeOfSample` on every property, so a page
is never byte-for-byte the same twice, yet most pages of a large estate have nothing else
new from one poll to the next. Comparing a page's body with the sample times blanked out
(a C-speed regex and a byte comparison) costs a fraction of decoding it as JSON, and an
unchanged page then keeps the items parsed last time: no decoding, no parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .pagination import Page

# A property's sample time: the key, then a string without quotes or escapes (an ISO
# 8601 time). Inside a JSON string a quote is always escaped, so only real keys match.
_SAMPLE_TIME = re.compile(rb'"timeOfSample"\s*:\s*"[^"\\]*"')


def without_sample_times(body: bytes) -> bytes:
    """Return a response body with every property's sample time blanked out."""
    return _SAMPLE_TIME.sub(b"", body)


@dataclass(slots=True)
class PageMemo[T]:
    """Each page of the last walk by the token it was requested with (None: the first).

    Keep one per listing and pass it to every walk of that listing. A page is reused
    only when its body, sample times aside, is identical, next token included.
    """

    _pages: dict[str | None, tuple[bytes, Page[T]]] = field(default_factory=dict)
    _walk: dict[str | None, tuple[bytes, Page[T]]] = field(default_factory=dict)

    def recall(self, token: str | None, body: bytes) -> tuple[bytes, Page[T] | None]:
        """Return the body's comparable form and the last walk's page if it is the same."""
        comparable = without_sample_times(body)
        kept = self._pages.get(token)
        if kept is not None and kept[0] == comparable:
            self._walk[token] = kept
            return comparable, kept[1]
        return comparable, None

    def keep(self, token: str | None, comparable: bytes, page: Page[T]) -> None:
        """Remember a page this walk parsed."""
        self._walk[token] = (comparable, page)

    def walk_done(self) -> None:
        """Make this walk's pages the ones to compare with; forget the others."""
        self._pages, self._walk = self._walk, {}

    def walk_failed(self) -> None:
        """Drop what a walk that did not finish gathered; keep the last complete walk's."""
        self._walk = {}

    def __len__(self) -> int:
        """Return how many pages are remembered."""
        return len(self._pages)
