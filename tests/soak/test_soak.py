"""Soak: 2,000 refresh cycles against a misbehaving simulator, time-warped.

The simulator answers 10 % of requests 429 (half with Retry-After), 5 % 500/503, hangs 2 %
and garbles 1 %; every 100 cycles it expires the access token while a burst of refreshes
and an action are in flight. Between refreshes, entity actions (switch, light, number,
button) and the integration's actions (move in/out, rename a device, delete timers, list
skills) run. Nothing sleeps for real: the client's retry waits go to a recording stub, and
hung requests meet a 1 s client timeout.

Checked throughout: no unhandled exception; no entity or device lost; an entity is
unavailable exactly while its coordinator's latest refresh failed (or the privacy rule
hides its device) and back on the next good refresh; one token refresh per expiry; every
action succeeds or raises a translated error; no write applied twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.components.light import ATTR_BRIGHTNESS
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.api import AspClient
from custom_components.alexa_smart_properties.api.models import FeatureName, OccupancyState
from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.coordinator import AspCoordinator
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator, start_simulator
from tests.integration.conftest import entry_data

CYCLES = 2000
TOKEN_EXPIRY_EVERY = 100
CLIENT_TIMEOUT = 1.0  # 0.1 s timed out plain requests at setup on a loaded 2-core host
FAULTS = {
    "rate_429": 0.05,  # with Retry-After
    "rate_429_bare": 0.05,
    "retry_after_seconds": 2,
    "rate_500": 0.025,
    "rate_503": 0.025,
    "rate_hang": 0.02,
    "rate_malformed": 0.01,
    "seed": 2000,
}
TOKEN_ROUTE = "POST /auth/o2/token"
TRANSLATIONS = Path(__file__).parents[2] / (
    "custom_components/alexa_smart_properties/translations/en.json"
)
EXCEPTION_KEYS = set(json.loads(TRANSLATIONS.read_text())["exceptions"])


class Warp:
    """The client's retry waits, recorded instead of slept."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.waits.append(delay)
        await asyncio.sleep(0)


@dataclass
class Figures:
    """What the soak saw."""

    refreshes: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    checks: int = 0
    token_refreshes: list[int] = field(default_factory=list)
    refused_with_old_token: list[int] = field(default_factory=list)


@pytest.fixture
async def simulator(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[RunningSimulator]:
    running = await start_simulator(
        SimulatorConfig(
            seed=5,
            communities=2,
            homes=6,
            devices_per_home=4,
            spare_devices=1,
            occupancy_delay=0,
            skill_enable_delay=0,
            reboot_delay=0,
            request_log_size=200_000,
        )
    )
    yield running
    await running.stop()


@pytest.fixture
def warp() -> Warp:
    return Warp()


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    enable_custom_integrations: None,
    simulator: RunningSimulator,
    warp: Warp,
) -> AsyncIterator[AspConfigEntry]:
    mock = MockConfigEntry(
        domain=DOMAIN,
        title="Soak",
        unique_id=simulator.credentials.organization_id,
        data=entry_data(simulator),
        pref_disable_polling=True,  # the soak drives every refresh itself
    )
    mock.add_to_hass(hass)
    with patch(
        "custom_components.alexa_smart_properties.connection.AspClient",
        partial(AspClient, request_timeout=CLIENT_TIMEOUT, sleep=warp.sleep),
    ):
        assert await hass.config_entries.async_setup(mock.entry_id)
        await hass.async_block_till_done()
        yield mock


def _unique_ids(hass: HomeAssistant, entry: AspConfigEntry) -> dict[str, str]:
    return {
        e.unique_id: e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.disabled_by is None
    }


def _expected_unavailable(entry: AspConfigEntry, unique_id: str) -> bool:
    """Return whether an entity should be unavailable now, from its coordinator alone."""
    runtime = entry.runtime_data
    inventory, occupancy, endpoints = runtime.inventory, runtime.occupancy, runtime.endpoints
    for home_id in inventory.data.homes:
        if not unique_id.startswith(f"{home_id}_"):
            continue
        if unique_id.endswith(("_enabled_skills", "_automations")):
            return not inventory.last_update_success
        return not occupancy.last_update_success or home_id not in occupancy.data
    for community_id in inventory.data.communities:
        if unique_id == f"{community_id}_offline_devices":
            return not endpoints.last_update_success
        if unique_id.startswith(f"{community_id}_"):
            return not occupancy.last_update_success
    key = next((k for k in endpoints.data.hidden if unique_id.startswith(f"{k}_")), None)
    if key is not None:
        return True  # the privacy rule hides the device while its home is occupied
    return not endpoints.last_update_success


