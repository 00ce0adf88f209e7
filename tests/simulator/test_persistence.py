"""Optional JSON persistence: a property, its occupancy history and its tokens survive restarts."""

import json
from pathlib import Path

import aiohttp
import pytest

from simulator import ManualClock, SimulatorConfig, build_app, simulator_of, start_simulator
from simulator.persistence import dump, load

from .conftest import Api, fetch_token, vacant_home


async def test_round_trip(tmp_path: Path, clock: ManualClock) -> None:
    state_file = tmp_path / "property.json"
    config = SimulatorConfig(seed=3, homes=6, communities=1, state_file=state_file)
    first = await start_simulator(config, clock=clock)
    sim = first.sim
    async with aiohttp.ClientSession() as session:
        api = Api(session, first.base_url, await fetch_token(session, first))
        community = (
            await api.post(
                "/enterprise/residential/v1/homeCommunities",
                {"name": "Pine Hill", "organizationId": sim.state.organization_id},
            )
        ).json["id"]
        home = vacant_home(sim, with_history=False)
        move_in = await api.post(
            f"/enterprise/residential/v1/homes/{home.id}/occupancies", {"state": "OCCUPIED"}
        )
        occupancy_id = move_in.json["occupancyId"]
        creds = first.credentials
        refresh = sim.new_refresh_token()
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        }
        rotated = (await api.form("/auth/o2/token", form)).json
        before = dump(sim)
        await first.stop()  # saves

        assert json.loads(state_file.read_text())["version"] == 1
        second = await start_simulator(
            SimulatorConfig(seed=99, homes=1, state_file=state_file), clock=clock
        )
        try:
            restored = second.sim
            assert restored.state.organization_id == sim.state.organization_id
            assert restored.client_id == sim.client_id
            assert dump(restored) == before
            api2 = Api(session, second.base_url, rotated["access_token"])  # still valid
            reply = await api2.get(f"/enterprise/residential/v1/homeCommunities/{community}")
            assert reply.json["name"] == "Pine Hill"
            latest = await api2.get(
                f"/enterprise/residential/v1/homes/{home.id}/occupancies/~latest"
            )
            assert latest.json == {
                "occupancyId": occupancy_id,
                "state": "VACANT",
                "requestedState": "OCCUPIED",
            }
            clock.advance(2)
            latest = await api2.get(
                f"/enterprise/residential/v1/homes/{home.id}/occupancies/~latest"
            )
            assert latest.json["state"] == "OCCUPIED"
            old = await api2.form("/auth/o2/token", form)
            assert old.json["error"] == "invalid_grant"  # rotated before the restart
            new = await api2.form(
                "/auth/o2/token", form | {"refresh_token": rotated["refresh_token"]}
            )
            assert new.status == 200
            # New IDs continue the sequence instead of repeating saved ones.
            again = await api2.post(
                "/enterprise/residential/v1/homeCommunities",
                {"name": "Birch", "organizationId": sim.state.organization_id},
            )
            assert again.json["id"] not in {community, *sim.state.communities}
            saved = await api2.post("/_admin/save")
            assert saved.status == 200
        finally:
            await second.stop()


def test_unknown_version_is_refused(clock: ManualClock) -> None:
    sim = simulator_of(build_app(SimulatorConfig(homes=1), clock=clock))
    data = dump(sim) | {"version": 2}
    with pytest.raises(ValueError, match="version"):
        load(sim, data)


def test_missing_file_seeds(tmp_path: Path, clock: ManualClock) -> None:
    config = SimulatorConfig(homes=2, state_file=tmp_path / "new.json")
    sim = simulator_of(build_app(config, clock=clock))
    assert len(sim.state.homes) == 2
