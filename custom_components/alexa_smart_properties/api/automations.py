"""Automation API: automation templates and the automations made from them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from . import validation
from .const import AUTOMATION_TEMPLATES_PAGE, AUTOMATIONS_PAGE
from .exceptions import AspValidationError
from .http import ApiCore, QueryParams, path
from .models.automations import AssociatedEntityType, Automation, AutomationTemplate
from .models.common import req_str

_TEMPLATES = "/v2/automations/templates"
_AUTOMATIONS = "/v2/automations"


def _friendly_name(text: str) -> dict[str, Any]:
    # The Automation page's examples send the name without the NameValue "type".
    return {"value": {"text": validation.automation_friendly_name(text)}}


def _data(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise AspValidationError(f"{field}: must be an object", field=field)
    return dict(value)


class AutomationsApi(ApiCore):
    """Operations on automation templates and automations."""

    # --- templates ---

    async def create_automation_template(
        self,
        *,
        trigger: Mapping[str, Any],
        operations: Mapping[str, Any],
        data_definition: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
    ) -> str:
        """Create an automation template; return its templateId.

        `POST /v2/automations/templates` with `{"template": {"trigger", "operations"},
        "dataDefinition", "friendlyName": {"value": {"text"}}}`. `operations` holds one of
        `serial`, `parallel` or `operation`; values may be `${data.<param>...}` placeholders
        defined by `data_definition` (JSON Schemas).
        """
        body: dict[str, Any] = {
            "template": {
                "trigger": validation.trigger(trigger),
                "operations": validation.operations(operations),
            }
        }
        if data_definition is not None:
            body["dataDefinition"] = validation.data_definition(data_definition)
        if friendly_name is not None:
            body["friendlyName"] = _friendly_name(friendly_name)
        response = await self._request("POST", _TEMPLATES, body=body)
        return req_str(
            response.json_object("create automation template"),
            "templateId",
            "create automation template",
        )

    async def get_automation_template(self, template_id: str) -> AutomationTemplate:
        """Return a template. `GET /v2/automations/templates/{templateId}`."""
        validation.template_id(template_id)
        response = await self._request("GET", _TEMPLATES + path(template_id))
        return AutomationTemplate.from_api(response.json_object("get automation template"))

    def iter_automation_templates(
        self, *, expand: bool = True, max_results: int = AUTOMATION_TEMPLATES_PAGE[1]
    ) -> AsyncIterator[AutomationTemplate]:
        """Iterate over the caller's templates (all pages).

        `GET /v2/automations/templates?expand=all&maxResults=...&nextToken=...`; without
        `expand` only IDs come back. Page size 1 to 100.
        """
        params: QueryParams = [
            *([("expand", "all")] if expand else []),
            ("maxResults", str(validation.max_results(max_results, AUTOMATION_TEMPLATES_PAGE))),
        ]

        return self._paginate(
            self._listing_pages(
                _TEMPLATES,
                params,
                items_key="results",
                parse=AutomationTemplate.from_api,
                what="list automation templates",
            )
        )

    async def list_automation_templates(
        self, *, expand: bool = True, max_results: int = AUTOMATION_TEMPLATES_PAGE[1]
    ) -> list[AutomationTemplate]:
        """Return all of the caller's templates."""
        return [
            t async for t in self.iter_automation_templates(expand=expand, max_results=max_results)
        ]

    async def delete_automation_template(self, template_id: str) -> None:
        """Delete a template (refused with 400 while automations use it).

        `DELETE /v2/automations/templates/{templateId}`.
        """
        validation.template_id(template_id)
        await self._request("DELETE", _TEMPLATES + path(template_id))

    # --- automations ---

    async def create_automation(
        self,
        unit_id: str,
        template_id: str,
        *,
        data: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
    ) -> str:
        """Create an automation from a template for a unit; return its automationId.

        `POST /v2/automations` with `{"associatedEntity": {"type": "UNIT", "id"},
        "automation": {"templateId", "data"}, "friendlyName": {"value": {"text"}}}`.
        """
        automation: dict[str, Any] = {"templateId": validation.template_id(template_id)}
        if data is not None:
            automation["data"] = _data(data, "automation.data")
        body: dict[str, Any] = {
            "associatedEntity": {
                "type": str(AssociatedEntityType.UNIT),
                "id": validation.unit_id(unit_id, "associatedEntity.id"),
            },
            "automation": automation,
        }
        if friendly_name is not None:
            body["friendlyName"] = _friendly_name(friendly_name)
        response = await self._request("POST", _AUTOMATIONS, body=body)
        return req_str(
            response.json_object("create automation"), "automationId", "create automation"
        )

    async def get_automation(self, automation_id: str) -> Automation:
        """Return an automation with its resolved trigger and operations.

        `GET /v2/automations/{automationId}`.
        """
        validation.automation_id(automation_id)
        response = await self._request("GET", _AUTOMATIONS + path(automation_id))
        return Automation.from_api(response.json_object("get automation"))

    def iter_automations(
        self,
        unit_id: str,
        *,
        template_id: str | None = None,
        expand: bool = True,
        max_results: int = AUTOMATIONS_PAGE[1],
    ) -> AsyncIterator[Automation]:
        """Iterate over the automations of a unit (all pages).

        `GET /v2/automations?associatedEntity.type=UNIT&associatedEntity.id=...
        [&templateId=...]&maxResults=...&nextToken=...&expand=all`. Page size 1 to 100.
        """
        params: list[tuple[str, str]] = [
            ("associatedEntity.type", str(AssociatedEntityType.UNIT)),
            ("associatedEntity.id", validation.unit_id(unit_id, "associatedEntity.id")),
        ]
        if template_id is not None:
            params.append(("templateId", validation.template_id(template_id)))
        params.append(("maxResults", str(validation.max_results(max_results, AUTOMATIONS_PAGE))))
        if expand:
            params.append(("expand", "all"))

        return self._paginate(
            self._listing_pages(
                _AUTOMATIONS,
                params,
                items_key="results",
                parse=Automation.from_api,
                what="list automations",
            )
        )

    async def list_automations(
        self,
        unit_id: str,
        *,
        template_id: str | None = None,
        expand: bool = True,
        max_results: int = AUTOMATIONS_PAGE[1],
    ) -> list[Automation]:
        """Return all automations of a unit."""
        return [
            a
            async for a in self.iter_automations(
                unit_id, template_id=template_id, expand=expand, max_results=max_results
            )
        ]

    async def update_automation(self, automation_id: str, data: Mapping[str, Any]) -> None:
        """Replace an automation's data (the only updatable part).

        `PUT /v2/automations/{automationId}` with `{"automation": {"data": ...}}`.
        """
        validation.automation_id(automation_id)
        body = {"automation": {"data": _data(data, "automation.data")}}
        await self._request("PUT", _AUTOMATIONS + path(automation_id), body=body)

    async def delete_automation(self, automation_id: str) -> None:
        """Delete an automation. `DELETE /v2/automations/{automationId}`."""
        validation.automation_id(automation_id)
        await self._request("DELETE", _AUTOMATIONS + path(automation_id))
