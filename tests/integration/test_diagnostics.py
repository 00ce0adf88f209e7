"""Diagnostics: complete enough to debug, with no secret in them."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.embed import RunningSimulator


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    # The diagnostics component finds integration platforms in the background.
    await hass.async_block_till_done(wait_background_tasks=True)
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{loaded_entry.entry_id}")
    assert response.status == 200
    diagnostics = (await response.json())["data"]
    text = json.dumps(diagnostics)
    credentials = simulator.credentials
    secrets = [
        credentials.client_secret,
        credentials.refresh_token,
        loaded_entry.data["token"]["refresh_token"],
        loaded_entry.data["client_secret"],
        *simulator.sim.lwa.store.access_tokens,
    ]
    for secret in secrets:
        assert secret not in text
    assert diagnostics["entry"]["data"]["client_secret"] == "**REDACTED**"
    assert len(diagnostics["endpoints"]["visible"]) == len(
        loaded_entry.runtime_data.endpoints.data.visible
    )
    assert diagnostics == snapshot(exclude=_volatile)


def _volatile(*, prop: object, path: tuple[object, ...]) -> bool:
    # Ports and times change between runs; everything else is seeded.
    return str(prop) in {"api_url", "lwa_url", "timeOfSample", "creationTime"}
