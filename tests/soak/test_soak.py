"""Soak: 2,000 refresh cycles against a misbehaving simulator, time-warped.

The simulator answers 10 % of requests 429 (half with Retry-After), 5 % 500/503, hangs 2 %
and garbles 1 %; every 100 cycles it expires the access token while a burst of refreshes
and an action are in flight; every 50 cycles a write is applied and its answer dropped;
halfway, the organization withdraws the grant while a move-in is pending, and the user
signs in again. Between refreshes, entity actions (switch, light, number, button) and the
integration's actions (move in/out, rename a device, delete timers, list skills) run.
Nothing sleeps for real: the client's retry waits go to a recording stub, and hung
requests meet a 1 s client timeout.

What is expected comes from the simulator, never from the coordinators: a refresh failed
when, in the simulator's request log, the last attempt of one of its requests met an
injected fault (or the grant was withdrawn); a device is hidden when the simulator's home
is occupied; a home's occupancy sensor shows the simulator's state after a good refresh.

Checked throughout: no unhandled exception; no entity or device lost; every entity's
availability as expected, and back on the next good refresh; one token refresh per expiry;
no request at all after LWA refused the withdrawn grant, until the new sign-in; every
action succeeds or raises a translated error; no write applied twice for one intent.
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
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alexa_smart_properties.api import AspClient
from custom_components.alexa_smart_properties.api.models import FeatureName, OccupancyState
from custom_components.alexa_smart_properties.const import DOMAIN, PENDING_OCCUPANCY_INTERVAL
from custom_components.alexa_smart_properties.coordinator import AspCoordinator
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator, start_simulator
from simulator.state import Occ
from tests.integration.conftest import entry_data
from tests.integration.helpers import reauth_flows

from .expected import REFRESH_ROUTES, Expected, Window, applied_writes, sim_device_units

CYCLES = 2000
TOKEN_EXPIRY_EVERY = 100
DROPPED_ANSWER_EVERY = 50
GRANT_WITHDRAWN_AT = 1050  # not a token expiry cycle
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
# Writes whose answer the soak drops after the simulator applied them, in turn.
DROPPED_WRITES = ("/occupancies$", "/friendlyName$")
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
    mismatches: int = 0
    states_checked: int = 0
    token_refreshes: list[int] = field(default_factory=list)
    refused_with_old_token: list[int] = field(default_factory=list)
    writes_per_intent: Counter[int] = field(default_factory=Counter)
    dropped_answers: int = 0
    withdrawn: dict[str, int] = field(default_factory=dict)


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


def _check(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    expected: Expected,
    ids: dict[str, str],
    figures: Figures,
    *,
    states: bool,
) -> None:
    """Compare every entity's availability (and, after a good occupancy read, state)."""
    device_units = sim_device_units(simulator)
    mismatches = []
    for unique_id, entity_id in ids.items():
        state = hass.states.get(entity_id)
        assert state is not None, f"{entity_id} lost its state"
        unavailable = expected.unavailable(unique_id, device_units)
        if (state.state == STATE_UNAVAILABLE) != unavailable:
            mismatches.append(f"{entity_id} is {state.state}, expected unavailable={unavailable}")
    figures.checks += 1
    figures.mismatches += len(mismatches)
    assert not mismatches, mismatches
    if not states:
        return
    sim_state = simulator.sim.state
    for home_id, home in sim_state.homes.items():
        sensor = ids.get(f"{home_id}_occupancy")
        if sensor is not None:
            shown = hass.states.get(sensor)
            assert shown is not None
            assert shown.state == sim_state.home_state(home).value.lower(), sensor
            figures.states_checked += 1


def _refused_401(simulator: RunningSimulator, since: int) -> int:
    return sum(1 for e in list(simulator.sim.stats.log)[since:] if e["status"] == 401)


def _token_requests(simulator: RunningSimulator) -> int:
    counter = simulator.sim.stats.routes.get(TOKEN_ROUTE)
    return counter.count if counter else 0