def _check_availability(hass: HomeAssistant, entry: AspConfigEntry, ids: dict[str, str]) -> None:
    for unique_id, entity_id in ids.items():
        state = hass.states.get(entity_id)
        assert state is not None, f"{entity_id} lost its state"
        expected = _expected_unavailable(entry, unique_id)
        assert (state.state == STATE_UNAVAILABLE) == expected, (
            f"{entity_id} is {state.state}, expected unavailable={expected}"
        )


def _applied_posts(simulator: RunningSimulator, since: int) -> Counter[str]:
    """Count POSTs the simulator carried out (answered 2xx, garbled or not) after `since`."""
    log = list(simulator.sim.stats.log)[since:]
    return Counter(
        e["path"]
        for e in log
        if e["method"] == "POST"
        and not e["path"].startswith("/auth/")
        and e["fault"] in (None, "malformed")
        and 200 <= e["status"] < 300
    )


def _refused_401(simulator: RunningSimulator, since: int) -> int:
    return sum(1 for e in list(simulator.sim.stats.log)[since:] if e["status"] == 401)


def _token_requests(simulator: RunningSimulator) -> int:
    counter = simulator.sim.stats.routes.get(TOKEN_ROUTE)
    return counter.count if counter else 0


class Actions:
    """The actions the soak calls, in turn; each must succeed or fail translated."""

    def __init__(self, hass: HomeAssistant, entry: AspConfigEntry, figures: Figures) -> None:
        self.hass = hass
        self.entry = entry
        self.figures = figures
        runtime = entry.runtime_data
        ids = _unique_ids(hass, entry)
        visible = runtime.endpoints.data.visible
        self.toggle_home = next(
            h for h in runtime.inventory.data.homes if runtime.occupancy.state_of(h) is not None
        )

        def entity_of(feature: FeatureName, suffix: str, without: FeatureName | None = None) -> str:
            for key, endpoint in visible.items():
                if endpoint.unit_id == self.toggle_home or not endpoint.has_feature(feature):
                    continue
                if without is not None and endpoint.has_feature(without):
                    continue
                if f"{key}_{suffix}" in ids:
                    return ids[f"{key}_{suffix}"]
            raise AssertionError(f"no {suffix} entity")

        self.switch = entity_of(FeatureName.POWER, "power", without=FeatureName.BRIGHTNESS)
        self.light = entity_of(FeatureName.BRIGHTNESS, "light")
        self.volume = entity_of(FeatureName.SPEAKER, "volume")
        self.timers = entity_of(FeatureName.SPEAKER, "delete_timers")
        self.rename_key = next(k for k, e in visible.items() if e.unit_id != self.toggle_home)
        self.count = 0

    def all(self) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
        n = self.count
        call = self.hass.services.async_call
        runtime = self.entry.runtime_data
        endpoint = runtime.endpoints.data.get(self.rename_key)
        assert endpoint is not None
        home = self.toggle_home
        moved_in = runtime.occupancy.state_of(home) != OccupancyState.VACANT
        return [
            ("switch", lambda: call("switch", (SERVICE_TURN_ON, SERVICE_TURN_OFF)[n % 2],
                                    {"entity_id": self.switch}, blocking=True)),
            ("light", lambda: call("light", SERVICE_TURN_ON,
                                   {"entity_id": self.light, ATTR_BRIGHTNESS: 20 + n % 200},
                                   blocking=True)),
            ("number", lambda: call("number", SERVICE_SET_VALUE,
                                    {"entity_id": self.volume, ATTR_VALUE: n % 100},
                                    blocking=True)),
            ("button", lambda: call("button", SERVICE_PRESS, {"entity_id": self.timers},
                                    blocking=True)),
            ("move", lambda: call(DOMAIN, "move_out" if moved_in else "move_in",
                                  {"config_entry_id": self.entry.entry_id, "home_id": home},
                                  blocking=True, return_response=True)),
            ("rename_device", lambda: call(DOMAIN, "rename_device",
                                           {"endpoint_id": endpoint.id, "name": f"Soak {n}"},
                                           blocking=True)),
            ("list_skills", lambda: call(DOMAIN, "list_skill_enablements",
                                         {"config_entry_id": self.entry.entry_id,
                                          "unit_id": home},
                                         blocking=True, return_response=True)),
        ]  # fmt: skip

    async def run_one(self, simulator: RunningSimulator) -> None:
        name, action = self.all()[self.count % 7]
        self.count += 1
        since = len(simulator.sim.stats.log)
        failure: HomeAssistantError | None = None
        try:
            await action()
        except HomeAssistantError as err:
            failure = err
        if failure is None:
            self.figures.actions[name] += 1
        else:
            untranslated = f"{name}: {failure!r} is not a translated error"
            assert failure.translation_domain == DOMAIN, untranslated
            assert failure.translation_key in EXCEPTION_KEYS, untranslated
            self.figures.refused[f"{name}:{failure.translation_key}"] += 1
        await self.hass.async_block_till_done()
        twice = {path: n for path, n in _applied_posts(simulator, since).items() if n > 1}
        assert not twice, f"{name} applied twice: {twice}"


