"""The entity budget: Home Assistant's limit on a config entry's enabled entities.

Home Assistant registers at most `MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY` new enabled
entities per config entry and silently drops every further one; a 2,000-home estate makes
some 25,000. So every new entity passes through the budget before it is added: it stays
enabled as its description says while the budget lasts, else it is registered disabled by
default (listed, and the user may enable it). The estate and home level is reserved before
any device entity gets budget, whatever order the platforms load in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import Enum, auto

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_platform
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.typing import UNDEFINED

from .const import DOMAIN, LOGGER
from .coordinator import InventoryData
from .data import AspConfigEntry

# Kept free for what appears later (a new home's entities), which device entities may
# not take.
HEADROOM = 100
# What the sensor, binary_sensor and event platforms make per community (its four counts
# of homes and its count of offline devices)
# and per home (occupancy, change pending, transition event, skills, automations).
ENTITIES_PER_COMMUNITY = 5
ENTITIES_PER_HOME = 5

ISSUE = "entity_limit"


def ha_limit() -> int:
    """Return Home Assistant's limit (read when used, so a release that moves it counts)."""
    return int(getattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", 10_000))


class Verdict(Enum):
    """What became of an entity."""

    ENABLED = auto()
    HELD_BACK = auto()  # registered disabled because the budget was spent
    DISABLED = auto()  # disabled by default, or by the user


def _verdict(disabled_by: er.RegistryEntryDisabler | None, wanted: bool) -> Verdict:
    """Judge a registry state: one the budget disabled (wanted enabled) is held back."""
    if disabled_by is None:
        return Verdict.ENABLED
    if wanted and disabled_by is er.RegistryEntryDisabler.INTEGRATION:
        return Verdict.HELD_BACK
    return Verdict.DISABLED


class EntityBudget:
    """One entry's share of Home Assistant's enabled entities, decided entity by entity."""

    def __init__(self, hass: HomeAssistant, entry: AspConfigEntry) -> None:
        """Create the budget; `async_reserve` reads the registry and reserves."""
        self.hass = hass
        self.entry = entry
        self.max = ha_limit()
        self.limit = max(self.max - HEADROOM, 0)  # what device entities may reach
        self._registry = er.async_get(hass)
        self._enabled = 0
        self._reserved = 0
        self._verdicts: dict[str, Verdict] = {}
        self._counts: Counter[Verdict] = Counter()
        self._adding = 0
        self._set_up = False
        self._warned = False
        self._reported: tuple[int, int, int] | None = None

    @property
    def issue_id(self) -> str:
        """Return the repair issue's ID for this entry."""
        return f"{ISSUE}_{self.entry.entry_id}"

    @callback
    def async_reserve(self, inventory: InventoryData) -> None:
        """Count the entry's enabled entities, and reserve the new estate and home level.

        Called once the devices are registered, before any platform adds an entity.
        """
        entry_id = self.entry.entry_id
        self._enabled = self._registry.entities.get_enabled_count_for_config_entry_id(entry_id)
        devices = dr.async_get(self.hass)
        level_devices = {
            device.id
            for key in (*inventory.communities, *inventory.homes)
            if (device := devices.async_get_device_by_identifier((DOMAIN, key), entry_id))
            is not None
        }
        # Those already registered keep their registry state and cost nothing new.
        registered = sum(
            1
            for registered_entity in self._registry.entities.get_entries_for_config_entry_id(
                entry_id
            )
            if registered_entity.device_id in level_devices
        )
        wanted = ENTITIES_PER_COMMUNITY * len(inventory.communities) + ENTITIES_PER_HOME * len(
            inventory.homes
        )
        self._reserved = max(wanted - registered, 0)

    def _used(self) -> int:
        # The registry's own count too: the user may have enabled entities meanwhile.
        return max(
            self._enabled,
            self._registry.entities.get_enabled_count_for_config_entry_id(self.entry.entry_id),
        )

    @callback
    def async_admit(self, domain: str, entities: Iterable[Entity], *, home_level: bool) -> None:
        """Decide each new entity's default: enabled while the budget lasts, else disabled.

        `home_level`: an entity of the estate or a home, which the reservation is for and
        which may use the headroom; device entities share what the reservation leaves.
        """
        registry = self._registry
        for entity in entities:
            if (unique_id := entity.unique_id) is None:
                continue  # never registered, so never counted
            wanted = entity.entity_registry_enabled_default
            key = (domain, DOMAIN, unique_id)
            if (entity_id := registry.entities.get_entity_id(key)) is not None:
                # Registered: the registry rules, and it is counted already.
                verdict = _verdict(registry.entities[entity_id].disabled_by, wanted)
            else:
                if home_level:
                    self._reserved = max(self._reserved - 1, 0)
                deleted = registry.deleted_entities.get(key)
                if deleted is not None and deleted.disabled_by is not UNDEFINED:
                    # Home Assistant restores a deleted entity's disabled_by, whatever its
                    # default: one that was enabled comes back enabled, budget or not.
                    verdict = _verdict(deleted.disabled_by, wanted)
                    if verdict is Verdict.ENABLED:
                        if self._used() >= self.max:
                            # Past the limit Home Assistant would drop it, not restore it.
                            entity._attr_entity_registry_enabled_default = False
                        self._enabled += 1
                elif not wanted:
                    verdict = Verdict.DISABLED
                elif (
                    self._used() < self.max
                    if home_level
                    else self._used() + self._reserved < self.limit
                ):
                    self._enabled += 1
                    verdict = Verdict.ENABLED
                else:
                    entity._attr_entity_registry_enabled_default = False
                    verdict = Verdict.HELD_BACK
            if (before := self._verdicts.get(unique_id)) is not None:
                self._counts[before] -= 1
            self._verdicts[unique_id] = verdict
            self._counts[verdict] += 1

    @callback
    def async_adding(self) -> None:
        """Note that entities are being added in the background (no report until done)."""
        self._adding += 1

    @callback
    def async_added(self) -> None:
        """Note that a background addition ended, and report if it was the last."""
        self._adding -= 1
        self.async_report()

    @callback
    def async_setup_done(self) -> None:
        """Note that every platform is set up, and report if nothing is still being added."""
        self._set_up = True
        self.async_report()

    @callback
    def async_report(self) -> None:
        """Raise, update or delete the repair issue once the figures are final."""
        if not self._set_up or self._adding:
            return
        if self.entry.state not in (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED):
            return  # unloading part way: the figures are not the estate's
        enabled = self._counts[Verdict.ENABLED]
        held_back = self._counts[Verdict.HELD_BACK]
        if not held_back or enabled + held_back <= self.limit:
            self._reported = None
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
            return
        figures = (len(self._verdicts), enabled, held_back)
        if figures == self._reported:
            return
        self._reported = figures
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="entity_limit",
            translation_placeholders={
                "title": self.entry.title,
                "limit": str(self.max),
                "entities": str(figures[0]),
                "enabled": str(enabled),
                "held_back": str(held_back),
            },
        )
        if not self._warned:
            self._warned = True
            LOGGER.warning(
                "%s has %s entities, more than the %s enabled entities Home Assistant allows "
                "per entry: %s are enabled and %s were registered disabled (devices' first). "
                "Enable those you need under Settings > Entities after disabling others, or "
                "include fewer home communities in the integration's options",
                self.entry.title,
                figures[0],
                self.max,
                enabled,
                held_back,
            )
