"""Suggest the skills the estate already has in the actions' skill fields.

services.yaml is static; the skill fields of `enable_skill`, `disable_skill` and
`move_in`'s linked skills get a select that suggests every skill enabled in a home of a
loaded organization (any other ID can still be typed), published with Home Assistant's
`async_set_service_schema`. It is rebuilt when the inventory changes, and published only
when the suggestions did.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.service import async_set_service_schema
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.yaml import load_yaml_dict

from .const import DOMAIN
from .data import AspConfigEntry

SKILL_FIELD: Final = "skill_id"
# An entry being set up counts: its first refresh is what the suggestions start from.
_SET_UP: Final = (ConfigEntryState.LOADED, ConfigEntryState.SETUP_IN_PROGRESS)
_SERVICES_YAML: Final = Path(__file__).parent / "services.yaml"


@dataclass(slots=True)
class _Published:
    descriptions: dict[str, Any]
    """services.yaml as loaded, for the actions with a skill field."""
    options: list[dict[str, str]] = field(default_factory=list)


_PUBLISHED: Final[HassKey[_Published]] = HassKey(f"{DOMAIN}_skill_suggestions")


def _skill_specs(fields: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the specs of the skill fields: top level, in sections, in object selectors."""
    for name, spec in fields.items():
        if name == SKILL_FIELD:
            yield spec
        yield from _skill_specs(spec.get("fields") or {})
        yield from _skill_specs(
            ((spec.get("selector") or {}).get("object") or {}).get("fields") or {}
        )


async def async_setup_skill_suggestions(hass: HomeAssistant, entry: AspConfigEntry) -> None:
    """Suggest the entry's skills now and whenever its inventory changes."""
    if _PUBLISHED not in hass.data:
        loaded = await hass.async_add_executor_job(load_yaml_dict, str(_SERVICES_YAML))
        hass.data[_PUBLISHED] = _Published(
            {
                name: spec
                for name, spec in loaded.items()
                if isinstance(spec, dict) and any(_skill_specs(spec.get("fields") or {}))
            }
        )

    @callback
    def update() -> None:
        async_update_skill_suggestions(hass)

    entry.async_on_unload(entry.runtime_data.inventory.async_add_listener(update))
    update()


def skill_options(entries: list[AspConfigEntry]) -> list[dict[str, str]]:
    """Return the skills enabled in the entries' homes, most used first, as select options."""
    homes: Counter[str] = Counter()
    names: dict[str, str] = {}
    for entry in entries:
        for enablements in entry.runtime_data.inventory.data.skills.values():
            for enablement in {e.skill_id: e for e in enablements}.values():
                homes[enablement.skill_id] += 1
                if enablement.skill_name:
                    names[enablement.skill_id] = enablement.skill_name
    return [
        {
            "value": skill_id,
            "label": (f"{names[skill_id]} ({skill_id})" if skill_id in names else skill_id)
            + f" · {count} {'home' if count == 1 else 'homes'}",
        }
        for skill_id, count in sorted(homes.items(), key=lambda item: (-item[1], item[0]))
    ]


def _suggesting(spec: dict[str, Any], options: list[dict[str, str]]) -> dict[str, Any]:
    """Return an action's description whose skill fields suggest the options."""
    spec = copy.deepcopy(spec)
    for skill in _skill_specs(spec.get("fields") or {}):
        skill["selector"] = {
            "select": {"options": options, "custom_value": True, "mode": "dropdown"}
        }
    return spec


@callback
def async_update_skill_suggestions(hass: HomeAssistant) -> None:
    """Publish the actions' descriptions again if the skills of the estate changed."""
    published = hass.data.get(_PUBLISHED)
    if published is None:
        return
    entries: list[AspConfigEntry] = [
        entry
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state in _SET_UP and hasattr(entry, "runtime_data")
    ]
    options = skill_options(entries)
    if options == published.options:
        return
    published.options = options
    for service, spec in published.descriptions.items():
        async_set_service_schema(hass, DOMAIN, service, _suggesting(spec, options))
