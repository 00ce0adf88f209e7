"""A grant withdrawn while a change is pending: everything stops until the user signs in again."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.alexa_smart_properties.api.models import OccupancyState
from custom_components.alexa_smart_properties.const import PENDING_OCCUPANCY_INTERVAL
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.embed import RunningSimulator

from .helpers import admin, advance, reauth_flows
from .service_helpers import call

TOKEN_ROUTE = "POST /auth/o2/token"
QUIET = timedelta(minutes=30)


def _refused_refreshes(simulator: RunningSimulator) -> int:
    return sum(
        1
        for e in simulator.sim.stats.log
        if e["route"] == TOKEN_ROUTE and e["status"] == 400 and e["fault"] is None
    )


async def test_withdrawn_grant_stops_every_request_until_reauth(
    hass: HomeAssistant, loaded_entry: AspConfigEntry, simulator: RunningSimulator
) -> None:
    runtime = loaded_entry.runtime_data
    home_id = next(
        h for h in runtime.inventory.data.homes
        if runtime.occupancy.state_of(h) == OccupancyState.VACANT
    )  # fmt: skip
    # Amazon takes its time: the move-in stays pending for the whole test.
    await admin(hass, simulator, "PUT", "/timing", {"occupancyDelay": 7200})
    await call(hass, "move_in", {"config_entry_id": loaded_entry.entry_id, "home_id": home_id})
    await hass.async_block_till_done()
    assert runtime.occupancy.pending_homes() == [home_id]

    # The organization withdraws the grant: its access tokens die with it.
    await admin(hass, simulator, "POST", "/tokens/revoke", {})
    simulator.sim.stats.reset()
    await advance(hass, simulator, PENDING_OCCUPANCY_INTERVAL)
    # The pending poll met the refusal: one refresh refused, then nothing more.
    assert _refused_refreshes(simulator) == 1
    assert len(reauth_flows(hass, loaded_entry)) == 1

    simulator.sim.stats.reset()
    start = dt_util.utcnow()
    elapsed = timedelta()
    while elapsed < QUIET:
        # Cumulative, so the coordinators' own schedules (minutes apart) come due too.
        elapsed += PENDING_OCCUPANCY_INTERVAL
        simulator.sim.clock.advance(PENDING_OCCUPANCY_INTERVAL.total_seconds())
        async_fire_time_changed(hass, start + elapsed)
        await hass.async_block_till_done(wait_background_tasks=True)
    sent = [f"{e['method']} {e['path']}" for e in simulator.sim.stats.log]
    assert simulator.sim.stats.total == 0, f"{len(sent)} requests after the refusal: {sent[:5]}"
    assert len(reauth_flows(hass, loaded_entry)) == 1

    # The user signs in again with a new token: polling resumes, the change is settled.
    flow_id = reauth_flows(hass, loaded_entry)[0]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": "refresh_token"}
    )
    credentials = simulator.credentials
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "refresh_token": simulator.sim.new_refresh_token(),
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.occupancy.pending_homes() == [home_id]
    simulator.sim.stats.reset()
    async_fire_time_changed(hass, start + elapsed + PENDING_OCCUPANCY_INTERVAL)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.sim.stats.total > 0, "requests resume after the new sign-in"
    assert not reauth_flows(hass, loaded_entry)