# Actions that read what a refresh reads: not run while a refresh is judged.
READS_LIKE_A_REFRESH = {"move", "list_skills"}


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

    async def run_one(self, simulator: RunningSimulator, *, quiet: bool = False) -> None:
        """Run the next action; `quiet`: one that reads nothing a refresh reads."""
        while True:
            name, action = self.all()[self.count % 7]
            self.count += 1
            if not quiet or name not in READS_LIKE_A_REFRESH:
                break
        window = Window(simulator)
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
        # Background work the action started (a privacy change re-reads the devices).
        await self.hass.async_block_till_done(wait_background_tasks=True)
        writes = applied_writes(await window.entries())
        self.figures.writes_per_intent[sum(writes.values())] += 1
        twice = {path: n for path, n in writes.items() if n > 1}
        assert not twice, f"{name} applied twice: {twice}"


async def _refresh(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    coordinators: list[AspCoordinator[Any]],
    expected: Expected,
    figures: Figures,
    ids: dict[str, str],
    *,
    states: bool = True,
) -> None:
    window = Window(simulator)
    await asyncio.gather(*(c.async_refresh() for c in coordinators))
    await hass.async_block_till_done()
    entries = await window.entries()
    for coordinator in coordinators:
        figures.refreshes[coordinator.kind] += 1
        figures.failed[coordinator.kind] += expected.refreshed(coordinator.kind, entries)
    occupancy_read = any(c.kind == "occupancy" for c in coordinators)
    _check(
        hass,
        simulator,
        expected,
        ids,
        figures,
        states=states and occupancy_read and not expected.failed["occupancy"],
    )


def _coordinators(entry: AspConfigEntry) -> tuple[AspCoordinator[Any], ...]:
    runtime = entry.runtime_data  # a new one after the entry reloads
    return runtime.inventory, runtime.occupancy, runtime.endpoints


