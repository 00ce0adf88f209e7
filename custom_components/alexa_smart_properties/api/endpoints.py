"""Endpoints API: list, find, query, re-associate, rename and remove devices."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from . import validation
from .const import DEFAULT_UNIT, ENDPOINT_QUERY_PAGE, ENDPOINTS_PAGE, OWNER_CALLER
from .http import ApiCore, QueryParams, path
from .models.common import JsonObject, next_token, req_list
from .models.endpoints import (
    EXPAND_WITH_STATE,
    Endpoint,
    EndpointAssociation,
    ExpandValue,
    QueryField,
)
from .page_memo import PageMemo
from .pagination import Page, PageFetcher, PageHints, collect_pages

_ENDPOINTS = "/v2/endpoints"

type Expand = Iterable[ExpandValue | str] | None
"""`expand` values: `all` and/or `feature:<name>`; None for none."""


# --- endpointQuery builders -------------------------------------------------------------


def match(field: QueryField | str, value: str) -> dict[str, Any]:
    """Return a `match` clause: endpoints whose `field` equals `value` exactly."""
    return {"match": {str(field): value}}


def all_of(*clauses: Mapping[str, Any]) -> dict[str, Any]:
    """Return an `and` group of clauses (each a `match` or a nested group)."""
    return {"and": list(clauses)}


def any_of(*clauses: Mapping[str, Any]) -> dict[str, Any]:
    """Return an `or` group of clauses (each a `match` or a nested group)."""
    return {"or": list(clauses)}


def _expand_params(expand: Expand) -> list[tuple[str, str]]:
    return [("expand", value) for value in validation.expand(expand)]


class EndpointsApi(ApiCore):
    """Operations on endpoints (devices)."""

    def _endpoint_pages(
        self,
        params: QueryParams,
        what: str,
        previous: Mapping[str, Endpoint] | None = None,
        memo: PageMemo[Endpoint] | None = None,
    ) -> PageFetcher[Endpoint]:
        def parse(item: object) -> Endpoint:
            before = None
            if previous and isinstance(item, dict) and isinstance(item.get("id"), str):
                before = previous.get(item["id"])
            return Endpoint.from_api(item, before)

        def page_of(data: JsonObject) -> Page[Endpoint]:
            items = req_list(data, "results", what)
            return Page(tuple(parse(i) for i in items), next_token(data))

        async def fetch(token: str | None) -> Page[Endpoint]:
            query = [*params, ("nextToken", token)] if token else params
            if memo is None:
                response = await self._request("GET", _ENDPOINTS, params=query)
                return page_of(response.json_object(what))
            response = await self._request("GET", _ENDPOINTS, params=query, decode=False)
            comparable, page = memo.recall(token, response.body)
            if page is None:
                page = page_of(response.decoded().json_object(what))
                memo.keep(token, comparable, page)
            return page

        return fetch

    def _iter_endpoint_listing(self, params: QueryParams, what: str) -> AsyncIterator[Endpoint]:
        return self._paginate(self._endpoint_pages(params, what))

    def iter_endpoints_by_owner(
        self, *, expand: Expand = None, max_results: int = ENDPOINTS_PAGE[1]
    ) -> AsyncIterator[Endpoint]:
        """Iterate over the endpoints registered to the caller's account (all pages).

        `GET /v2/endpoints?owner=~caller&expand=...&maxResults=...&nextToken=...`;
        page size 1 to 50.
        """
        params = [
            ("owner", OWNER_CALLER),
            *_expand_params(expand),
            ("maxResults", str(validation.max_results(max_results, ENDPOINTS_PAGE))),
        ]
        return self._iter_endpoint_listing(params, "get endpoints by owner")

    async def list_endpoints_by_owner(
        self, *, expand: Expand = None, max_results: int = ENDPOINTS_PAGE[1]
    ) -> list[Endpoint]:
        """Return the endpoints registered to the caller's account."""
        return [
            e async for e in self.iter_endpoints_by_owner(expand=expand, max_results=max_results)
        ]

    async def list_all_endpoints(
        self,
        *,
        expand: Expand = EXPAND_WITH_STATE,
        hints: PageHints | None = None,
        concurrency: int | asyncio.Semaphore = 1,
        previous: Mapping[str, Endpoint] | None = None,
        memo: PageMemo[Endpoint] | None = None,
    ) -> list[Endpoint]:
        """Return every endpoint of the account with features inline, in few requests.

        `GET /v2/endpoints?owner=~caller&expand=all&expand=feature:connectivity&...
        &maxResults=50` (every feature named, see `EXPAND_WITH_STATE`), paginated: E endpoints
        take ceil(E/50) requests (at least one), whatever the number of units. Pass the
        same `hints` on every call and a `concurrency` above 1 to request the pages the
        previous listing had all at once (see `collect_pages`): as long as the listing
        is unchanged, the same requests in ceil(pages / concurrency) round trips.
        `previous` (the endpoints of the last call, by ID) saves parsing again those that
        did not change (see `Endpoint.from_api`), and `memo` (the same one on every call)
        saves decoding at all the pages that came back the same but for sample times.
        """
        params = [
            ("owner", OWNER_CALLER),
            *_expand_params(expand),
            ("maxResults", str(ENDPOINTS_PAGE[1])),
        ]
        fetch = self._endpoint_pages(params, "get endpoints by owner", previous, memo)
        try:
            endpoints = await collect_pages(
                fetch, hints, concurrency=concurrency, limits=self.listing_limits("endpoints")
            )
        except BaseException:
            if memo is not None:
                memo.walk_failed()
            raise
        if memo is not None:
            memo.walk_done()
        return endpoints

    def iter_endpoints_by_unit(
        self, unit_id: str, *, expand: Expand = None, max_results: int = ENDPOINTS_PAGE[1]
    ) -> AsyncIterator[Endpoint]:
        """Iterate over the endpoints of a unit (all pages).

        `GET /v2/endpoints?associatedUnits.id=...&expand=...&maxResults=...&nextToken=...`;
        `unit_id` may be `~caller.defaultUnitId` (devices not in any room).
        """
        params = [
            ("associatedUnits.id", validation.unit_id(unit_id, allow_default=True)),
            *_expand_params(expand),
            ("maxResults", str(validation.max_results(max_results, ENDPOINTS_PAGE))),
        ]
        return self._iter_endpoint_listing(params, "get endpoints by unit")

    async def list_endpoints_by_unit(
        self, unit_id: str, *, expand: Expand = None, max_results: int = ENDPOINTS_PAGE[1]
    ) -> list[Endpoint]:
        """Return the endpoints of a unit."""
        return [
            e
            async for e in self.iter_endpoints_by_unit(
                unit_id, expand=expand, max_results=max_results
            )
        ]

    async def get_endpoint(self, endpoint_id: str, *, expand: Expand = None) -> Endpoint:
        """Return one endpoint. `GET /v2/endpoints/{endpointId}?expand=...`."""
        validation.endpoint_id(endpoint_id)
        response = await self._request(
            "GET", _ENDPOINTS + path(endpoint_id), params=_expand_params(expand)
        )
        return Endpoint.from_api(response.json_object("get endpoint"))

    async def get_endpoints_by_serial_number(
        self, serial_number: str, *, expand: Expand = None
    ) -> list[Endpoint]:
        """Return the endpoints with a serial number (usually one).

        `GET /v2/endpoints?serialNumber.value.text=...&expand=...`.
        """
        params = [
            ("serialNumber.value.text", validation.serial_number(serial_number)),
            *_expand_params(expand),
        ]
        return [e async for e in self._iter_endpoint_listing(params, "get endpoint by serial")]

    def iter_query_endpoints(
        self,
        query: Mapping[str, Any],
        *,
        expand: Expand = None,
        max_results: int = ENDPOINT_QUERY_PAGE[1],
    ) -> AsyncIterator[Endpoint]:
        """Iterate over the endpoints matching an advanced query (all pages).

        `POST /v2/endpointQuery` with `{"query", "expand", "paginationContext":
        {"maxResults", "nextToken"}}`; page size 1 to 10. Build `query` with `match`,
        `all_of` and `any_of`, e.g. `all_of(any_of(match(UNIT_ID, a), match(UNIT_ID, b)),
        match(MANUFACTURER, "Amazon"))`.
        """
        checked_query = validation.endpoint_query(query)
        expand_values = validation.expand(expand)
        page_size = validation.max_results(max_results, ENDPOINT_QUERY_PAGE)

        async def fetch(token: str | None) -> Page[Endpoint]:
            context: dict[str, Any] = {"maxResults": page_size}
            if token:
                context["nextToken"] = token
            body: dict[str, Any] = {"query": checked_query}
            if expand_values:
                body["expand"] = expand_values
            body["paginationContext"] = context
            response = await self._request("POST", "/v2/endpointQuery", body=body)
            data: JsonObject = response.json_object("query endpoints")
            items = req_list(data, "results", "query endpoints")
            return Page(tuple(Endpoint.from_api(i) for i in items), next_token(data))

        return self._paginate(fetch)

    async def query_endpoints(
        self,
        query: Mapping[str, Any],
        *,
        expand: Expand = None,
        max_results: int = ENDPOINT_QUERY_PAGE[1],
    ) -> list[Endpoint]:
        """Return the endpoints matching an advanced query."""
        return [
            e
            async for e in self.iter_query_endpoints(query, expand=expand, max_results=max_results)
        ]

    async def update_associated_units(self, endpoint_id: str, unit_id: str) -> EndpointAssociation:
        """Move an endpoint to a unit (`~caller.defaultUnitId` returns it to the account).

        `PUT /v2/endpoints/{endpointId}/associatedUnits` with `[{"id": unitId}]`. The
        endpoint ID may change: use `EndpointAssociation.endpoint_id` from now on. The
        device reboots and its settings are cleared.
        """
        validation.endpoint_id(endpoint_id)
        body = [{"id": validation.unit_id(unit_id, allow_default=True)}]
        response = await self._request(
            "PUT", _ENDPOINTS + path(endpoint_id, "associatedUnits"), body=body
        )
        return EndpointAssociation.from_api(response.json_object("update associated units"))

    async def return_endpoint_to_account(self, endpoint_id: str) -> EndpointAssociation:
        """Disassociate an endpoint from its unit (associate it with the default unit)."""
        return await self.update_associated_units(endpoint_id, DEFAULT_UNIT)

    async def set_friendly_name(self, endpoint_id: str, friendly_name: str) -> None:
        """Rename an endpoint.

        `POST /v2/endpoints/{endpointId}/friendlyName` with
        `{"type": "PLAIN", "value": {"text": ...}}`.
        """
        validation.endpoint_id(endpoint_id)
        body = {
            "type": "PLAIN",
            "value": {"text": validation.endpoint_friendly_name(friendly_name)},
        }
        await self._request("POST", _ENDPOINTS + path(endpoint_id, "friendlyName"), body=body)

    async def deregister_endpoint(self, endpoint_id: str) -> None:
        """Deregister an endpoint from the account. `POST /v2/endpoints/{id}/deregister`."""
        validation.endpoint_id(endpoint_id)
        await self._request("POST", _ENDPOINTS + path(endpoint_id, "deregister"))

    async def forget_endpoint(self, endpoint_id: str) -> None:
        """Ask Alexa to forget an endpoint. `POST /v2/endpoints/{id}/forget`."""
        validation.endpoint_id(endpoint_id)
        await self._request("POST", _ENDPOINTS + path(endpoint_id, "forget"))

    async def delete_timers(self, endpoint_id: str) -> None:
        """Delete all timers on an endpoint. `DELETE /v1/alerts/timers?endpoint=...`."""
        params = [("endpoint", validation.endpoint_id(endpoint_id, "endpoint"))]
        await self._request("DELETE", "/v1/alerts/timers", params=params)
