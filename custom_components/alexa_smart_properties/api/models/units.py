"""Models of the units API (rooms, homes and the organization are all units)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import JsonObject, as_object, name_text, opt_str, req_str


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """A unit: an organization, a hotel or senior living room, or a home.

    Only `id` and `name` are documented (in Amazon's notes, not the five pages), so
    everything else stays in `raw`.
    """

    id: str
    name: str | None = None
    parent_id: str | None = None
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> Unit:
        """Parse a unit object; the name is a NameValue."""
        obj = as_object(data, "Unit")
        parent = obj.get("parent")
        parent_id = opt_str(obj, "parentId")
        if parent_id is None and isinstance(parent, dict):
            parent_id = opt_str(parent, "id")
        return cls(
            id=req_str(obj, "id", "Unit"),
            name=name_text(obj.get("name")),
            parent_id=parent_id,
            raw=obj,
        )
