"""Describe the integration's audit events in the logbook.

Each action that changed something on Amazon's side fired `alexa_smart_properties_action`
(see `audit.py`); here it becomes a line such as "Jane moved the resident out of Unit 204"
on the logbook page and on the targeted homes' and devices' pages, with the time and,
through the event's context, the user or automation that ran the action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from homeassistant.components.logbook import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .audit import (
    ATTR_ACTION,
    ATTR_DETAILS,
    ATTR_ERROR,
    ATTR_OUTCOME,
    ATTR_TARGETS,
    ATTR_USER_NAME,
    EVENT_ACTION,
    Outcome,
)
from .const import DOMAIN

NAME: Final = "Alexa Smart Properties"
MAX_NAMES: Final = 3

# What each action did; {targets} are the homes, devices or units, {name} the new name,
# {skill_id} the skill.
MESSAGES: Final[dict[str, str]] = {
    "move_in": "moved a resident into {targets}",
    "move_out": "moved the resident out of {targets}",
    "unlink_resident": "unlinked the resident's Amazon account from {targets}",
    "enable_skill": "enabled skill {skill_id} in {targets}",
    "disable_skill": "disabled skill {skill_id} in {targets}",
    "create_automation_template": "created automation template {name}",
    "delete_automation_template": "deleted automation template {targets}",
    "create_automation": "created automation {name} in {targets}",
    "update_automation": "updated automation {targets}",
    "delete_automation": "deleted automation {targets}",
    "create_community": "created home community {name}",
    "rename_community": "renamed home community {targets} to {name}",
    "delete_community": "deleted home community {targets}",
    "create_home": "created home {name} in {targets}",
    "rename_home": "renamed home {targets} to {name}",
    "delete_home": "deleted home {targets}",
    "rename_device": "renamed {targets} to {name}",
    "assign_device": "assigned {targets}",
    "return_device": "returned {targets} to the account",
    "deregister_device": "deregistered {targets}",
    "forget_device": "made Alexa forget {targets}",
    "delete_timers": "deleted the timers of {targets}",
}


def names_of(targets: Sequence[Mapping[str, Any]]) -> str:
    """Return "A", "A and B", "A, B and C" or "A, B, C and 7 more"."""
    names = [str(t.get("name") or t.get("id")) for t in targets]
    if not names:
        return "the organization"
    if len(names) > MAX_NAMES:
        return f"{', '.join(names[:MAX_NAMES])} and {len(names) - MAX_NAMES} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def describe(data: Mapping[str, Any]) -> str:
    """Return the logbook message of an audit event."""
    action = str(data.get(ATTR_ACTION))
    targets: list[Mapping[str, Any]] = list(data.get(ATTR_TARGETS) or [])
    details: Mapping[str, Any] = data.get(ATTR_DETAILS) or {}
    if action == "assign_device" and len(targets) == 2:
        what = f"{names_of(targets[:1])} to {names_of(targets[1:])}"
    else:
        what = names_of(targets)
    template = MESSAGES.get(action, f"ran {action} on {{targets}}")
    name = next(
        (
            details[key]
            for key in ("name", "template_id", "home_id", "community_id")
            if details.get(key)
        ),
        "",
    )
    message = " ".join(
        template.format(targets=what, name=name, skill_id=details.get("skill_id") or "").split()
    )
    outcome = data.get(ATTR_OUTCOME)
    if outcome == Outcome.FAILED:
        message = f"tried: {message}; it failed: {data.get(ATTR_ERROR)}"
    elif outcome == Outcome.UNKNOWN:
        message = f"sent: {message}; its outcome is unknown: {data.get(ATTR_ERROR)}"
    elif outcome == Outcome.PARTIAL:
        failed = len(details.get("failed_units") or [])
        message = f"{message} (failed for {failed} of {len(targets)}: {data.get(ATTR_ERROR)})"
    if user := data.get(ATTR_USER_NAME):
        message = f"{message} (by {user})"
    return message


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the audit event of the integration's actions."""

    @callback
    def async_describe_action(event: Event) -> dict[str, Any]:
        return {LOGBOOK_ENTRY_NAME: NAME, LOGBOOK_ENTRY_MESSAGE: describe(event.data)}

    async_describe_event(DOMAIN, EVENT_ACTION, async_describe_action)
