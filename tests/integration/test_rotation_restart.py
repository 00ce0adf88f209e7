"""A refresh token LWA rotated survives Home Assistant stopping before it saved the entry.

Home Assistant writes a config entry's changes to disk a second after they are made. LWA
may rotate the refresh token on a refresh; if the old one dies at once (the simulator's
default), a crash inside that second would leave only a dead token on disk.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntries, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
    async_test_home_assistant,
)

from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.data import AspConfigEntry
from custom_components.alexa_smart_properties.rotated_tokens import (
    SETTLED,
    STORAGE_KEY,
    rotated_tokens,
)
from simulator.embed import RunningSimulator

CONFIG_ENTRIES = "core.config_entries"


def _stored_refresh_token(storage: dict[str, Any], entry_id: str) -> str:
    entries = storage[CONFIG_ENTRIES]["data"]["entries"]
    entry = next(e for e in entries if e["entry_id"] == entry_id)
    return str(entry["data"]["token"]["refresh_token"])


@pytest.mark.parametrize("rotation", ["old_token_dies", "same_token_returned"])
async def test_restart_right_after_a_rotation_needs_no_new_sign_in(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    rotation: str,
) -> None:
    lwa = simulator.sim.lwa
    lwa.settings.rotate_refresh_tokens = rotation == "old_token_dies"
    # The entry as Home Assistant last wrote it, a second after setup.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    before = loaded_entry.data["token"]["refresh_token"]
    assert _stored_refresh_token(hass_storage, loaded_entry.entry_id) == before
    on_disk = copy.deepcopy(hass_storage[CONFIG_ENTRIES])

    # The access token runs out; the refresh rotates (or keeps) the refresh token.
    hass.config_entries.async_update_entry(
        loaded_entry,
        data={**loaded_entry.data, "token": {**loaded_entry.data["token"], "expires_at": 0}},
    )
    await loaded_entry.runtime_data.inventory.async_refresh()
    assert loaded_entry.runtime_data.inventory.last_update_success
    after = loaded_entry.data["token"]["refresh_token"]
    assert (after != before) is (rotation == "old_token_dies")
    assert lwa.store.refresh_tokens[before].active is (rotation == "same_token_returned")

    # Power cut inside the second: every file as written so far, but the config entries
    # as they were before the refresh. The access token on disk has run out as well.
    await hass.async_stop(force=True)
    crashed = copy.deepcopy(hass_storage) | {CONFIG_ENTRIES: on_disk}
    hass_storage.clear()
    hass_storage.update(crashed)
    lwa.expire_access_tokens()

    async with async_test_home_assistant(config_dir=hass.config.config_dir) as restarted:
        restarted.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # as enable_custom_integrations
        # The entries as a start reads them: from the disk.
        restarted.config_entries = ConfigEntries(restarted, {})
        await restarted.config_entries.async_initialize()
        entry = restarted.config_entries.async_get_entry(loaded_entry.entry_id)
        assert entry is not None
        assert entry.data["token"]["refresh_token"] == before  # what the disk had
        try:
            assert await restarted.config_entries.async_setup(entry.entry_id)
            await restarted.async_block_till_done()
            assert entry.state is ConfigEntryState.LOADED
            flows = restarted.config_entries.flow.async_progress_by_handler(DOMAIN)
            assert [f for f in flows if f["context"]["source"] == SOURCE_REAUTH] == []
            assert lwa.store.refresh_tokens[entry.data["token"]["refresh_token"]].active
        finally:
            await restarted.config_entries.async_unload(entry.entry_id)
            await restarted.async_stop(force=True)


async def test_rotations_are_followed_and_settled_links_dropped(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    tokens = rotated_tokens(hass)
    await tokens.async_rotated("sim.rt.0", "sim.rt.1")
    await tokens.async_rotated("sim.rt.1", "sim.rt.2")  # within the entry's save delay
    # Written at once, and followed from whichever token the entry on disk holds.
    assert len(hass_storage[STORAGE_KEY]["data"]) == 2
    assert await tokens.async_latest("sim.rt.0") == "sim.rt.2"
    assert await tokens.async_latest("sim.rt.2") == "sim.rt.2"
    assert "sim.rt.0" not in str(hass_storage[STORAGE_KEY])  # replaced tokens: hashes only

    freezer.tick(timedelta(seconds=SETTLED + 1))
    await tokens.async_rotated("sim.rt.2", "sim.rt.3")
    # The entry on disk holds sim.rt.2 by now: the links before it are gone.
    assert len(hass_storage[STORAGE_KEY]["data"]) == 2
    assert await tokens.async_latest("sim.rt.0") == "sim.rt.0"
    assert await tokens.async_latest("sim.rt.1") == "sim.rt.3"
