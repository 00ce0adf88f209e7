"""Seed data: deterministic, sized by the flags, realistic, and fast at 1,000 homes."""

import time
from collections import Counter

from simulator import ManualClock, SimulatorConfig, build_app, simulator_of
from simulator.core import Simulator
from simulator.persistence import dump
from simulator.state import Occ


def _build(
    clock: ManualClock,
    *,
    seed: int = 1,
    homes: int = 40,
    communities: int = 3,
    devices_per_home: int = 5,
    spare_devices: int = 4,
) -> Simulator:
    config = SimulatorConfig(
        seed=seed,
        homes=homes,
        communities=communities,
        devices_per_home=devices_per_home,
        spare_devices=spare_devices,
    )
    return simulator_of(build_app(config, clock=clock))


def _without_tokens(sim: Simulator) -> dict[str, object]:
    data = dump(sim)
    del data["lwa"]  # grant IDs of issued tokens are random on purpose
    return data


def test_same_seed_same_property() -> None:
    first = _build(ManualClock(), seed=5, homes=30, communities=4)
    second = _build(ManualClock(), seed=5, homes=30, communities=4)
    assert _without_tokens(first) == _without_tokens(second)
    assert first.credentials.client_id == second.credentials.client_id
    assert first.credentials.client_secret == second.credentials.client_secret
    assert first.initial_refresh_token == second.initial_refresh_token


def test_other_seed_other_property() -> None:
    first = _build(ManualClock(), seed=5, homes=30)
    second = _build(ManualClock(), seed=6, homes=30)
    assert first.state.organization_id != second.state.organization_id
    assert first.client_id != second.client_id
    first_names = [e.friendly_name for e in first.state.endpoints.values()]
    second_names = [e.friendly_name for e in second.state.endpoints.values()]
    assert first_names != second_names


def test_sizes_follow_the_flags() -> None:
    sim = _build(ManualClock(), homes=25, communities=4, devices_per_home=3, spare_devices=2)
    state = sim.state
    assert len(state.communities) == 4
    assert len(state.homes) == 25
    assert Counter(h.community_id for h in state.homes.values()).most_common()[0][1] == 7
    assert len(state.endpoints) == 25 * 3 + 2
    assert sum(1 for e in state.endpoints.values() if e.unit_id is None) == 2


def test_realistic_mix() -> None:
    sim = _build(ManualClock(), homes=200, communities=5)
    state = sim.state
    names = [c.name for c in state.communities.values()]
    assert names[:2] == ["Maple Court", "Cedar Heights"]
    assert {h.name for h in state.homes.values()} >= {"Unit 101", "Unit 204"}
    kinds = Counter(e.kind for e in state.endpoints.values())
    assert {"echo_dot", "smart_plug", "dimmable_light", "color_light", "thermostat"} <= set(kinds)
    assert "temperature_sensor" in kinds
    for home in state.homes.values():
        home_kinds = [e.kind for e in state.endpoints.values() if e.unit_id == home.id]
        assert home_kinds[0].startswith("echo_")
        assert home_kinds.count("thermostat") <= 1
    by_state = Counter(state.home_state(h) for h in state.homes.values())
    assert all(by_state[s] > 10 for s in Occ)
    offline = sum(1 for e in state.endpoints.values() if not e.reachable(sim.clock.now()))
    assert 0 < offline < len(state.endpoints) / 5
    assert any(not h.occupancy_ids for h in state.homes.values())  # never occupied
    assert state.enablements
    assert state.automations
    assert len(state.templates) == 2


def test_thousand_homes_load_in_seconds() -> None:
    started = time.perf_counter()
    sim = _build(ManualClock(), homes=1000, devices_per_home=5, spare_devices=0)
    elapsed = time.perf_counter() - started
    assert len(sim.state.homes) == 1000
    assert len(sim.state.endpoints) == 5000
    assert elapsed < 10, f"seeding took {elapsed:.1f} s"


def test_empty_property() -> None:
    sim = _build(ManualClock(), homes=0, communities=0, spare_devices=0)
    assert not sim.state.homes
    assert not sim.state.communities
