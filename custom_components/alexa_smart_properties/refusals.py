"""Amazon's refusals in plain words: one translated sentence per cause.

A person sees why (the home is private while occupied, the skill is unknown, Amazon is
throttling, the thing is gone, or Amazon's own words for a refused request), never an HTTP
status, a path or a request ID. Those go to the debug log and to the entry's diagnostics
(`recent_refusals`), where support needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .api import (
    AspAuthenticationError,
    AspBadRequestError,
    AspError,
    AspForbiddenError,
    AspNotFoundError,
    AspRateLimitError,
)
from .const import DOMAIN, LOGGER
from .data import AspConfigEntry
from .logbook import names_of

SKILL_ACTIONS: Final = frozenset({"enable_skill", "disable_skill"})


class RefusedWithOthersError(AspError):
    """A unit of a batch Amazon refused as a whole because of other units in it."""


RECENT_REFUSALS: Final = 20
"""Refusals kept per entry for the diagnostics."""


def _key(
    entry: AspConfigEntry, action: str, err: AspError, target_ids: list[str], skill_id: str | None
) -> str:
    """Return the translation key of a refusal's cause."""
    if isinstance(err, AspAuthenticationError):
        return "action_auth_failed"
    if isinstance(err, RefusedWithOthersError):
        return "batch_refused_for_others"
    if isinstance(err, AspRateLimitError):
        return "action_rate_limited"
    if isinstance(err, AspBadRequestError):
        return "action_bad_request" if err.detail else "action_bad_request_unexplained"
    if isinstance(err, AspNotFoundError):
        if skill_id and action in SKILL_ACTIONS:
            # The units were checked against the estate before sending: the skill is unknown.
            return "skill_unknown" if action == "enable_skill" else "skill_not_enabled"
        return "action_not_found"
    if isinstance(err, AspForbiddenError):
        runtime = getattr(entry, "runtime_data", None)
        # Amazon's privacy rule: an occupied or linked home is the resident's.
        if runtime is not None and any(runtime.occupancy.hides_devices(t) for t in target_ids):
            return "home_private"
        return "action_forbidden"
    return "action_failed"


def refusal(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    action: str,
    err: AspError,
    *,
    targets: Mapping[str, str] | None = None,
    skill_id: str | None = None,
) -> HomeAssistantError:
    """Return the plain, translated error for something Amazon refused or failed to do.

    `targets` maps the IDs the action worked on to their names. The request ID and the
    raw failure are logged at debug level and kept for the diagnostics; a lost login also
    starts the reauthentication flow.
    """
    targets = dict(targets or {})
    if isinstance(err, AspAuthenticationError):
        entry.async_start_reauth(hass)
    LOGGER.debug("%s refused by Amazon: %s", action, err)
    _remember(entry, action, err)
    key = _key(entry, action, err, list(targets), skill_id)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            "targets": names_of([{"name": name} for name in targets.values()]),
            "skill_id": skill_id or "",
            "reason": (err.detail or "").rstrip("."),
        },
    )


def _remember(entry: AspConfigEntry, action: str, err: AspError) -> None:
    runtime = getattr(entry, "runtime_data", None)
    if runtime is None:
        return
    recent: list[dict[str, Any]] = runtime.recent_refusals
    recent.append(
        {
            "at": dt_util.utcnow().isoformat(),
            "action": action,
            "status": err.status,
            "code": err.code or err.error_type,
            "request_id": err.request_id,
            "error": err.message,
        }
    )
    del recent[:-RECENT_REFUSALS]
