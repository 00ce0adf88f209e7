"""What every action shares: field names, translated errors, send-and-audit, refreshes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

import probatio as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_AREA_ID, ATTR_ENTITY_ID, ATTR_FLOOR_ID, ATTR_LABEL_ID
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util.hass_dict import HassKey

from .api import (
    AspAuthenticationError,
    AspClient,
    AspConnectionError,
    AspError,
    AspValidationError,
    HomeOccupancy,
)
from .audit import (
    ATTR_ACTION,
    ATTR_DETAILS,
    ATTR_OUTCOME,
    ATTR_TARGETS,
    AuditTarget,
    Outcome,
    async_record,
)
from .const import DOMAIN, LOGGER
from .coordinator import gather_bounded, read_latest_occupancy
from .data import AspConfigEntry, AspRuntimeData
from .logbook import describe, names_of
from .refusals import RefusedWithOthersError, refusal
from .service_pick import Picked

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_HOME_ID: Final = "home_id"
ATTR_UNIT_ID: Final = "unit_id"
ATTR_COMMUNITY_ID: Final = "community_id"
ATTR_ENDPOINT_ID: Final = "endpoint_id"
ATTR_HOME_DEVICE_ID: Final = "home_device_id"
ATTR_NAME: Final = "name"
ATTR_SKILL_ID: Final = "skill_id"
ATTR_STAGE: Final = "stage"
ATTR_PARTITION_NAME: Final = "partition_name"
ATTR_REDIRECT_URI: Final = "redirect_uri"
ATTR_AUTH_CODE: Final = "auth_code"
ATTR_LINKED_APPLICATIONS: Final = "linked_applications"
ATTR_TEMPLATE: Final = "template"
ATTR_TEMPLATE_ID: Final = "template_id"
ATTR_DATA_DEFINITION: Final = "data_definition"
ATTR_AUTOMATION_ID: Final = "automation_id"
ATTR_DATA: Final = "data"

STAGES: Final = ("development", "certification", "live")

_IDS: Final = vol.All(cv.ensure_list, [cv.string])
TARGET_FIELDS: Final = {
    # What the target selector sends; `device_id` is also the field scripts used before.
    vol.Optional(ATTR_DEVICE_ID): _IDS,
    vol.Optional(ATTR_ENTITY_ID): cv.comp_entity_ids,
    vol.Optional(ATTR_AREA_ID): _IDS,
    vol.Optional(ATTR_FLOOR_ID): _IDS,
    vol.Optional(ATTR_LABEL_ID): _IDS,
}


def refused(key: str, **placeholders: object) -> ServiceValidationError:
    """Return the translated error of an action refused before anything was sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def invalid_input(err: AspValidationError) -> ServiceValidationError:
    """Return the translated error for input the client refused before sending."""
    return refused("invalid_input", error=str(err))


def service_error(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    action: str,
    err: AspError,
    *,
    targets: Iterable[AuditTarget] = (),
    skill_id: str | None = None,
) -> HomeAssistantError:
    """Return the translated error an action raises for an API failure.

    A plain sentence per cause (`refusals.py`); input the client refused before sending
    is invalid input.
    """
    if isinstance(err, AspValidationError):
        return invalid_input(err)
    names = {target.id: target.name or target.id for target in targets}
    return refusal(hass, entry, action, err, targets=names, skill_id=skill_id)


# The changes under way, by what they change: ("home", home_id), ("skill", unit, skill)...
_CHANGES_UNDER_WAY: Final[HassKey[set[tuple[str, ...]]]] = HassKey(f"{DOMAIN}_changes_under_way")


def describe_change(
    action: str, targets: Iterable[AuditTarget], details: Mapping[str, Any] | None
) -> str:
    """Return what a change was (as the logbook says it), for an error about it."""
    return describe(
        {
            ATTR_ACTION: action,
            ATTR_TARGETS: [target.as_dict() for target in targets],
            ATTR_OUTCOME: str(Outcome.SUCCESS),
            ATTR_DETAILS: dict(details or {}),
        }
    )


def target_names(targets: Iterable[AuditTarget]) -> str:
    """Return the targets' names for a message ("A, B, C and 7 more")."""
    return names_of([target.as_dict() for target in targets])