async def _refresh(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    coordinators: list[AspCoordinator[Any]],
    figures: Figures,
    ids: dict[str, str],
) -> None:
    await asyncio.gather(*(c.async_refresh() for c in coordinators))
    await hass.async_block_till_done()
    for coordinator in coordinators:
        figures.refreshes[coordinator.kind] += 1
        figures.failed[coordinator.kind] += not coordinator.last_update_success
    _check_availability(hass, entry, ids)
    figures.checks += 1


async def test_soak(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    simulator: RunningSimulator,
    warp: Warp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    runtime = entry.runtime_data
    inventory, occupancy, endpoints = runtime.inventory, runtime.occupancy, runtime.endpoints
    ids = _unique_ids(hass, entry)
    devices_before = {
        d.id for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    figures = Figures()
    actions = Actions(hass, entry, figures)
    simulator.sim.faults.configure(FAULTS)
    started = time.perf_counter()

    for cycle in range(1, CYCLES + 1):
        if cycle % TOKEN_EXPIRY_EVERY == 0:
            # Every access token dies while a burst of requests is on its way.
            before = _token_requests(simulator)
            since = len(simulator.sim.stats.log)
            simulator.sim.lwa.expire_access_tokens()
            await asyncio.gather(
                _refresh(hass, entry, [endpoints, occupancy, inventory], figures, ids),
                actions.run_one(simulator),
            )
            figures.token_refreshes.append(_token_requests(simulator) - before)
            figures.refused_with_old_token.append(_refused_401(simulator, since))
            continue
        due: list[AspCoordinator[Any]] = [endpoints]
        if cycle % 5 == 0:
            due.append(occupancy)
        if cycle % 25 == 0:
            due.append(inventory)
        await _refresh(hass, entry, due, figures, ids)
        await actions.run_one(simulator)

    # A clean refresh brings everything back.
    simulator.sim.faults.reset()
    await _refresh(hass, entry, [inventory, occupancy, endpoints], figures, ids)
    elapsed = time.perf_counter() - started
    for unique_id, entity_id in ids.items():
        if not _expected_unavailable(entry, unique_id):
            assert hass.states.get(entity_id).state != STATE_UNAVAILABLE  # type: ignore[union-attr]

    # Nothing lost (the home the soak moves in and out may end vacant: its devices, hidden
    # at the start, then have entities of their own).
    assert set(ids) <= set(_unique_ids(hass, entry))
    devices_after = {
        d.id for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    assert devices_before <= devices_after
    # One token refresh per expiry, however many requests were refused with the old one.
    expiries = CYCLES // TOKEN_EXPIRY_EVERY
    assert figures.token_refreshes == [1] * expiries
    assert min(figures.refused_with_old_token) > 1, "several calls met the expired token"
    # The faults happened, and so did failures and recoveries.
    injected = simulator.sim.faults.injected
    for kind in FAULTS:
        if kind.startswith("rate_"):
            assert injected.get(kind, 0) > 0, f"no {kind} injected"
    assert sum(figures.failed.values()) > 0
    assert sum(figures.actions.values()) > sum(figures.refused.values())
    assert all(figures.actions[name] for name, _ in actions.all()), "every action succeeded"
    # No unhandled exception anywhere.
    unhandled = [r for r in caplog.records if r.exc_info or "Unexpected" in r.getMessage()]
    assert not unhandled, [r.getMessage() for r in unhandled]
    print(  # the soak's figures, for the record (pytest -s shows them)
        f"\nsoak: {CYCLES} cycles in {elapsed:.0f} s; refreshes {dict(figures.refreshes)}, "
        f"failed {dict(figures.failed)}; actions ok {dict(figures.actions)}, "
        f"refused {dict(figures.refused)}; token refreshes per expiry "
        f"{figures.token_refreshes} (calls refused with the expired token: "
        f"{figures.refused_with_old_token}); faults injected {injected}; "
        f"retry waits warped {len(warp.waits)} ({sum(warp.waits):.0f} s); "
        f"requests {simulator.sim.stats.total}; availability checks {figures.checks}"
    )
