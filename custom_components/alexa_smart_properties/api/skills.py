"""Skill Management API: skill enablements per unit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from . import validation
from .const import SKILL_ENABLEMENTS_PAGE
from .http import ApiCore, QueryParams, path
from .models.common import AccountLinkRequest, SkillStage
from .models.skills import (
    BatchEnablementItem,
    BatchEnablementResult,
    SkillEnablement,
    parse_batch_errors,
)

_SKILLS = "/v1/skills"


class SkillsApi(ApiCore):
    """Operations on skill enablements."""

    async def get_skill_enablement(self, skill_id: str, unit_id: str) -> SkillEnablement:
        """Return the enablement of a skill for a unit.

        `GET /v1/skills/{skillId}/enablements?unitId=...`.
        """
        validation.skill_id(skill_id)
        params = [("unitId", validation.unit_id(unit_id))]
        response = await self._request(
            "GET", _SKILLS + path(skill_id, "enablements"), params=params
        )
        return SkillEnablement.from_api(response.json_object("get skill enablement"))

    def iter_skill_enablements(
        self, unit_id: str, *, max_results: int = SKILL_ENABLEMENTS_PAGE[1]
    ) -> AsyncIterator[SkillEnablement]:
        """Iterate over the skill enablements of a unit (all pages).

        `GET /v1/skills/enablements?unitId=...&maxResults=...&nextToken=...`; page size 1-10.
        """
        params: QueryParams = [
            ("unitId", validation.unit_id(unit_id)),
            ("maxResults", str(validation.max_results(max_results, SKILL_ENABLEMENTS_PAGE))),
        ]

        return self._paginate(
            self._listing_pages(
                f"{_SKILLS}/enablements",
                params,
                items_key="items",
                parse=SkillEnablement.from_api,
                what="list skill enablements",
            )
        )

    async def list_skill_enablements(
        self, unit_id: str, *, max_results: int = SKILL_ENABLEMENTS_PAGE[1]
    ) -> list[SkillEnablement]:
        """Return all skill enablements of a unit."""
        return [e async for e in self.iter_skill_enablements(unit_id, max_results=max_results)]

    async def enable_skill(
        self,
        skill_id: str,
        unit_id: str,
        stage: SkillStage | str = SkillStage.LIVE,
        *,
        partition_name: str | None = None,
        account_link_request: AccountLinkRequest | None = None,
    ) -> SkillEnablement:
        """Enable a skill for a unit (stage development or live); return the enablement.

        `POST /v1/skills/{skillId}/enablements` with `{"unitId", "stage", "partitionName",
        "accountLinkRequest"}` (the last two only when given).
        """
        validation.skill_id(skill_id)
        body: dict[str, Any] = {
            "unitId": validation.unit_id(unit_id),
            "stage": validation.stage(stage, validation.ENABLE_STAGES),
        }
        if partition_name is not None:
            body["partitionName"] = validation.partition_name(partition_name)
        if account_link_request is not None:
            body["accountLinkRequest"] = validation.account_link_request(account_link_request)
        response = await self._request("POST", _SKILLS + path(skill_id, "enablements"), body=body)
        return SkillEnablement.from_api(response.json_object("enable skill"))

    async def disable_skill(
        self, skill_id: str, unit_id: str, *, stage: SkillStage | str | None = None
    ) -> None:
        """Disable a skill for a unit.

        `DELETE /v1/skills/{skillId}/enablements?unitId=...[&stage=...]`.
        """
        validation.skill_id(skill_id)
        params = [("unitId", validation.unit_id(unit_id))]
        if stage is not None:
            params.append(("stage", validation.stage(stage)))
        await self._request("DELETE", _SKILLS + path(skill_id, "enablements"), params=params)

    async def batch_enable_skill(
        self, skill_id: str, items: Sequence[BatchEnablementItem]
    ) -> BatchEnablementResult:
        """Enable a skill for several units in one request.

        `POST /v1/skills/{skillId}/enablements/batch` with `{"items": [...]}`; item IDs must
        be unique. Per-item failures the service reports with its 202 are in
        `result.errors`; when the whole request fails the raised `AspError` carries them in
        `item_errors`.
        """
        validation.skill_id(skill_id)
        body = {"items": validation.batch_items(items)}
        response = await self._request(
            "POST", _SKILLS + path(skill_id, "enablements", "batch"), body=body
        )
        return BatchEnablementResult(
            item_ids=tuple(item.item_id for item in items),
            errors=parse_batch_errors(response.data),
        )
