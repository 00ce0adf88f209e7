"""Skill actions: enable or disable a skill in homes or units, list their enablements.

Targets are homes or units; a home community's device stands for all of its homes, so
"enable this skill in every home of Maple Court" is one call. More than one unit goes
through the batch call, in chunks of at most `BATCH_LIMIT` items with item IDs unique
across the whole action; the response lists each unit's outcome, per-item errors included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv

from .api import (
    AccountLinkRequest,
    AspAuthenticationError,
    AspError,
    AspValidationError,
    BatchEnablementItem,
    BatchItemError,
    SkillEnablement,
    error_class_for,
)
from .api import validation as checks
from .audit import AuditTarget
from .const import DOMAIN
from .refusals import RefusedWithOthersError
from .service_targets import async_resolve_action, resolve_units
from .services_common import (
    ATTR_AUTH_CODE,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_PARTITION_NAME,
    ATTR_REDIRECT_URI,
    ATTR_SKILL_ID,
    ATTR_STAGE,
    ATTR_UNIT_ID,
    STAGES,
    TARGET_FIELDS,
    Action,
    UnitOutcome,
    async_audit_bulk,
    async_each_unit,
    async_refresh_units,
    error_fields,
    invalid_input,
    listing_response,
    outcome_error,
    target_names,
    unit_json,
)

SERVICE_ENABLE_SKILL: Final = "enable_skill"
SERVICE_DISABLE_SKILL: Final = "disable_skill"
SERVICE_LIST_SKILL_ENABLEMENTS: Final = "list_skill_enablements"

BATCH_LIMIT: Final = 100
"""Items per batch request. The skills page only says a request may exceed "the limit";
100 is the limit the simulator enforces, and a safe size for Amazon's."""

UNITS_TARGET: Final = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    **TARGET_FIELDS,
    vol.Optional(ATTR_UNIT_ID): vol.All(cv.ensure_list, [cv.string]),
}

ENABLE_SCHEMA: Final = vol.Schema(
    {
        **UNITS_TARGET,
        vol.Required(ATTR_SKILL_ID): cv.string,
        vol.Optional(ATTR_STAGE, default="live"): vol.In(STAGES),
        vol.Optional(ATTR_PARTITION_NAME): cv.string,
        vol.Inclusive(ATTR_REDIRECT_URI, "account_link"): cv.string,
        vol.Inclusive(ATTR_AUTH_CODE, "account_link"): cv.string,
    }
)
DISABLE_SCHEMA: Final = vol.Schema(
    {
        **UNITS_TARGET,
        vol.Required(ATTR_SKILL_ID): cv.string,
        vol.Optional(ATTR_STAGE): vol.In(STAGES),
    }
)
LIST_SCHEMA: Final = vol.Schema(UNITS_TARGET)


def _check[T](check: Callable[..., T], *args: Any) -> T:
    try:
        return check(*args)
    except AspValidationError as err:
        raise invalid_input(err) from err


def _enablement(enablement: SkillEnablement) -> dict[str, Any]:
    return {
        "skill_id": enablement.skill_id,
        "stage": str(enablement.stage) if enablement.stage else None,
        "status": str(enablement.status).lower(),
        "account_link_status": (
            str(enablement.account_link_status).lower() if enablement.account_link_status else None
        ),
    }


def _skill_keys(targets: list[AuditTarget], skill_id: str) -> list[tuple[str, ...]]:
    """Return what enabling or disabling a skill changes: the skill in each unit."""
    return [("skill", target.id, skill_id) for target in targets]


# --- enable ------------------------------------------------------------------------------


