"""A community's "Devices offline" count, checked against the simulator's own devices."""

from __future__ import annotations

from collections import Counter

from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator
from simulator.state import Occ

from .helpers import admin
from .service_helpers import set_home_state


def expected_offline(simulator: RunningSimulator, community_id: str) -> int:
    """Count the community's offline devices the enterprise may see (vacant homes only)."""
    state = simulator.sim.state
    now = simulator.sim.clock.now()
    return sum(
        1
        for endpoint in state.endpoints.values()
        if endpoint.unit_id in state.homes
        and state.homes[endpoint.unit_id].community_id == community_id
        and not state.unit_is_private(endpoint.unit_id)
        and not endpoint.reachable(now)
    )


def expected_homes(simulator: RunningSimulator, community_id: str) -> dict[str, int]:
    """Name the community's homes with devices offline (community too where names repeat)."""
    state = simulator.sim.state
    now = simulator.sim.clock.now()
    names = Counter(home.name for home in state.homes.values())
    found: Counter[str] = Counter()
    for endpoint in state.endpoints.values():
        home = state.homes.get(endpoint.unit_id or "")
        if (
            home is None
            or home.community_id != community_id
            or state.unit_is_private(home.id)
            or endpoint.reachable(now)
        ):
            continue
        community = state.communities[community_id].name
        found[f"{community} {home.name}" if names[home.name] > 1 else home.name] += 1
    return dict(found)


def sensor_state(hass: HomeAssistant, community_id: str) -> State:
    """Return the community's "Devices offline" state."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{community_id}_offline_devices"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state


def shown(hass: HomeAssistant, community_id: str) -> int:
    """Return the community's sensor state as a number."""
    return int(sensor_state(hass, community_id).state)


async def refresh_endpoints(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Read the devices again, as the next poll would."""
    await entry.runtime_data.endpoints.async_refresh()
    await hass.async_block_till_done()


async def test_each_community_counts_its_visible_offline_devices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    state = simulator.sim.state
    communities = list(state.communities)
    assert len(communities) >= 2
    for community_id in communities:
        assert shown(hass, community_id) == expected_offline(simulator, community_id)

    # Two devices of the first community's vacant homes go offline: its count alone moves.
    first = communities[0]
    others = {c: shown(hass, c) for c in communities[1:]}
    before = shown(hass, first)
    now = simulator.sim.clock.now()
    online = [
        e
        for e in state.endpoints.values()
        if e.unit_id in state.homes
        and state.homes[e.unit_id].community_id == first
        and not state.unit_is_private(e.unit_id)
        and e.reachable(now)
    ]
    assert len(online) >= 2
    for endpoint in online[:2]:
        await admin(
            hass, simulator, "PUT", f"/endpoints/{endpoint.id}/connectivity", {"online": False}
        )
    await refresh_endpoints(hass, loaded_entry)
    assert shown(hass, first) == before + 2 == expected_offline(simulator, first)
    assert {c: shown(hass, c) for c in communities[1:]} == others
    # The homes they are in are named, with how many of their devices are offline.
    homes = sensor_state(hass, first).attributes["homes"]
    assert homes == expected_homes(simulator, first)
    assert sum(homes.values()) == before + 2

    # A resident moves into the home of one of them: Amazon hides its devices, and a
    # device the property manager cannot see is not counted.
    home_id = online[0].unit_id
    assert home_id is not None
    set_home_state(simulator, home_id, Occ.OCCUPIED)
    await loaded_entry.runtime_data.occupancy.async_refresh()
    await refresh_endpoints(hass, loaded_entry)
    assert shown(hass, first) == expected_offline(simulator, first) < before + 2
    assert sensor_state(hass, first).attributes["homes"] == expected_homes(simulator, first)