@dataclass(slots=True)
class Action:
    """One call of an action, resolved to its config entry.

    The entry's runtime data is taken when the action starts, before its first await: an
    unload or reload while a request is in flight leaves the action what it began with.
    """

    hass: HomeAssistant
    call: ServiceCall
    entry: AspConfigEntry
    picked: Picked = field(default_factory=Picked)
    """The devices the call's target stands for (`service_pick.async_picked`)."""
    runtime: AspRuntimeData = field(init=False)

    def __post_init__(self) -> None:
        """Take the entry's client and coordinators (the entry is loaded here)."""
        self.runtime = self.entry.runtime_data

    @property
    def name(self) -> str:
        """Return the action's name (the service)."""
        return self.call.service

    @property
    def client(self) -> AspClient:
        """Return the entry's API client."""
        return self.runtime.client

    @property
    def entry_gone(self) -> bool:
        """Return True when the entry was unloaded or reloaded since the action started."""
        return (
            self.entry.state is not ConfigEntryState.LOADED
            or getattr(self.entry, "runtime_data", None) is not self.runtime
        )

    def error(self, err: AspError, targets: Iterable[AuditTarget] = ()) -> HomeAssistantError:
        """Return the translated error for an API failure of this action on its targets."""
        skill_id = self.call.data.get(ATTR_SKILL_ID)
        return service_error(
            self.hass,
            self.entry,
            self.name,
            err,
            targets=targets,
            skill_id=skill_id if isinstance(skill_id, str) else None,
        )

    def require_entry(self, change: str) -> None:
        """After a change was accepted: refuse to go on if the entry went away meanwhile."""
        if self.entry_gone:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="change_sent_entry_unloaded",
                translation_placeholders={"action": self.name, "change": change},
            )

    @contextmanager
    def one_change_at_a_time(self, keys: Iterable[tuple[str, ...]], what: str) -> Iterator[None]:
        """Hold what this action changes; refuse, sending nothing, while another call does.

        Taken before the action's first await, so two calls can't both pass their checks.
        """
        held = self.hass.data.setdefault(_CHANGES_UNDER_WAY, set())
        wanted = set(keys)
        if wanted & held:
            raise refused("change_under_way", target=what)
        held |= wanted
        try:
            yield
        finally:
            held -= wanted

    async def async_read[T](self, read: Callable[[], Awaitable[T]]) -> T:
        """Read something the action needs before it decides; map failures."""
        try:
            return await read()
        except AspError as err:
            raise self.error(err) from err

    async def async_send[T](
        self,
        send: Callable[[], Awaitable[T]],
        targets: Iterable[AuditTarget],
        details: Mapping[str, Any] | None = None,
        result_details: Callable[[T], Mapping[str, Any]] | None = None,
        *,
        settle: Callable[[], Awaitable[None]] | None = None,
    ) -> T:
        """Send a change, record it in the audit trail, and map failures.

        `result_details` adds what the answer says (a new ID) to the audit record. A write
        whose answer was lost (the connection broke or timed out after sending) may have
        been applied: it is reported as such, never retried, and `settle` (a read of what
        it changed) runs before the error is raised so the state shows what happened.
        """
        targets = list(targets)
        try:
            result = await send()
        except AspValidationError as err:
            # Refused by the client before anything was sent: nothing to audit.
            raise invalid_input(err) from err
        except AspConnectionError as err:
            await self.async_audit(targets, Outcome.UNKNOWN, error=str(err), details=details)
            if settle is not None and not self.entry_gone:
                # Read back now; if that fails too, the next poll shows what happened.
                await async_refresh_after(self.name, settle())
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="change_outcome_unknown",
                translation_placeholders={
                    "action": self.name,
                    "change": describe_change(self.name, targets, details),
                    "error": str(err),
                },
            ) from err
        except AspError as err:
            error = self.error(err, targets)
            await self.async_audit(targets, Outcome.FAILED, error=str(error), details=details)
            raise error from err
        recorded = {**(details or {}), **(result_details(result) if result_details else {})}
        await self.async_audit(targets, Outcome.SUCCESS, details=recorded)
        self.require_entry(describe_change(self.name, targets, recorded))
        return result

    async def async_audit(
        self,
        targets: Iterable[AuditTarget],
        outcome: Outcome,
        *,
        error: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Record the outcome of a change in the audit trail."""
        await async_record(
            self.hass, self.call, self.entry, targets, outcome, error=error, details=details
        )


@dataclass(frozen=True, slots=True)
class UnitOutcome[T]:
    """What one unit of a bulk action got: a result, or the API's error."""

    target: AuditTarget
    result: T | None = None
    error: AspError | None = None

    @property
    def ok(self) -> bool:
        """Return True when the unit succeeded."""
        return self.error is None


async def async_each_unit[T](
    action: Action, targets: list[AuditTarget], run: Callable[[str], Awaitable[T]]
) -> list[UnitOutcome[T]]:
    """Run an operation for every unit (a few at a time); collect each unit's outcome.

    Input the client refuses, and lost credentials, stop the whole action.
    """

    async def one(unit_id: str) -> UnitOutcome[T]:
        target = by_id[unit_id]
        try:
            return UnitOutcome(target, result=await run(unit_id))
        except AspValidationError, AspAuthenticationError:
            raise
        except AspError as err:
            return UnitOutcome(target, error=err)

    by_id = {target.id: target for target in targets}
    try:
        # The inventory's request limit: a bulk action and a refresh share it.
        outcomes = await gather_bounded(
            by_id, one, semaphore=action.runtime.inventory.request_slots
        )
    except AspValidationError as err:
        raise invalid_input(err) from err
    except AspError as err:
        raise action.error(err) from err
    return [outcomes[target.id] for target in targets]


def outcome_of(outcomes: Iterable[UnitOutcome[Any]]) -> Outcome:
    """Return the audit outcome of a bulk action."""
    oks = {outcome.ok for outcome in outcomes}
    if oks == {True}:
        return Outcome.SUCCESS
    return Outcome.PARTIAL if True in oks else Outcome.FAILED


async def async_audit_bulk(
    action: Action, outcomes: list[UnitOutcome[Any]], details: Mapping[str, Any]
) -> None:
    """Audit a bulk action; raise when no unit succeeded (one error, or a summary)."""
    outcome = outcome_of(outcomes)
    # The first unit refused for its own sake says why (not one refused with its batch).
    failing = [o for o in outcomes if not o.ok]
    first = next((o for o in failing if not isinstance(o.error, RefusedWithOthersError)), None)
    first = first or next(iter(failing), None)
    error = first.error if first is not None else None
    failed = [o.target.id for o in outcomes if not o.ok]
    said = action.error(error, [first.target]) if first is not None and error else None
    await action.async_audit(
        [o.target for o in outcomes],
        outcome,
        error=str(said) if said else None,
        details={**details, "failed_units": failed} if failed else details,
    )
    if outcome is not Outcome.FAILED:
        if said is not None:
            LOGGER.warning(
                "%s failed for %d of %d units, first: %s",
                action.name,
                len(failed),
                len(outcomes),
                said,
            )
        action.require_entry(
            describe_change(action.name, [o.target for o in outcomes if o.ok], details)
        )
        return
    assert error is not None
    assert said is not None
    if len(outcomes) == 1:
        raise said from error
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="bulk_failed",
        translation_placeholders={"count": str(len(outcomes)), "reason": str(said)},
    ) from error