def _chunks[T](items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _item_error(error: BatchItemError, request_error: AspError | None) -> AspError:
    """Return one item's failure as the error its status stands for."""
    kind = error_class_for(error.status) if error.status else AspError
    return kind(
        error.error_description or "",
        status=error.status,
        request_id=request_error.request_id if request_error else None,
        code=error.error_code,
        detail=error.error_description,
    )


def _batch_item_outcomes(
    action: Action,
    chunk: Sequence[BatchEnablementItem],
    targets: dict[int, AuditTarget],
    errors: Sequence[BatchItemError],
    request_error: AspError | None,
) -> tuple[list[dict[str, Any]], list[UnitOutcome[None]]]:
    """Return each unit's outcome of one batch request: for the response, for the audit."""
    by_item = {error.item_id: error for error in errors if error.item_id is not None}
    results: list[dict[str, Any]] = []
    outcomes: list[UnitOutcome[None]] = []
    for item in chunk:
        target = targets[item.item_id]
        result = unit_json(target)
        failure: AspError | None = None
        if (error := by_item.get(item.item_id)) is not None:
            failure = _item_error(error, request_error)
            code = error.error_code
        elif request_error is not None:
            # Refused as a whole: because of other items (it says which), or for all.
            failure = (
                RefusedWithOthersError(
                    request_error.message,
                    status=request_error.status,
                    request_id=request_error.request_id,
                )
                if by_item
                else request_error
            )
            code = request_error.code or request_error.error_type
        if failure is not None:
            result |= error_fields(action, failure, target) | {"error_code": code}
        else:
            result["status"] = "accepted"
        results.append(result)
        outcomes.append(UnitOutcome(target, error=failure))
    return results, outcomes


async def _async_enable_batch(
    action: Action,
    skill_id: str,
    targets: list[AuditTarget],
    stage: str,
    partition_name: str | None,
    link: AccountLinkRequest | None,
) -> tuple[list[dict[str, Any]], list[UnitOutcome[None]], int]:
    """Enable a skill in many units through the batch call, chunk by chunk."""
    by_item = dict(enumerate(targets))
    items = [
        BatchEnablementItem(
            item_id=item_id,
            unit_id=target.id,
            stage=stage,
            partition_name=partition_name,
            account_link_request=link,
        )
        for item_id, target in by_item.items()
    ]
    chunks = _chunks(items, BATCH_LIMIT)
    for chunk in chunks:  # every chunk checked before the first is sent
        _check(checks.batch_items, chunk)
    results: list[dict[str, Any]] = []
    outcomes: list[UnitOutcome[None]] = []
    for chunk in chunks:
        errors: Sequence[BatchItemError] = ()
        request_error: AspError | None = None
        try:
            result = await action.client.batch_enable_skill(skill_id, chunk)
        except AspAuthenticationError as err:
            raise action.error(err) from err
        except AspError as err:
            errors, request_error = err.item_errors, err
        else:
            errors = result.errors
        chunk_results, chunk_outcomes = _batch_item_outcomes(
            action, chunk, by_item, errors, request_error
        )
        results.extend(chunk_results)
        outcomes.extend(chunk_outcomes)
    return results, outcomes, len(chunks)


async def async_enable_skill(call: ServiceCall) -> ServiceResponse:
    """Enable a skill in homes or units; return each unit's outcome."""
    action = async_resolve_action(call.hass, call)
    skill_id = _check(checks.skill_id, call.data[ATTR_SKILL_ID], ATTR_SKILL_ID)
    stage: str = call.data[ATTR_STAGE]
    partition_name: str | None = call.data.get(ATTR_PARTITION_NAME)
    if partition_name is not None:
        _check(checks.partition_name, partition_name, ATTR_PARTITION_NAME)
    link = (
        AccountLinkRequest(
            redirect_uri=call.data[ATTR_REDIRECT_URI], auth_code=call.data[ATTR_AUTH_CODE]
        )
        if ATTR_REDIRECT_URI in call.data
        else None
    )
    if link is not None:
        _check(checks.account_link_request, link)
    targets = resolve_units(action, ATTR_UNIT_ID, what="home or unit")
    details = {"skill_id": skill_id, "stage": stage}
    with action.one_change_at_a_time(_skill_keys(targets, skill_id), target_names(targets)):
        if len(targets) == 1 and stage in checks.ENABLE_STAGES:
            target = targets[0]
            enablement = await action.async_send(
                lambda: action.client.enable_skill(
                    skill_id,
                    target.id,
                    stage,
                    partition_name=partition_name,
                    account_link_request=link,
                ),
                targets,
                details,
            )
            results = [unit_json(target) | {"status": str(enablement.status).lower()}]
            batches = 0
            succeeded = [target.id]
        else:
            results, outcomes, batches = await _async_enable_batch(
                action, skill_id, targets, stage, partition_name, link
            )
            await async_audit_bulk(action, outcomes, details | {"batch_requests": batches})
            succeeded = [o.target.id for o in outcomes if o.ok]
    await async_refresh_units(action, succeeded, skills=True)
    return {
        "skill_id": skill_id,
        "stage": stage,
        "batch_requests": batches,
        "succeeded": len(succeeded),
        "failed": len(results) - len(succeeded),
        "units": list[Any](results),
    }


# --- disable and list ------------------------------------------------------------------------


async def async_disable_skill(call: ServiceCall) -> ServiceResponse:
    """Disable a skill in homes or units; return each unit's outcome."""
    action = async_resolve_action(call.hass, call)
    skill_id = _check(checks.skill_id, call.data[ATTR_SKILL_ID], ATTR_SKILL_ID)
    stage: str | None = call.data.get(ATTR_STAGE)
    targets = resolve_units(action, ATTR_UNIT_ID, what="home or unit")
    with action.one_change_at_a_time(_skill_keys(targets, skill_id), target_names(targets)):
        outcomes = await async_each_unit(
            action,
            targets,
            lambda unit_id: action.client.disable_skill(skill_id, unit_id, stage=stage),
        )
    await async_audit_bulk(action, outcomes, {"skill_id": skill_id, "stage": stage})
    succeeded = [o.target.id for o in outcomes if o.ok]
    await async_refresh_units(action, succeeded, skills=True)
    return {
        "skill_id": skill_id,
        "succeeded": len(succeeded),
        "failed": len(outcomes) - len(succeeded),
        "units": [
            unit_json(o.target) | ({"status": "disabled"} if o.ok else outcome_error(action, o))
            for o in outcomes
        ],
    }


async def async_list_skill_enablements(call: ServiceCall) -> ServiceResponse:
    """Return the skill enablements of homes or units, read from Amazon now."""
    action = async_resolve_action(call.hass, call)
    targets = resolve_units(action, ATTR_UNIT_ID, what="home or unit")
    outcomes = await async_each_unit(action, targets, action.client.list_skill_enablements)
    return listing_response(action, outcomes, "enablements", _enablement)


def async_setup_skill_services(hass: HomeAssistant) -> None:
    """Register the skill actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_ENABLE_SKILL,
        async_enable_skill,
        schema=ENABLE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_DISABLE_SKILL,
        async_disable_skill,
        schema=DISABLE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_SKILL_ENABLEMENTS,
        async_list_skill_enablements,
        schema=LIST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
