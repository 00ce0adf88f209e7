"""Occupancy actions: move a resident in or out, unlink a resident's Amazon account.

Each reads the home's latest occupancy first and refuses, without sending anything, a
transition the Home Occupancy page does not allow or any change while another one is in
progress:

| action          | allowed from     | requests |
|-----------------|------------------|----------|
| move_in         | VACANT           | OCCUPIED |
| move_out        | OCCUPIED, LINKED | VACANT   |
| unlink_resident | LINKED           | OCCUPIED |

Linking itself is the resident's step (through the account-link URL `move_in` returns).
"""

from __future__ import annotations

from typing import Any, Final

import probatio as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv

from .api import (
    AccountLinkRequest,
    AspValidationError,
    LinkedApplication,
    OccupancyState,
)
from .api import validation as checks
from .api.const import RESIDENT_LINK_URL
from .audit import AuditTarget
from .const import DOMAIN
from .service_targets import async_resolve_action, require_residential, resolve_home
from .services_common import (
    ATTR_AUTH_CODE,
    ATTR_CONFIG_ENTRY_ID,
    ATTR_HOME_ID,
    ATTR_LINKED_APPLICATIONS,
    ATTR_REDIRECT_URI,
    ATTR_SKILL_ID,
    ATTR_STAGE,
    STAGES,
    TARGET_FIELDS,
    Action,
    async_home_occupancy,
    async_refresh_after,
    invalid_input,
    refused,
)

SERVICE_MOVE_IN: Final = "move_in"
SERVICE_MOVE_OUT: Final = "move_out"
SERVICE_UNLINK_RESIDENT: Final = "unlink_resident"

# action -> (states it may start from, refusal key, state it requests)
TRANSITIONS: Final[dict[str, tuple[frozenset[str], str, OccupancyState]]] = {
    SERVICE_MOVE_IN: (
        frozenset({OccupancyState.VACANT}),
        "move_in_not_vacant",
        OccupancyState.OCCUPIED,
    ),
    SERVICE_MOVE_OUT: (
        frozenset({OccupancyState.OCCUPIED, OccupancyState.LINKED}),
        "move_out_vacant",
        OccupancyState.VACANT,
    ),
    SERVICE_UNLINK_RESIDENT: (
        frozenset({OccupancyState.LINKED}),
        "unlink_not_linked",
        OccupancyState.OCCUPIED,
    ),
}

HOME_TARGET: Final = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    **TARGET_FIELDS,
    vol.Optional(ATTR_HOME_ID): vol.All(cv.ensure_list, [cv.string]),
}

LINKED_APPLICATION_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_SKILL_ID): cv.string,
        vol.Optional(ATTR_STAGE, default="live"): vol.In(STAGES),
        vol.Inclusive(ATTR_REDIRECT_URI, "account_link"): cv.string,
        vol.Inclusive(ATTR_AUTH_CODE, "account_link"): cv.string,
    }
)

MOVE_IN_SCHEMA: Final = vol.Schema(
    {
        **HOME_TARGET,
        vol.Optional(ATTR_LINKED_APPLICATIONS): vol.All(
            cv.ensure_list, [LINKED_APPLICATION_SCHEMA]
        ),
    }
)
HOME_SCHEMA: Final = vol.Schema(HOME_TARGET)


def _linked_applications(raw: list[dict[str, Any]]) -> list[LinkedApplication]:
    """Build and check the linked applications before anything is read or sent."""
    apps: list[LinkedApplication] = []
    for index, item in enumerate(raw):
        link = (
            AccountLinkRequest(redirect_uri=item[ATTR_REDIRECT_URI], auth_code=item[ATTR_AUTH_CODE])
            if ATTR_REDIRECT_URI in item
            else None
        )
        app = LinkedApplication(
            id=item[ATTR_SKILL_ID], stage=item[ATTR_STAGE], account_link_request=link
        )
        try:
            checks.linked_application(app, f"{ATTR_LINKED_APPLICATIONS}[{index}]")
        except AspValidationError as err:
            raise invalid_input(err) from err
        apps.append(app)
    return apps


async def _async_check_transition(action: Action, home: AuditTarget) -> OccupancyState:
    """Read the home's latest occupancy; refuse what the occupancy page does not allow."""
    allowed, refusal, requested = TRANSITIONS[action.name]
    latest = await async_home_occupancy(action, home)
    name = home.name or home.id
    if latest is not None and latest.change_pending:
        raise refused(
            "occupancy_change_pending",
            home=name,
            state=str(latest.state).lower(),
            requested_state=str(latest.requested_state).lower(),
        )
    state = latest.state if latest is not None else OccupancyState.VACANT
    if state not in allowed:
        raise refused(refusal, home=name, state=str(state).lower())
    return requested


async def _async_change(action: Action, home: AuditTarget, apps: list[LinkedApplication]) -> str:
    """Send an allowed transition, audit it, and show the home's new state at once.

    One change per home at a time: a second call while one is under way sends nothing.
    """
    occupancy = action.runtime.occupancy
    with action.one_change_at_a_time([("home", home.id)], home.name or home.id):
        requested = await _async_check_transition(action, home)
        details: dict[str, Any] = {"state": str(requested).lower()}
        if apps:
            details["skill_ids"] = [app.id for app in apps]  # never the authorization codes
        occupancy_id = await action.async_send(
            lambda: action.client.set_occupancy(home.id, requested, apps),
            [home],
            details,
            result_details=lambda occupancy_id: {"occupancy_id": occupancy_id},
            settle=lambda: occupancy.async_refresh_homes([home.id]),
        )
    await async_refresh_after("occupancy", occupancy.async_refresh_homes([home.id]))
    return occupancy_id


def _resolve(hass: HomeAssistant, call: ServiceCall) -> tuple[Action, AuditTarget]:
    action = async_resolve_action(hass, call)
    require_residential(action)
    return action, resolve_home(action)


async def async_move_in(call: ServiceCall) -> ServiceResponse:
    """Move a resident into a vacant home; return the occupancy ID and account-link URL."""
    action, home = _resolve(call.hass, call)
    apps = _linked_applications(call.data.get(ATTR_LINKED_APPLICATIONS, []))
    occupancy_id = await _async_change(action, home, apps)
    return {
        "home_id": home.id,
        "home_name": home.name,
        "occupancy_id": occupancy_id,
        "account_link_url": RESIDENT_LINK_URL.format(occupancy_id=occupancy_id),
    }


async def async_move_out(call: ServiceCall) -> ServiceResponse:
    """Move the resident out of an occupied or linked home (unlinking their account)."""
    action, home = _resolve(call.hass, call)
    occupancy_id = await _async_change(action, home, [])
    return {"home_id": home.id, "home_name": home.name, "occupancy_id": occupancy_id}


async def async_unlink_resident(call: ServiceCall) -> ServiceResponse:
    """Unlink the resident's Amazon account from a linked home (it stays occupied)."""
    action, home = _resolve(call.hass, call)
    occupancy_id = await _async_change(action, home, [])
    return {"home_id": home.id, "home_name": home.name, "occupancy_id": occupancy_id}


def async_setup_occupancy_services(hass: HomeAssistant) -> None:
    """Register the occupancy actions."""
    for name, handler, schema in (
        (SERVICE_MOVE_IN, async_move_in, MOVE_IN_SCHEMA),
        (SERVICE_MOVE_OUT, async_move_out, HOME_SCHEMA),
        (SERVICE_UNLINK_RESIDENT, async_unlink_resident, HOME_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=SupportsResponse.OPTIONAL
        )