def error_fields(action: Action, error: AspError, target: AuditTarget) -> dict[str, Any]:
    """Return an API error as a failed target's fields in a response.

    The plain sentence and the status; the request ID stays in the log and diagnostics.
    """
    return {
        "status": "failed",
        "error_status": error.status,
        "error": str(action.error(error, [target])),
    }


def outcome_error(action: Action, outcome: UnitOutcome[Any]) -> dict[str, Any]:
    """Return a failed unit's error as it appears in a response."""
    assert outcome.error is not None
    return error_fields(action, outcome.error, outcome.target)


def unit_json(target: AuditTarget) -> dict[str, Any]:
    """Return a unit as it heads its part of a response."""
    return {"unit_id": target.id, "name": target.name}


def listing_response[T](
    action: Action,
    outcomes: Sequence[UnitOutcome[Sequence[T]]],
    key: str,
    item_json: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """Return what a per-unit listing read: each unit's items under `key`, or its error.

    When every unit failed there is nothing to show: the first error is raised.
    """
    if all(not o.ok for o in outcomes):
        error = outcomes[0].error
        assert error is not None
        raise action.error(error, [outcomes[0].target]) from error
    units: list[Any] = []
    for outcome in outcomes:
        unit = unit_json(outcome.target)
        if outcome.result is not None:
            unit[key] = [item_json(item) for item in outcome.result]
        else:
            unit |= outcome_error(action, outcome)
        units.append(unit)
    return {"units": units}


async def async_refresh_units(
    action: Action, unit_ids: Iterable[str], *, skills: bool = False, automations: bool = False
) -> None:
    """Re-read the skills or automations of some homes, so their sensors update at once."""
    try:
        # The inventory coordinator's own request limit: a bulk action's read-back and a
        # refresh running at the same time share it rather than doubling the load.
        await action.runtime.inventory.async_read_details(
            unit_ids, skills=skills, automations=automations
        )
    except AspError as err:
        LOGGER.debug("Reading units back after %s failed: %s", action.name, err)


async def async_latest_occupancy(action: Action, home_id: str) -> HomeOccupancy | None:
    """Read a home's latest occupancy now (None: never moved into, so vacant)."""
    return await action.async_read(partial(read_latest_occupancy, action.client, home_id))


async def async_home_occupancy(action: Action, home: AuditTarget) -> HomeOccupancy | None:
    """Read a home's latest occupancy before changing it (None: never moved into).

    Amazon answers 404 both for a home never moved into and for one that is gone. The
    home is one the entry lists (targets are checked), so a 404 means "never moved into"
    only while the last poll also found no occupancy; after a poll read one, the home
    was deleted meanwhile and the action stops, having sent nothing.
    """
    latest = await async_latest_occupancy(action, home.id)
    if latest is None and (action.runtime.occupancy.data or {}).get(home.id) is not None:
        raise refused("home_gone", home=home.name or home.id)
    return latest


async def async_refresh_after(what: str, refresh: Awaitable[None]) -> None:
    """Show a change at once; a failed read-back only waits for the next poll."""
    try:
        await refresh
    except AspError as err:
        LOGGER.debug("Reading %s back after an action failed: %s", what, err)
