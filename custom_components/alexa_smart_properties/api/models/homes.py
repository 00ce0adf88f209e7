"""Models of the Home and Community API."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import JsonObject, as_object, req_str


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeCommunity:
    """A home community (a residential property grouping homes)."""

    id: str
    name: str
    organization_id: str
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> HomeCommunity:
        """Parse a home community object."""
        obj = as_object(data, "HomeCommunity")
        return cls(
            id=req_str(obj, "id", "HomeCommunity"),
            name=req_str(obj, "name", "HomeCommunity"),
            organization_id=req_str(obj, "organizationId", "HomeCommunity"),
            raw=obj,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Home:
    """A home in a home community; its ID is a unit ID."""

    id: str
    name: str
    home_community_id: str
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> Home:
        """Parse a home object."""
        obj = as_object(data, "Home")
        return cls(
            id=req_str(obj, "id", "Home"),
            name=req_str(obj, "name", "Home"),
            home_community_id=req_str(obj, "homeCommunityId", "Home"),
            raw=obj,
        )
