"""Home and Community API: home communities and homes (US and CA only)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from . import validation
from .const import HOME_COMMUNITIES_PAGE, HOMES_PAGE
from .exceptions import AspInvalidResponseError
from .http import ApiCore, ApiResponse, QueryParams, path
from .models.homes import Home, HomeCommunity
from .pagination import PageFetcher, PageHints, collect_pages

_BASE = "/enterprise/residential/v1"
_COMMUNITIES = f"{_BASE}/homeCommunities"
_HOMES = f"{_BASE}/homes"


def created_id(response: ApiResponse, what: str) -> str:
    """Return the ID of a created resource: the body's `id`, else the Location's last segment."""
    data = response.data
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
        return str(data["id"])
    if response.location:
        return response.location.strip().strip('"').rstrip("/").rsplit("/", 1)[-1]
    raise AspInvalidResponseError(
        f"{what}: the response has neither an id nor a Location", request_id=response.request_id
    )


class HomesApi(ApiCore):
    """Operations on home communities and homes."""

    # --- home communities ---

    async def create_home_community(self, organization_id: str, name: str) -> str:
        """Create a home community; return its ID.

        `POST /enterprise/residential/v1/homeCommunities` with `{"name", "organizationId"}`.
        """
        body = {
            "name": validation.name(name),
            "organizationId": validation.unit_id(organization_id, "organizationId"),
        }
        response = await self._request("POST", _COMMUNITIES, body=body)
        return created_id(response, "create home community")

    async def get_home_community(self, home_community_id: str) -> HomeCommunity:
        """Return a home community. `GET .../homeCommunities/{id}`."""
        validation.unit_id(home_community_id, "id")
        response = await self._request("GET", _COMMUNITIES + path(home_community_id))
        return HomeCommunity.from_api(response.json_object("get home community"))

    def iter_home_communities(
        self, organization_id: str, *, max_results: int = HOME_COMMUNITIES_PAGE[1]
    ) -> AsyncIterator[HomeCommunity]:
        """Iterate over the home communities of an organization (all pages).

        `GET .../homeCommunities?organizationId=...&maxResults=...&nextToken=...`;
        `max_results` is the page size, 1 to 10.
        """
        return self._paginate(self._community_pages(organization_id, max_results))

    def _community_pages(
        self, organization_id: str, max_results: int
    ) -> PageFetcher[HomeCommunity]:
        params: QueryParams = [
            ("organizationId", validation.unit_id(organization_id, "organizationId")),
            ("maxResults", str(validation.max_results(max_results, HOME_COMMUNITIES_PAGE))),
        ]

        return self._listing_pages(
            _COMMUNITIES,
            params,
            items_key="homeCommunities",
            parse=HomeCommunity.from_api,
            what="list home communities",
        )

    async def list_home_communities(
        self,
        organization_id: str,
        *,
        max_results: int = HOME_COMMUNITIES_PAGE[1],
        hints: PageHints | None = None,
        concurrency: int | asyncio.Semaphore = 1,
    ) -> list[HomeCommunity]:
        """Return all home communities of an organization.

        With `hints` kept from the last call, up to `concurrency` pages are requested at
        once (see `collect_pages`).
        """
        fetch = self._community_pages(organization_id, max_results)
        return await collect_pages(
            fetch, hints, concurrency=concurrency, limits=self.listing_limits("home_communities")
        )

    async def update_home_community(
        self, home_community_id: str, *, organization_id: str, name: str
    ) -> None:
        """Rename a home community. `PUT .../homeCommunities/{id}` with id, organizationId, name."""
        body = {
            "id": validation.unit_id(home_community_id, "id"),
            "organizationId": validation.unit_id(organization_id, "organizationId"),
            "name": validation.name(name),
        }
        await self._request("PUT", _COMMUNITIES + path(home_community_id), body=body)

    async def delete_home_community(self, home_community_id: str) -> None:
        """Delete a home community. `DELETE .../homeCommunities/{id}`."""
        validation.unit_id(home_community_id, "id")
        await self._request("DELETE", _COMMUNITIES + path(home_community_id))

    # --- homes ---

    async def create_home(self, home_community_id: str, name: str) -> str:
        """Create a (vacant) home in a community; return its ID (a unit ID).

        `POST /enterprise/residential/v1/homes` with `{"name", "homeCommunityId"}`.
        """
        body = {
            "name": validation.name(name),
            "homeCommunityId": validation.unit_id(home_community_id, "homeCommunityId"),
        }
        response = await self._request("POST", _HOMES, body=body)
        return created_id(response, "create home")

    async def get_home(self, home_id: str) -> Home:
        """Return a home. `GET .../homes/{id}`."""
        validation.unit_id(home_id, "id")
        response = await self._request("GET", _HOMES + path(home_id))
        return Home.from_api(response.json_object("get home"))

    def iter_homes(
        self, home_community_id: str, *, max_results: int = HOMES_PAGE[1]
    ) -> AsyncIterator[Home]:
        """Iterate over the homes of a community (all pages).

        `GET .../homes?homeCommunityId=...&maxResults=...&nextToken=...`; page size 1 to 10.
        """
        return self._paginate(self._home_pages(home_community_id, max_results))

    def _home_pages(self, home_community_id: str, max_results: int) -> PageFetcher[Home]:
        params: QueryParams = [
            ("homeCommunityId", validation.unit_id(home_community_id, "homeCommunityId")),
            ("maxResults", str(validation.max_results(max_results, HOMES_PAGE))),
        ]

        return self._listing_pages(
            _HOMES, params, items_key="homes", parse=Home.from_api, what="list homes"
        )

    async def list_homes(
        self,
        home_community_id: str,
        *,
        max_results: int = HOMES_PAGE[1],
        hints: PageHints | None = None,
        concurrency: int | asyncio.Semaphore = 1,
    ) -> list[Home]:
        """Return all homes of a community.

        With `hints` kept from the last call, up to `concurrency` pages are requested at
        once (see `collect_pages`).
        """
        fetch = self._home_pages(home_community_id, max_results)
        return await collect_pages(
            fetch, hints, concurrency=concurrency, limits=self.listing_limits("homes")
        )

    async def update_home(self, home_id: str, *, home_community_id: str, name: str) -> None:
        """Rename a home. `PUT .../homes/{id}` with id, homeCommunityId, name."""
        body = {
            "id": validation.unit_id(home_id, "id"),
            "homeCommunityId": validation.unit_id(home_community_id, "homeCommunityId"),
            "name": validation.name(name),
        }
        await self._request("PUT", _HOMES + path(home_id), body=body)

    async def delete_home(self, home_id: str) -> None:
        """Delete a home. `DELETE .../homes/{id}`."""
        validation.unit_id(home_id, "id")
        await self._request("DELETE", _HOMES + path(home_id))
