"""Models of the Home Occupancy API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..const import RESIDENT_LINK_URL
from .common import (
    AccountLinkRequest,
    JsonObject,
    SkillStage,
    as_object,
    opt_enum,
    opt_list,
    opt_object,
    parse_enum,
    req_str,
)


class OccupancyState(StrEnum):
    """Occupancy state of a home."""

    VACANT = "VACANT"
    """The enterprise controls the home and its devices."""
    OCCUPIED = "OCCUPIED"
    """A resident moved in; the enterprise reads the home only, not its devices."""
    LINKED = "LINKED"
    """The resident linked an Amazon account; the devices moved to that account."""


class ApplicationType(StrEnum):
    """Type of a linked application."""

    SKILL = "SKILL"


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedApplication:
    """A skill enabled (and possibly account linked) for the resident of a home."""

    id: str
    stage: SkillStage | str
    type: ApplicationType | str = ApplicationType.SKILL
    account_link_request: AccountLinkRequest | None = None

    @classmethod
    def from_api(cls, data: object) -> LinkedApplication:
        """Parse a LinkedApplication object."""
        obj = as_object(data, "LinkedApplication")
        link = opt_object(obj, "accountLinkRequest")
        return cls(
            id=req_str(obj, "id", "LinkedApplication"),
            stage=parse_enum(SkillStage, req_str(obj, "stage", "LinkedApplication")),
            type=opt_enum(ApplicationType, obj.get("type")) or ApplicationType.SKILL,
            account_link_request=AccountLinkRequest.from_api(link) if link is not None else None,
        )

    def to_api(self) -> dict[str, Any]:
        """Return the API form."""
        body: dict[str, Any] = {"type": str(self.type), "stage": str(self.stage), "id": self.id}
        if self.account_link_request is not None:
            body["accountLinkRequest"] = self.account_link_request.to_api()
        return body


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeOccupancy:
    """A HomeOccupancy object: the current state and any change in progress."""

    occupancy_id: str
    state: OccupancyState | str
    requested_state: OccupancyState | str | None = None
    """Present only while a state change is in progress."""
    linked_applications: tuple[LinkedApplication, ...] = ()
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> HomeOccupancy:
        """Parse a HomeOccupancy object."""
        obj = as_object(data, "HomeOccupancy")
        return cls(
            occupancy_id=req_str(obj, "occupancyId", "HomeOccupancy"),
            state=parse_enum(OccupancyState, req_str(obj, "state", "HomeOccupancy")),
            requested_state=opt_enum(OccupancyState, obj.get("requestedState")),
            linked_applications=tuple(
                LinkedApplication.from_api(item) for item in opt_list(obj, "linkedApplications")
            ),
            raw=obj,
        )

    @property
    def change_pending(self) -> bool:
        """Return True while a requested state differs from the current one."""
        return self.requested_state is not None and self.requested_state != self.state

    @property
    def resident_link_url(self) -> str:
        """Return the URL a resident follows to link an Amazon account to the home."""
        return RESIDENT_LINK_URL.format(occupancy_id=self.occupancy_id)
