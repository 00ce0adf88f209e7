"""Models of the Skill Management API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..exceptions import BatchItemError
from .common import (
    AccountLinkRequest,
    JsonObject,
    SkillStage,
    as_object,
    opt_enum,
    opt_list,
    opt_object,
    opt_str,
    parse_enum,
    req_str,
)


class SkillEnablementStatus(StrEnum):
    """Enablement status of a skill for a unit."""

    ENABLING = "ENABLING"
    ENABLED = "ENABLED"


class AccountLinkStatus(StrEnum):
    """Account linking status of an enabled skill."""

    LINKED = "LINKED"
    NOT_LINKED = "NOT_LINKED"


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillEnablement:
    """A skill enablement record for a unit."""

    skill_id: str
    unit_id: str
    status: SkillEnablementStatus | str
    stage: SkillStage | str | None = None
    account_link_status: AccountLinkStatus | str | None = None
    """None when the response has no accountLink (skills without account linking)."""
    skill_name: str | None = None
    """The skill's name, where the answer gives one (the documented records don't)."""
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> SkillEnablement:
        """Parse a skill enablement record."""
        obj = as_object(data, "SkillEnablement")
        skill = as_object(obj.get("skill"), "SkillEnablement.skill")
        unit = as_object(obj.get("unit"), "SkillEnablement.unit")
        link = opt_object(obj, "accountLink") or {}
        return cls(
            skill_id=req_str(skill, "id", "SkillEnablement.skill"),
            unit_id=req_str(unit, "id", "SkillEnablement.unit"),
            status=parse_enum(SkillEnablementStatus, req_str(obj, "status", "SkillEnablement")),
            stage=opt_enum(SkillStage, skill.get("stage")),
            account_link_status=opt_enum(AccountLinkStatus, link.get("status")),
            skill_name=name if isinstance(name := skill.get("name"), str) and name else None,
            raw=obj,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchEnablementItem:
    """One unit of a batch skill enablement request."""

    item_id: int
    """Identifies the item in per-item errors; unique within the request."""
    unit_id: str
    stage: SkillStage | str
    partition_name: str | None = None
    account_link_request: AccountLinkRequest | None = None

    def to_api(self) -> dict[str, Any]:
        """Return the API form."""
        body: dict[str, Any] = {
            "itemId": self.item_id,
            "unitId": self.unit_id,
            "stage": str(self.stage),
        }
        if self.partition_name is not None:
            body["partitionName"] = self.partition_name
        if self.account_link_request is not None:
            body["accountLinkRequest"] = self.account_link_request.to_api()
        return body


def parse_batch_item_error(data: object) -> BatchItemError:
    """Parse one entry of a batch `errors` list.

    Tolerates the `erorrCode` misspelling of Amazon's own example and string item IDs.
    """
    obj = as_object(data, "BatchItemError")
    raw_item = obj.get("itemId")
    item_id: int | str | None
    if isinstance(raw_item, int) and not isinstance(raw_item, bool):
        item_id = raw_item
    elif isinstance(raw_item, str):
        item_id = int(raw_item) if raw_item.strip().lstrip("-").isdigit() else raw_item
    else:
        item_id = None
    status = obj.get("status")
    return BatchItemError(
        item_id=item_id,
        status=status if isinstance(status, int) and not isinstance(status, bool) else None,
        error_code=opt_str(obj, "errorCode") or opt_str(obj, "erorrCode"),
        error_description=opt_str(obj, "errorDescription"),
    )


def parse_batch_errors(data: object) -> tuple[BatchItemError, ...]:
    """Parse the `errors` list of a batch response body (empty when there is none)."""
    if not isinstance(data, dict):
        return ()
    return tuple(parse_batch_item_error(item) for item in opt_list(data, "errors"))


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchEnablementResult:
    """Outcome of a batch enablement the service accepted (202)."""

    item_ids: tuple[int, ...]
    """The items that were sent."""
    errors: tuple[BatchItemError, ...] = ()
    """Per-item errors the service reported, if any."""

    @property
    def failed_item_ids(self) -> frozenset[int | str]:
        """Return the IDs of the items that failed."""
        return frozenset(e.item_id for e in self.errors if e.item_id is not None)

    @property
    def accepted_item_ids(self) -> tuple[int, ...]:
        """Return the IDs of the items without an error."""
        failed = self.failed_item_ids
        return tuple(i for i in self.item_ids if i not in failed)
