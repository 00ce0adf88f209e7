"""The occupancy transition event of a home, against a simulator whose changes take time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .helpers import advance
from .service_helpers import call, set_home_state

pytestmark = pytest.mark.small_property

DELAY = 40  # seconds a change stays pending at Amazon


def _fired(hass: HomeAssistant, home_id: str) -> list[tuple[str, str, str]]:
    entity_id = er.async_get(hass).async_get_entity_id(
        "event", DOMAIN, f"{home_id}_occupancy_transition"
    )
    assert entity_id is not None
    fired: list[tuple[str, str, str]] = []

    @callback
    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.attributes.get("event_type"):
            attributes = new.attributes
            fired.append(
                (attributes["event_type"], attributes["previous_state"], attributes["state"])
            )

    async_track_state_change_event(hass, entity_id, changed)
    return fired


async def test_a_move_out_fires_moved_out_once_it_completes(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """While the move-out is pending nothing fires; then exactly one moved_out."""
    home_id = next(iter(simulator.sim.state.homes))
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    simulator.sim.state.timing.occupancy_delay = DELAY
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fired = _fired(hass, home_id)

    await call(hass, "move_out", {"home_id": home_id}, response=False)
    await advance(hass, simulator, timedelta(seconds=15))  # the pending poll: still pending
    assert fired == []
    for _ in range(3):
        await advance(hass, simulator, timedelta(seconds=15))
    assert fired == [("moved_out", "occupied", "vacant")]


async def test_move_out_and_in_between_two_polls(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """Another tool moves the resident out and a new one in between two polls."""
    state = simulator.sim.state
    home_id = next(iter(state.homes))
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fired = _fired(hass, home_id)

    set_home_state(simulator, home_id, Occ.VACANT)
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    await advance(hass, simulator, timedelta(minutes=5))
    assert fired == [("moved_out", "occupied", "vacant"), ("moved_in", "vacant", "occupied")]
