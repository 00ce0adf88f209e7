"""The entity budget against Home Assistant's limit on a config entry's enabled entities.

Home Assistant's limit is patched down so that the simulator's small estate exceeds it.
"""

from __future__ import annotations

import logging

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_platform
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties import entity_budget
from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

HA_MAXIMUM = "Reached the maximum"
HEADROOM = 2
# Entities per community (4 counts) and per home (occupancy, change pending, transition
# event, skills, automations), as the simulator's estate shows them.
HOME_LEVEL_PER_COMMUNITY = 5
HOME_LEVEL_PER_HOME = 5

type Registered = dict[tuple[str, str], er.RegistryEntry]


def set_limit(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    """Patch Home Assistant's limit (the budget reads it at setup) and the headroom."""
    monkeypatch.setattr(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", limit)
    monkeypatch.setattr(entity_budget, "HEADROOM", HEADROOM)


def registered(hass: HomeAssistant, entry: MockConfigEntry) -> Registered:
    """Return the entry's registry entries by (domain, unique ID)."""
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {(e.domain, e.unique_id): e for e in entries}


def home_level(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator, entities: Registered
) -> set[tuple[str, str]]:
    """Return the keys of the entities whose device is a community or a home."""
    devices = dr.async_get(hass)
    entry_id = entry.entry_id
    state = simulator.sim.state
    level_devices = {
        device.id
        for key in (*state.communities, *state.homes)
        if (device := devices.async_get_device_by_identifier((DOMAIN, key), entry_id)) is not None
    }
    return {key for key, e in entities.items() if e.device_id in level_devices}


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the entity limit issue of the entry, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"entity_limit_{entry.entry_id}")


async def setup_afresh(
    hass: HomeAssistant, entry: MockConfigEntry, *, restore: bool = False
) -> None:
    """Unload the entry, delete its entities, and set it up again.

    `restore`: Home Assistant remembers deleted entities and restores each as it was;
    else they are forgotten too, as if new.
    """
    assert await hass.config_entries.async_unload(entry.entry_id)
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        registry.async_remove(entity.entity_id)
        if not restore:
            del registry.deleted_entities[(entity.domain, DOMAIN, entity.unique_id)]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Reload the entry."""
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def test_over_the_limit_device_entities_are_registered_disabled(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Everything the integration makes, with Home Assistant's own limit.
    everything = registered(hass, loaded_entry)
    off_by_default = {key for key, e in everything.items() if e.disabled_by is not None}
    level = home_level(hass, loaded_entry, simulator, everything)
    state = simulator.sim.state
    assert len(level) == HOME_LEVEL_PER_COMMUNITY * len(state.communities) + (
        HOME_LEVEL_PER_HOME * len(state.homes)
    )
    wanted = len(everything) - len(off_by_default)
    # Room for the estate and home level and ten device entities.
    limit = len(level) + HEADROOM + 10
    assert wanted > limit + 10  # the estate must exceed it well

    set_limit(monkeypatch, limit)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        await setup_afresh(hass, loaded_entry)

    entities = registered(hass, loaded_entry)
    assert set(entities) - set(everything) == set()
    assert set(everything) - set(entities) == set()  # none dropped
    enabled = {key for key, e in entities.items() if e.disabled_by is None}
    enabled_count = er.async_get(hass).entities.get_enabled_count_for_config_entry_id(
        loaded_entry.entry_id
    )
    assert enabled_count == len(enabled) == limit - HEADROOM
    assert level <= enabled
    held_back = {key for key in entities.keys() - enabled if key not in off_by_default}
    assert held_back
    assert not held_back & level
    assert all(
        entities[key].disabled_by is er.RegistryEntryDisabler.INTEGRATION for key in held_back
    )
    assert len(held_back) == wanted - len(enabled)

    found = issue(hass, loaded_entry)
    assert found is not None
    assert found.severity is ir.IssueSeverity.WARNING
    assert not found.is_fixable
    assert found.translation_key == "entity_limit"
    assert found.translation_placeholders == {
        "title": loaded_entry.title,
        "limit": str(limit),
        "entities": str(len(entities)),
        "enabled": str(len(enabled)),
        "held_back": str(len(held_back)),
    }
    assert HA_MAXIMUM not in caplog.text
    warnings = [r for r in caplog.records if "more than the" in r.getMessage()]
    assert len(warnings) == 1
    assert f"{len(held_back)} were registered disabled" in warnings[0].getMessage()

    # A reload keeps each entity as the registry has it, and the issue as it was.
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        await reload(hass, loaded_entry)
    after = registered(hass, loaded_entry)
    assert {key: e.disabled_by for key, e in after.items()} == {
        key: e.disabled_by for key, e in entities.items()
    }
    reloaded = issue(hass, loaded_entry)
    assert reloaded is not None
    assert reloaded.translation_placeholders == found.translation_placeholders
    assert HA_MAXIMUM not in caplog.text

    # Once the estate fits (here: a higher limit), the issue goes.
    set_limit(monkeypatch, wanted + HEADROOM)
    await reload(hass, loaded_entry)
    assert issue(hass, loaded_entry) is None


async def test_restored_entities_are_counted_not_dropped(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    simulator: RunningSimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Deleted while enabled, then made again past a lower limit: Home Assistant restores
    # them enabled whatever the budget says; none may be dropped.
    everything = registered(hass, loaded_entry)
    # Room for the home level and a few devices: grants past restored ones would be dropped.
    set_limit(monkeypatch, len(home_level(hass, loaded_entry, simulator, everything)) + 12)
    with caplog.at_level(logging.WARNING):
        await setup_afresh(hass, loaded_entry, restore=True)

    entities = registered(hass, loaded_entry)
    assert set(everything) - set(entities) == set()
    assert {key: e.disabled_by for key, e in entities.items()} == {
        key: e.disabled_by for key, e in everything.items()
    }
    assert HA_MAXIMUM not in caplog.text


async def test_within_the_limit_nothing_is_held_back(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Exactly as many as the estate wants enabled.
    everything = registered(hass, loaded_entry)
    off_by_default = {key for key, e in everything.items() if e.disabled_by is not None}
    wanted = len(everything) - len(off_by_default)
    set_limit(monkeypatch, wanted + HEADROOM)
    with caplog.at_level(logging.WARNING):
        await setup_afresh(hass, loaded_entry)

    entities = registered(hass, loaded_entry)
    assert entities.keys() == everything.keys()
    assert {key for key, e in entities.items() if e.disabled_by is not None} == off_by_default
    assert issue(hass, loaded_entry) is None
    setup_log = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "more than the" not in setup_log
    assert HA_MAXIMUM not in setup_log
    assert HA_MAXIMUM not in caplog.text


async def test_default_limit_holds_nothing_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    entities = registered(hass, loaded_entry)
    disabled = {key for key, e in entities.items() if e.disabled_by is not None}
    # Only Do Not Disturb is disabled by default.
    assert disabled
    assert all(unique_id.endswith("_do_not_disturb") for _, unique_id in disabled)
    assert issue(hass, loaded_entry) is None
    setup_log = "\n".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "more than the" not in setup_log
    assert HA_MAXIMUM not in setup_log
