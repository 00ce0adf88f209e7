"""Automation actions: templates (create, list, delete) and automations made from them.

A template is given as YAML (or a mapping): its trigger and operation types must be ones
the Automation page lists, its operation tree within the page's limits (fewer than 150
nodes, fewer than 90 under a parallel node), and every `${data...}` placeholder defined
by its dataDefinition, whose entries must be valid JSON Schemas. Automation data is
checked against the template's dataDefinition with `jsonschema` before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.util.yaml import parse_yaml
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import validator_for

from .api import (
    AspValidationError,
    Automation,
    AutomationTemplate,
    OperationType,
    TriggerType,
)
from .api import validation as checks
from .audit import AuditTarget, audit_target
from .const import DOMAIN
from .service_targets import async_resolve_action, resolve_units
from .services_common import (
    ATTR_AUTOMATION_ID,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DATA,
    ATTR_DATA_DEFINITION,
    ATTR_NAME,
    ATTR_TEMPLATE,
    ATTR_TEMPLATE_ID,
    ATTR_UNIT_ID,
    TARGET_FIELDS,
    Action,
    async_audit_bulk,
    async_each_unit,
    async_refresh_units,
    invalid_input,
    listing_response,
    outcome_error,
    refused,
    target_names,
    unit_json,
)

SERVICE_CREATE_TEMPLATE: Final = "create_automation_template"
SERVICE_LIST_TEMPLATES: Final = "list_automation_templates"
SERVICE_DELETE_TEMPLATE: Final = "delete_automation_template"
SERVICE_CREATE_AUTOMATION: Final = "create_automation"
SERVICE_UPDATE_AUTOMATION: Final = "update_automation"
SERVICE_DELETE_AUTOMATION: Final = "delete_automation"
SERVICE_LIST_AUTOMATIONS: Final = "list_automations"

PLACEHOLDER: Final = re.compile(r"\$\{data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}")

_MAPPING_OR_YAML: Final = vol.Any(dict, cv.string)
ENTRY_FIELD: Final = {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
UNITS_TARGET: Final = {
    **ENTRY_FIELD,
    **TARGET_FIELDS,
    vol.Optional(ATTR_UNIT_ID): vol.All(cv.ensure_list, [cv.string]),
}

CREATE_TEMPLATE_SCHEMA: Final = vol.Schema(
    {
        **ENTRY_FIELD,
        vol.Required(ATTR_TEMPLATE): _MAPPING_OR_YAML,
        vol.Optional(ATTR_DATA_DEFINITION): _MAPPING_OR_YAML,
        vol.Optional(ATTR_NAME): cv.string,
    }
)
LIST_TEMPLATES_SCHEMA: Final = vol.Schema(ENTRY_FIELD)
DELETE_TEMPLATE_SCHEMA: Final = vol.Schema(
    {**ENTRY_FIELD, vol.Required(ATTR_TEMPLATE_ID): cv.string}
)
CREATE_AUTOMATION_SCHEMA: Final = vol.Schema(
    {
        **UNITS_TARGET,
        vol.Required(ATTR_TEMPLATE_ID): cv.string,
        vol.Optional(ATTR_DATA): _MAPPING_OR_YAML,
        vol.Optional(ATTR_NAME): cv.string,
    }
)
UPDATE_AUTOMATION_SCHEMA: Final = vol.Schema(
    {
        **ENTRY_FIELD,
        vol.Required(ATTR_AUTOMATION_ID): cv.string,
        vol.Required(ATTR_DATA): _MAPPING_OR_YAML,
    }
)
DELETE_AUTOMATION_SCHEMA: Final = vol.Schema(
    {**ENTRY_FIELD, vol.Required(ATTR_AUTOMATION_ID): cv.string}
)
LIST_AUTOMATIONS_SCHEMA: Final = vol.Schema(
    {**UNITS_TARGET, vol.Optional(ATTR_TEMPLATE_ID): cv.string}
)


# --- checks ---------------------------------------------------------------------------------


def _mapping(call: ServiceCall, field: str) -> dict[str, Any] | None:
    """Return a mapping field, parsing it first when it came as YAML text."""
    value = call.data.get(field)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = parse_yaml(value)
        except HomeAssistantError as err:
            raise refused("invalid_yaml", field=field, error=str(err)) from err
    if not isinstance(value, Mapping):
        raise refused("invalid_yaml", field=field, error="not a mapping")
    return dict(value)


def _checked(value: str, check: Callable[[str, str], str], field: str) -> str:
    try:
        return str(check(value, field))
    except AspValidationError as err:
        raise invalid_input(err) from err


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def placeholders(value: Any) -> set[str]:
    """Return the `${data...}` paths a template's trigger and operations use."""
    return {match for text in _strings(value) for match in PLACEHOLDER.findall(text)}


