"""Opaque, tamper-evident page tokens and each call's documented maxResults bounds.

A token remembers the sequence number of the last item served and which listing it belongs
to; the next page starts after that item, so deletions between pages skip nothing. A token
used with a different listing, or altered, is a 400 as on the real service.
"""

import base64
import hashlib
import hmac
import json
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from .errors import bad_request


@dataclass(frozen=True, slots=True)
class Bounds:
    """Allowed and default maxResults for one call."""

    low: int
    high: int
    default: int


# From the API pages: homes, communities and skills 1-10 (default 10); endpoints 1-50
# (default 10); endpointQuery 1-10 inside paginationContext; templates and automations
# 1-100 (default 20). Units are undocumented: treated like endpoints.
HOMES = Bounds(1, 10, 10)
COMMUNITIES = Bounds(1, 10, 10)
SKILL_ENABLEMENTS = Bounds(1, 10, 10)
ENDPOINTS = Bounds(1, 50, 10)
ENDPOINT_QUERY = Bounds(1, 10, 10)
TEMPLATES = Bounds(1, 100, 20)
AUTOMATIONS = Bounds(1, 100, 20)
UNITS = Bounds(1, 50, 10)


def parse_max_results(raw: object, bounds: Bounds) -> int:
    """Validate maxResults (a query string or a JSON number) against the call's bounds."""
    if raw is None:
        return bounds.default
    value: int | None = None
    if isinstance(raw, str) and raw.strip().lstrip("+-").isdigit():
        value = int(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    if value is None or not bounds.low <= value <= bounds.high:
        raise bad_request(
            f"maxResults must be an integer between {bounds.low} and {bounds.high}.",
            kind="INVALID_PARAMETER",
        )
    return value


class Paginator:
    """Cuts listings into pages and signs the tokens that continue them."""

    def __init__(self, secret: bytes) -> None:
        """Sign tokens with a per-instance secret."""
        self._secret = secret

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self._secret, payload, hashlib.sha256).hexdigest()[:16]

    @staticmethod
    def _scope_hash(scope: str) -> str:
        return hashlib.sha256(scope.encode()).hexdigest()[:12]

    def encode(self, scope: str, last_seq: int) -> str:
        """Make a token continuing a listing after the item with last_seq."""
        query = self._scope_hash(scope)
        payload = json.dumps({"s": last_seq, "q": query}, separators=(",", ":")).encode()
        blob = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{blob}.{self._sign(payload)}"

    def decode(self, scope: str, token: str) -> int:
        """Return the last served sequence number, or raise 400 for a foreign token."""
        blob, _, signature = token.partition(".")
        try:
            payload = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
            data = json.loads(payload)
        except ValueError as err:
            raise bad_request("nextToken is invalid.", kind="INVALID_NEXT_TOKEN") from err
        if (
            not hmac.compare_digest(signature, self._sign(payload))
            or not isinstance(data, dict)
            or data.get("q") != self._scope_hash(scope)
            or not isinstance(data.get("s"), int)
        ):
            raise bad_request("nextToken is invalid.", kind="INVALID_NEXT_TOKEN")
        last_seq: int = data["s"]
        return last_seq

    def page[T](
        self,
        items: Iterable[T],
        seq_of: Callable[[T], int],
        *,
        scope: str,
        token: str | None,
        max_results: int,
        ordered: bool = False,
        where: Callable[[T], bool] | None = None,
    ) -> tuple[list[T], str | None]:
        """Return one page of items (by sequence number) and the token for the next.

        With ordered=True the items already come in sequence order (dicts the state only
        appends to) and are consumed lazily: a page costs what it shows, not the listing.
        An ordered list is entered where the token left off (a binary search), so a late
        page of a large listing does not walk the ones before it. `where` filters items.
        """
        after = self.decode(scope, token) if token else 0
        source: Iterable[T]
        if ordered and isinstance(items, list):
            source = islice(items, bisect_right(items, after, key=seq_of), None)
        else:
            source = items if ordered else sorted(items, key=seq_of)
        page: list[T] = []
        more = False
        for item in source:
            if seq_of(item) <= after or (where is not None and not where(item)):
                continue
            if len(page) == max_results:
                more = True
                break
            page.append(item)
        next_token = self.encode(scope, seq_of(page[-1])) if more and page else None
        return page, next_token
