"""Home Occupancy API: read and change who has access to a home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import validation
from .const import LATEST_OCCUPANCY
from .http import ApiCore, path
from .models.common import req_str
from .models.occupancy import HomeOccupancy, LinkedApplication, OccupancyState

_HOMES = "/enterprise/residential/v1/homes"


class OccupancyApi(ApiCore):
    """Operations on home occupancies."""

    async def get_occupancy(self, home_id: str, occupancy_id: str) -> HomeOccupancy:
        """Return one occupancy of a home. `GET .../homes/{id}/occupancies/{occupancyId}`."""
        validation.unit_id(home_id, "id")
        if occupancy_id != LATEST_OCCUPANCY:
            validation.opaque_id(occupancy_id, "occupancyId")
        response = await self._request("GET", _HOMES + path(home_id, "occupancies", occupancy_id))
        return HomeOccupancy.from_api(response.json_object("get occupancy"))

    async def get_latest_occupancy(self, home_id: str) -> HomeOccupancy:
        """Return the latest occupancy of a home. `GET .../homes/{id}/occupancies/~latest`."""
        return await self.get_occupancy(home_id, LATEST_OCCUPANCY)

    async def set_occupancy(
        self,
        home_id: str,
        state: OccupancyState | str,
        linked_applications: Sequence[LinkedApplication] = (),
    ) -> str:
        """Request an occupancy state change (move in, move out, unlink); return the occupancyId.

        `POST .../homes/{id}/occupancies` with `{"state", "linkedApplications"}`. The change
        is asynchronous (202): `requested_state` shows it until it completes. After a move
        in, `HomeOccupancy.resident_link_url` is the URL to give the resident.
        """
        validation.unit_id(home_id, "id")
        body: dict[str, Any] = {"state": validation.occupancy_state(state)}
        if linked_applications:
            body["linkedApplications"] = [
                validation.linked_application(app, f"linkedApplications[{i}]")
                for i, app in enumerate(linked_applications)
            ]
        response = await self._request("POST", _HOMES + path(home_id, "occupancies"), body=body)
        return req_str(response.json_object("set occupancy"), "occupancyId", "set occupancy")