async def _grant_withdrawn_then_sign_in(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    simulator: RunningSimulator,
    expected: Expected,
    figures: Figures,
    ids: dict[str, str],
    actions: Actions,
) -> None:
    """Withdraw the grant while a move-in is pending; nothing is sent until a new sign-in."""
    sim = simulator.sim
    sim.faults.reset()
    sim.state.timing.occupancy_delay = 600  # simulated seconds: pending until we say
    home_id = next(
        h for h, home in sim.state.homes.items()
        if h != actions.toggle_home and sim.state.home_state(home) is Occ.VACANT
    )  # fmt: skip
    await hass.services.async_call(
        DOMAIN,
        "move_in",
        {"config_entry_id": entry.entry_id, "home_id": home_id},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    latest = sim.state.latest_occupancy(sim.state.homes[home_id])
    assert latest is not None
    assert latest.requested_state is Occ.OCCUPIED, "a change is pending"

    sim.lwa.revoke(None)
    expected.withdrawn = True
    window = Window(simulator)
    # Half an hour: the pending poll comes due 120 times, the soak refreshes and acts.
    base = dt_util.utcnow()
    for step in range(1, 121):
        async_fire_time_changed(hass, base + step * PENDING_OCCUPANCY_INTERVAL)
        await hass.async_block_till_done(wait_background_tasks=True)
        if step % 20 == 0:
            await _refresh(hass, simulator, list(_coordinators(entry)), expected, figures, ids)
            await actions.run_one(simulator)
    entries = sorted(await window.entries(), key=lambda e: e["arrival"])
    refused = [e for e in entries if e["route"] == TOKEN_ROUTE and e["status"] == 400]
    assert len(refused) == 1, refused
    after = [e for e in entries if e["arrival"] > refused[0]["arrival"]]
    assert after == [], f"{len(after)} requests after LWA refused the grant"
    flows = reauth_flows(hass, entry)
    assert len(flows) == 1
    figures.withdrawn = {
        "requests_until_refused": len(entries),
        "requests_after": len(after),
        "reauth_flows": len(flows),
    }

    # The user signs in again: the entry reloads and reads everything.
    result = await hass.config_entries.flow.async_configure(
        flows[0], {"next_step_id": "refresh_token"}
    )
    credentials = simulator.credentials
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
            "refresh_token": sim.new_refresh_token(),
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    expected.withdrawn = False
    expected.failed = dict.fromkeys(REFRESH_ROUTES, False)  # the setup's reads all worked
    # Amazon completes the move-in; the pending poll of the reloaded entry settles it.
    sim.clock.advance(600)
    async_fire_time_changed(hass, base + 121 * PENDING_OCCUPANCY_INTERVAL)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(ids[f"{home_id}_occupancy"]).state == "occupied"  # type: ignore[union-attr]
    # The resident leaves again, so the devices the actions use are all visible again.
    sim.state.timing.occupancy_delay = 0
    await hass.services.async_call(
        DOMAIN,
        "move_out",
        {"config_entry_id": entry.entry_id, "home_id": home_id},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    sim.faults.configure(FAULTS)


async def test_soak(
    hass: HomeAssistant,
    entry: AspConfigEntry,
    simulator: RunningSimulator,
    warp: Warp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    ids = _unique_ids(hass, entry)
    devices_before = {
        d.id for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    figures = Figures()
    expected = Expected(simulator)
    actions = Actions(hass, entry, figures)
    simulator.sim.faults.configure(FAULTS)
    started = time.perf_counter()

    for cycle in range(1, CYCLES + 1):
        inventory, occupancy, endpoints = _coordinators(entry)
        if cycle == GRANT_WITHDRAWN_AT:
            await _grant_withdrawn_then_sign_in(
                hass, entry, simulator, expected, figures, ids, actions
            )
            continue
        if cycle % DROPPED_ANSWER_EVERY == 0 and cycle < CYCLES - 20:
            # The next such write (within 7 cycles) is applied, then its answer is lost.
            pattern = DROPPED_WRITES[cycle // DROPPED_ANSWER_EVERY % len(DROPPED_WRITES)]
            simulator.sim.faults.add_script([{"kind": "apply_then_drop", "path_pattern": pattern}])
            figures.dropped_answers += 1
        if cycle % TOKEN_EXPIRY_EVERY == 0:
            # Every access token dies while a burst of requests is on its way.
            before = _token_requests(simulator)
            since = len(simulator.sim.stats.log)
            simulator.sim.lwa.expire_access_tokens()
            await asyncio.gather(
                _refresh(
                    hass, simulator, [endpoints, occupancy, inventory], expected, figures, ids,
                    states=False,
                ),
                actions.run_one(simulator, quiet=True),
            )  # fmt: skip
            figures.token_refreshes.append(_token_requests(simulator) - before)
            figures.refused_with_old_token.append(_refused_401(simulator, since))
            continue
        due: list[AspCoordinator[Any]] = [endpoints]
        if cycle % 5 == 0:
            due.append(occupancy)
        if cycle % 25 == 0:
            due.append(inventory)
        await _refresh(hass, simulator, due, expected, figures, ids)
        await actions.run_one(simulator)

    # A clean refresh brings everything back.
    simulator.sim.faults.reset()
    await _refresh(hass, simulator, list(_coordinators(entry)), expected, figures, ids)
    elapsed = time.perf_counter() - started
    assert not any(expected.failed.values())

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
    assert injected.get("apply_then_drop") == figures.dropped_answers
    assert sum(figures.failed.values()) > 0
    assert sum(figures.actions.values()) > sum(figures.refused.values())
    assert all(figures.actions[name] for name, _ in actions.all()), "every action succeeded"
    assert figures.refused["move:change_outcome_unknown"] > 0
    assert max(figures.writes_per_intent) <= 2  # a light's power and brightness at most
    # No unhandled exception anywhere.
    unhandled = [r for r in caplog.records if r.exc_info or "Unexpected" in r.getMessage()]
    assert not unhandled, [r.getMessage() for r in unhandled]
    print(  # the soak's figures, for the record (pytest -s shows them)
        f"\nsoak: {CYCLES} cycles in {elapsed:.0f} s; requests {simulator.sim.stats.total}; "
        f"faults injected {injected}; refreshes {dict(figures.refreshes)}, failed per the "
        f"simulator's log {dict(figures.failed)}; availability checks {figures.checks}, "
        f"entity availability mismatches {figures.mismatches}, occupancy states checked "
        f"{figures.states_checked}; actions ok {dict(figures.actions)}, refused "
        f"{dict(figures.refused)}; writes applied per intent "
        f"{dict(sorted(figures.writes_per_intent.items()))}; token refreshes per expiry "
        f"{figures.token_refreshes} (calls refused with the expired token: "
        f"{figures.refused_with_old_token}); grant withdrawn: {figures.withdrawn}; "
        f"retry waits warped {len(warp.waits)} ({sum(warp.waits):.0f} s)"
    )
