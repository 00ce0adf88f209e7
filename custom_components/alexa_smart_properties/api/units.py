"""Units API: names of the organization's child units (rooms, homes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from . import validation
from .exceptions import AspInvalidResponseError
from .http import ApiCore, path
from .models.common import next_token
from .models.units import Unit
from .pagination import Page

_UNITS = "/v2/units"


class UnitsApi(ApiCore):
    """Reads of units."""

    def iter_units(self, parent_id: str) -> AsyncIterator[Unit]:
        """Iterate over the child units of a unit, typically the organization (all pages).

        `GET /v2/units?parentId=...&expand=all[&nextToken=...]`.
        """
        params = [("parentId", validation.unit_id(parent_id, "parentId")), ("expand", "all")]

        async def fetch(token: str | None) -> Page[Unit]:
            query = [*params, ("nextToken", token)] if token else params
            response = await self._request("GET", _UNITS, params=query)
            data = response.json_object("list units")
            # Undocumented shape: accept the endpoint-style "results" or a "units" list.
            items = data.get("results", data.get("units"))
            if not isinstance(items, list):
                raise AspInvalidResponseError(
                    "list units: missing results list", request_id=response.request_id
                )
            return Page(tuple(Unit.from_api(i) for i in items), next_token(data))

        return self._paginate(fetch)

    async def list_units(self, parent_id: str) -> list[Unit]:
        """Return all child units of a unit."""
        return [unit async for unit in self.iter_units(parent_id)]

    async def get_unit(self, unit_id: str) -> Unit:
        """Return one unit. `GET /v2/units/{id}`."""
        validation.unit_id(unit_id, "id")
        response = await self._request("GET", _UNITS + path(unit_id))
        return Unit.from_api(response.json_object("get unit"))