def _operation_types(node: Mapping[str, Any]) -> Iterator[Any]:
    """Yield the type of every operation of an operation tree (already checked for shape)."""
    if "operation" in node:
        yield node["operation"].get("type")
        return
    for child in node.get("serial") or node.get("parallel") or []:
        yield from _operation_types(child)


def check_template(
    template: dict[str, Any], definition: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check a template as the Automation page describes it; return trigger and operations."""
    if "trigger" not in template and isinstance(template.get("template"), Mapping):
        template = dict(template["template"])  # the API's own body, pasted whole
    trigger, operations = template.get("trigger"), template.get("operations")

    def invalid(error: str) -> HomeAssistantError:
        return refused("template_invalid", error=error)

    try:
        checked_trigger = checks.trigger(trigger)
        checked_operations = checks.operations(operations)
    except AspValidationError as err:
        raise invalid(str(err)) from err
    if checked_trigger["type"] not in set(TriggerType):
        raise invalid(f"trigger.type {checked_trigger['type']} is not an ASP trigger type")
    for op_type in _operation_types(checked_operations):
        if op_type not in set(OperationType):
            raise invalid(f"operation type {op_type} is not an ASP operation type")
    try:
        checks.data_definition(definition or {})
    except AspValidationError as err:
        raise invalid(str(err)) from err
    for path in sorted(placeholders([checked_trigger, checked_operations])):
        if path.split(".", 1)[0] not in (definition or {}):
            raise invalid(f"${{data.{path}}} is not defined by the dataDefinition")
    return checked_trigger, checked_operations


def check_data(template: AutomationTemplate, data: dict[str, Any]) -> None:
    """Check automation data against the template's dataDefinition before sending it."""
    definition = template.data_definition or {}

    def invalid(error: str) -> HomeAssistantError:
        return refused("automation_data_invalid", error=error)

    for key, value in data.items():
        schema = definition.get(key)
        if not isinstance(schema, Mapping):
            raise invalid(f"data.{key} is not defined by the template")
        validator = validator_for(schema)
        try:
            validator.check_schema(dict(schema))
            validator(dict(schema)).validate(value)
        except ValidationError as err:
            where = "".join(f".{part}" for part in err.absolute_path)
            raise invalid(f"data.{key}{where}: {err.message}") from err
        except SchemaError as err:
            raise invalid(f"the template's dataDefinition.{key} is broken: {err.message}") from err
    for path in sorted(placeholders(template.raw.get("template"))):
        found: Any = data
        for part in path.split("."):
            if not isinstance(found, Mapping) or part not in found:
                raise invalid(f"${{data.{path}}} has no value")
            found = found[part]


def _template_json(template: AutomationTemplate) -> dict[str, Any]:
    return {
        "template_id": template.template_id,
        "name": template.friendly_name,
        "trigger_type": str(template.trigger.type) if template.trigger else None,
        "data_definition": template.data_definition,
        "template": template.raw.get("template"),
    }


def _automation_json(automation: Automation) -> dict[str, Any]:
    return {
        "automation_id": automation.automation_id,
        "name": automation.friendly_name,
        "template_id": automation.template_id,
        "trigger_type": str(automation.trigger.type) if automation.trigger else None,
    }


# --- templates ------------------------------------------------------------------------------


async def async_create_template(call: ServiceCall) -> ServiceResponse:
    """Create an automation template; return its ID."""
    action = async_resolve_action(call.hass, call)
    template = _mapping(call, ATTR_TEMPLATE)
    assert template is not None
    definition = _mapping(call, ATTR_DATA_DEFINITION)
    if definition is None and isinstance(template.get("dataDefinition"), Mapping):
        definition = dict(template["dataDefinition"])
    name: str | None = call.data.get(ATTR_NAME)
    if name is not None:
        _checked(name, checks.automation_friendly_name, ATTR_NAME)
    trigger, operations = check_template(template, definition)
    template_id = await action.async_send(
        lambda: action.client.create_automation_template(
            trigger=trigger, operations=operations, data_definition=definition, friendly_name=name
        ),
        [],
        {"name": name, "trigger_type": trigger["type"]},
        result_details=lambda template_id: {"template_id": template_id},
    )
    return {"template_id": template_id, "name": name}


async def async_list_templates(call: ServiceCall) -> ServiceResponse:
    """Return the organization's automation templates."""
    action = async_resolve_action(call.hass, call)
    templates = await action.async_read(action.client.list_automation_templates)
    return {"templates": [_template_json(template) for template in templates]}


async def async_delete_template(call: ServiceCall) -> ServiceResponse:
    """Delete an automation template (Amazon refuses while automations use it)."""
    action = async_resolve_action(call.hass, call)
    template_id = _checked(call.data[ATTR_TEMPLATE_ID], checks.template_id, ATTR_TEMPLATE_ID)
    await action.async_send(
        lambda: action.client.delete_automation_template(template_id),
        [AuditTarget(template_id)],
        {"template_id": template_id},
    )
    return None


# --- automations ----------------------------------------------------------------------------


async def async_create_automation(call: ServiceCall) -> ServiceResponse:
    """Create an automation from a template in homes or units; return their IDs."""
    action = async_resolve_action(call.hass, call)
    template_id = _checked(call.data[ATTR_TEMPLATE_ID], checks.template_id, ATTR_TEMPLATE_ID)
    name: str | None = call.data.get(ATTR_NAME)
    if name is not None:
        _checked(name, checks.automation_friendly_name, ATTR_NAME)
    data = _mapping(call, ATTR_DATA) or {}
    targets = resolve_units(action, ATTR_UNIT_ID, what="home or unit")
    template = await action.async_read(lambda: action.client.get_automation_template(template_id))
    check_data(template, data)
    keys = [("automation", target.id, template_id) for target in targets]
    with action.one_change_at_a_time(keys, target_names(targets)):
        outcomes = await async_each_unit(
            action,
            targets,
            lambda unit_id: action.client.create_automation(
                unit_id, template_id, data=data, friendly_name=name
            ),
        )
    await async_audit_bulk(
        action,
        outcomes,
        {
            "template_id": template_id,
            "name": name or template.friendly_name,
            "automation_ids": [o.result for o in outcomes if o.ok],
        },
    )
    succeeded = [o.target.id for o in outcomes if o.ok]
    await async_refresh_units(action, succeeded, automations=True)
    return {
        "template_id": template_id,
        "succeeded": len(succeeded),
        "failed": len(outcomes) - len(succeeded),
        "units": [
            unit_json(o.target)
            | ({"automation_id": o.result} if o.ok else outcome_error(action, o))
            for o in outcomes
        ],
    }


def _automation_targets(
    action: Action, automation_id: str, unit_id: str | None
) -> list[AuditTarget]:
    """Return the automation and, when known, its home (so its logbook shows the change)."""
    inventory = action.runtime.inventory.data
    name = next(
        (
            automation.friendly_name
            for automations in inventory.automations.values()
            for automation in automations
            if automation.automation_id == automation_id
        ),
        None,
    )
    targets = [AuditTarget(automation_id, name)]
    if unit_id is not None:
        home = inventory.homes.get(unit_id)
        targets.append(
            audit_target(action.hass, action.entry, unit_id, home.name if home else None)
        )
    return targets


def _known_unit_of(action: Action, automation_id: str) -> str | None:
    """Return the home of an automation the inventory lists; refuse one it does not.

    The inventory reads the automations of every home; a non-residential organization's
    units are not read, so there an automation is taken as Amazon knows it.
    """
    for unit_id, automations in action.runtime.inventory.data.automations.items():
        if any(a.automation_id == automation_id for a in automations):
            return unit_id
    if action.runtime.inventory.residential:
        raise refused("unknown_id", id=automation_id, what="automation", entry=action.entry.title)
    return None


async def async_update_automation(call: ServiceCall) -> ServiceResponse:
    """Replace an automation's data after checking it against its template."""
    action = async_resolve_action(call.hass, call)
    automation_id = _checked(
        call.data[ATTR_AUTOMATION_ID], checks.automation_id, ATTR_AUTOMATION_ID
    )
    data = _mapping(call, ATTR_DATA) or {}
    _known_unit_of(action, automation_id)
    automation = await action.async_read(lambda: action.client.get_automation(automation_id))
    template_id = automation.template_id
    if template_id is None:
        raise refused("automation_data_invalid", error="the automation names no template")
    template = await action.async_read(lambda: action.client.get_automation_template(template_id))
    check_data(template, data)
    await action.async_send(
        lambda: action.client.update_automation(automation_id, data),
        _automation_targets(action, automation_id, automation.unit_id),
        {"automation_id": automation_id, "template_id": template_id},
    )
    if automation.unit_id is not None:
        await async_refresh_units(action, [automation.unit_id], automations=True)
    return None


async def async_delete_automation(call: ServiceCall) -> ServiceResponse:
    """Delete an automation."""
    action = async_resolve_action(call.hass, call)
    automation_id = _checked(
        call.data[ATTR_AUTOMATION_ID], checks.automation_id, ATTR_AUTOMATION_ID
    )
    unit_id = _known_unit_of(action, automation_id)
    await action.async_send(
        lambda: action.client.delete_automation(automation_id),
        _automation_targets(action, automation_id, unit_id),
        {"automation_id": automation_id},
    )
    if unit_id is not None:
        await async_refresh_units(action, [unit_id], automations=True)
    return None


async def async_list_automations(call: ServiceCall) -> ServiceResponse:
    """Return the automations of homes or units, read from Amazon now."""
    action = async_resolve_action(call.hass, call)
    template_id: str | None = call.data.get(ATTR_TEMPLATE_ID)
    if template_id is not None:
        _checked(template_id, checks.template_id, ATTR_TEMPLATE_ID)
    targets = resolve_units(action, ATTR_UNIT_ID, what="home or unit")
    outcomes = await async_each_unit(
        action,
        targets,
        lambda unit_id: action.client.list_automations(unit_id, template_id=template_id),
    )
    return listing_response(action, outcomes, "automations", _automation_json)


def async_setup_automation_services(hass: HomeAssistant) -> None:
    """Register the automation actions."""
    for name, handler, schema, response in (
        (SERVICE_CREATE_TEMPLATE, async_create_template, CREATE_TEMPLATE_SCHEMA, "optional"),
        (SERVICE_LIST_TEMPLATES, async_list_templates, LIST_TEMPLATES_SCHEMA, "only"),
        (SERVICE_DELETE_TEMPLATE, async_delete_template, DELETE_TEMPLATE_SCHEMA, "none"),
        (SERVICE_CREATE_AUTOMATION, async_create_automation, CREATE_AUTOMATION_SCHEMA, "optional"),
        (SERVICE_UPDATE_AUTOMATION, async_update_automation, UPDATE_AUTOMATION_SCHEMA, "none"),
        (SERVICE_DELETE_AUTOMATION, async_delete_automation, DELETE_AUTOMATION_SCHEMA, "none"),
        (SERVICE_LIST_AUTOMATIONS, async_list_automations, LIST_AUTOMATIONS_SCHEMA, "only"),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse(response)
        )
