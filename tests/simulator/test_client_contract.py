"""Contract tests through the integration's ASP client (custom_components/.../api).

The raw-HTTP tests pin the simulator to the documented contract; these run the same
operations through the client, so a misunderstanding shared by both sides shows up as a
disagreement with the raw tests rather than hiding.
"""

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from custom_components.alexa_smart_properties.api import (
    AccountLinkRequest,
    AspAuthenticationError,
    AspBadRequestError,
    AspClient,
    AspForbiddenError,
    AspInvalidResponseError,
    AspNotFoundError,
    AspRateLimitError,
    AspServerError,
    BatchEnablementItem,
    FeatureName,
    LwaAuth,
    OccupancyState,
    QueryField,
    RetryPolicy,
    SkillEnablementStatus,
    any_of,
    match,
)
from simulator import ManualClock, RunningSimulator
from simulator.core import Simulator
from simulator.state import Occ

from .conftest import Api, endpoints_of, homes_in, vacant_home, visible_endpoint


class Rotations:
    """Collects the refresh tokens the client is handed."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def __call__(self, token: str) -> None:
        self.tokens.append(token)


async def _no_sleep(_: float) -> None:
    """Retries in these tests must not wait."""


@pytest.fixture
def rotations() -> Rotations:
    return Rotations()


@pytest.fixture
async def client(
    server: RunningSimulator,
    session: aiohttp.ClientSession,
    rotations: Rotations,
    clock: ManualClock,
) -> AsyncIterator[AspClient]:
    creds = server.credentials
    auth = LwaAuth(
        client_id=creds.client_id,
        client_secret=creds.client_secret,
        refresh_token=server.sim.new_refresh_token(),
        session=session,
        lwa_base_url=server.base_url,
        on_refresh_token=rotations,
        clock=clock.now,
    )
    policy = RetryPolicy(max_attempts=4, base_delay=0, jitter=0)
    async with AspClient(
        auth, session=session, base_url=server.base_url, retry_policy=policy, sleep=_no_sleep
    ) as asp:
        yield asp


async def test_lwa_refresh_and_rotation(
    client: AspClient, rotations: Rotations, sim: Simulator, clock: ManualClock
) -> None:
    await client.get_unit(sim.state.organization_id)
    assert len(rotations.tokens) == 1
    clock.advance(3600)  # the access token expired: the client refreshes again
    await client.get_unit(sim.state.organization_id)
    assert len(rotations.tokens) == 2
    assert rotations.tokens[0] != rotations.tokens[1]


async def test_expired_token_is_refreshed_after_401(
    client: AspClient, anon: Api, rotations: Rotations, sim: Simulator
) -> None:
    await client.get_unit(sim.state.organization_id)
    await anon.post("/_admin/tokens/expire")
    unit = await client.get_unit(sim.state.organization_id)  # 401, refresh, retry
    assert unit.id == sim.state.organization_id
    assert len(rotations.tokens) == 2


async def test_revoked_grant_raises_authentication_error(
    client: AspClient, anon: Api, sim: Simulator
) -> None:
    await client.get_unit(sim.state.organization_id)
    await anon.post("/_admin/tokens/revoke")
    with pytest.raises(AspAuthenticationError):
        await client.get_unit(sim.state.organization_id)


async def test_withdrawn_client_is_forbidden(client: AspClient, anon: Api, sim: Simulator) -> None:
    await anon.put("/_admin/client", {"granted": False})
    with pytest.raises(AspForbiddenError):
        await client.get_unit(sim.state.organization_id)


async def test_communities_and_homes(client: AspClient, sim: Simulator) -> None:
    org = sim.state.organization_id
    communities = await client.list_home_communities(org)
    assert [c.id for c in communities] == list(sim.state.communities)
    community_id = await client.create_home_community(org, "Pine Hill")
    assert (await client.get_home_community(community_id)).name == "Pine Hill"
    await client.update_home_community(community_id, organization_id=org, name="Pine Hill North")
    assert (await client.get_home_community(community_id)).name == "Pine Hill North"
    home_id = await client.create_home(community_id, "Unit 1")
    homes = await client.list_homes(community_id)
    assert [(h.id, h.name, h.home_community_id) for h in homes] == [
        (home_id, "Unit 1", community_id)
    ]
    await client.update_home(home_id, home_community_id=community_id, name="Unit 2")
    assert (await client.get_home(home_id)).name == "Unit 2"
    with pytest.raises(AspBadRequestError):
        await client.delete_home_community(community_id)  # still has a home
    await client.delete_home(home_id)
    await client.delete_home_community(community_id)
    with pytest.raises(AspNotFoundError):
        await client.get_home(home_id)
    all_homes = [h for c in communities for h in await client.list_homes(c.id)]
    assert len(all_homes) == len(sim.state.homes)


async def test_occupancy_state_machine(
    client: AspClient, anon: Api, sim: Simulator, clock: ManualClock
) -> None:
    home = vacant_home(sim, with_history=False)
    with pytest.raises(AspNotFoundError):
        await client.get_latest_occupancy(home.id)  # never occupied
    occupancy_id = await client.set_occupancy(home.id, OccupancyState.OCCUPIED)
    latest = await client.get_latest_occupancy(home.id)
    assert (latest.occupancy_id, latest.state, latest.requested_state) == (
        occupancy_id,
        OccupancyState.VACANT,
        OccupancyState.OCCUPIED,
    )
    with pytest.raises(AspBadRequestError):
        await client.set_occupancy(home.id, OccupancyState.VACANT)  # change in progress
    clock.advance(2)
    assert (await client.get_occupancy(home.id, occupancy_id)).state == OccupancyState.OCCUPIED
    with pytest.raises(AspBadRequestError):
        await client.set_occupancy(home.id, OccupancyState.LINKED)  # only residents link
    await anon.post(f"/_admin/homes/{home.id}/resident/link")
    clock.advance(2)
    assert (await client.get_latest_occupancy(home.id)).state == OccupancyState.LINKED
    unlink = await client.set_occupancy(home.id, OccupancyState.OCCUPIED)
    assert unlink != occupancy_id
    clock.advance(2)
    await client.set_occupancy(home.id, OccupancyState.VACANT)
    clock.advance(2)
    assert (await client.get_latest_occupancy(home.id)).state == OccupancyState.VACANT


async def test_skills(client: AspClient, sim: Simulator, clock: ManualClock) -> None:
    linking = next(s for s in sim.state.skills.values() if s.account_linking)
    plain = next(s for s in sim.state.skills.values() if "certification" in s.stages)
    unit = next(
        h.id
        for h in homes_in(sim, Occ.VACANT)
        if not any(u == h.id for _, u in sim.state.enablements)
    )
    link = AccountLinkRequest(redirect_uri="https://example.com", auth_code="3pauthcode")
    record = await client.enable_skill(
        linking.id, unit, "live", partition_name="Room101", account_link_request=link
    )
    assert record.status == SkillEnablementStatus.ENABLING
    clock.advance(2)
    record = await client.get_skill_enablement(linking.id, unit)
    assert record.status == SkillEnablementStatus.ENABLED
    assert record.account_link_status == "LINKED"
    result = await client.batch_enable_skill(
        plain.id, [BatchEnablementItem(item_id=0, unit_id=unit, stage="certification")]
    )
    assert result.errors == ()
    listed = await client.list_skill_enablements(unit)
    assert {e.skill_id for e in listed} == {linking.id, plain.id}
    await client.disable_skill(linking.id, unit)
    with pytest.raises(AspNotFoundError):
        await client.get_skill_enablement(linking.id, unit)
    occupied = homes_in(sim, Occ.OCCUPIED)[0].id
    with pytest.raises(AspForbiddenError) as err:
        await client.batch_enable_skill(
            plain.id, [BatchEnablementItem(item_id=7, unit_id=occupied, stage="live")]
        )
    assert [e.item_id for e in err.value.item_errors] == [7]
    assert err.value.item_errors[0].error_code == "FORBIDDEN"


async def test_endpoints(client: AspClient, sim: Simulator, clock: ManualClock) -> None:
    everything = await client.list_all_endpoints()
    visible = [e.id for e in sim.state.endpoints.values() if sim.state.endpoint_visible(e)]
    assert [e.id for e in everything] == visible
    first = everything[0]
    assert first.features
    assert first.associated_unit_ids
    home = vacant_home(sim)
    by_unit = await client.list_endpoints_by_unit(home.id)
    assert [e.id for e in by_unit] == [e.id for e in endpoints_of(sim, home)]
    endpoint = endpoints_of(sim, home)[0]
    (found,) = await client.get_endpoints_by_serial_number(endpoint.serial_number)
    assert found.id == endpoint.id
    queried = await client.query_endpoints(
        any_of(match(QueryField.UNIT_ID, home.id)), max_results=2
    )
    assert [e.id for e in queried] == [e.id for e in endpoints_of(sim, home)]
    await client.set_friendly_name(endpoint.id, "Front Room Echo")
    assert (await client.get_endpoint(endpoint.id)).friendly_name == "Front Room Echo"
    target = next(h for h in homes_in(sim, Occ.VACANT) if h.id != home.id)
    old_id = endpoint.id
    moved = await client.update_associated_units(old_id, target.id)
    assert moved.endpoint_id != old_id
    assert moved.associated_unit_ids == (target.id,)
    with pytest.raises(AspNotFoundError):
        await client.get_endpoint(old_id)
    clock.advance(sim.state.timing.reboot_delay)
    back = await client.return_endpoint_to_account(moved.endpoint_id)
    assert sim.state.endpoints[back.endpoint_id].unit_id is None
    echo = visible_endpoint(sim, feature="speaker")
    echo.timers = 1
    await client.delete_timers(echo.id)
    assert echo.timers == 0
    await client.deregister_endpoint(back.endpoint_id)
    other = endpoints_of(sim, home)[0]
    await client.forget_endpoint(other.id)
    assert back.endpoint_id not in sim.state.endpoints
    assert other.id not in sim.state.endpoints
    hidden = endpoints_of(sim, homes_in(sim, Occ.LINKED)[0])[0]
    with pytest.raises(AspForbiddenError):
        await client.get_endpoint(hidden.id)


async def test_features_and_settings(client: AspClient, sim: Simulator) -> None:
    light = visible_endpoint(sim, feature="color")
    await client.turn_on(light.id)
    await client.set_brightness(light.id, 42)
    await client.set_color(light.id, hue=120, saturation=0.5, brightness=0.75)
    await client.set_color_temperature(light.id, 2700)
    assert light.properties["powerState"] == "ON"
    assert light.properties["brightness"] == 42
    assert light.properties["color"] == {"hue": 120.0, "saturation": 0.5, "brightness": 0.75}
    assert light.properties["colorTemperatureInKelvin"] == 2700
    await client.turn_off(light.id)
    power = await client.get_feature(light.id, FeatureName.POWER)
    assert power.properties[0].value == "OFF"
    echo = visible_endpoint(sim, feature="speaker")
    await client.set_volume(echo.id, 30)
    assert echo.properties["volume"] == 30
    await client.set_do_not_disturb(echo.id, True)
    assert await client.get_do_not_disturb(echo.id) is True
    plug = visible_endpoint(sim, feature="power")
    with pytest.raises(AspNotFoundError):
        await client.get_do_not_disturb(plug.id)
    plug.online = False
    with pytest.raises(AspBadRequestError):
        await client.turn_on(plug.id)


async def test_units(client: AspClient, sim: Simulator) -> None:
    communities = await client.list_units(sim.state.organization_id)
    assert [u.id for u in communities] == list(sim.state.communities)
    assert communities[0].name == sim.state.communities[communities[0].id].name
    assert communities[0].parent_id == sim.state.organization_id
    home = next(iter(sim.state.homes.values()))
    unit = await client.get_unit(home.id)
    assert (unit.name, unit.parent_id) == (home.name, home.community_id)


TRIGGER: dict[str, Any] = {
    "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
    "version": "1.0",
    "payload": {"utterances": ["${data.phrase.text}"], "locale": "en-US"},
}
OPERATIONS: dict[str, Any] = {
    "operation": {
        "type": "Alexa.Automation.Operation.Power.TurnOn",
        "version": "1.0",
        "payload": {"endpoints": [{"id": "${data.device}"}]},
    }
}
DEFINITION: dict[str, Any] = {
    "phrase": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    "device": {"type": "string"},
}


async def test_automations(client: AspClient, sim: Simulator) -> None:
    template_id = await client.create_automation_template(
        trigger=TRIGGER, operations=OPERATIONS, data_definition=DEFINITION, friendly_name="Plug on"
    )
    template = await client.get_automation_template(template_id)
    assert template.friendly_name == "Plug on"
    assert template_id in {t.template_id for t in await client.list_automation_templates()}
    home = next(
        h
        for h in homes_in(sim, Occ.VACANT)
        if any(e.kind == "smart_plug" for e in endpoints_of(sim, h))
    )
    plug = next(e for e in endpoints_of(sim, home) if e.kind == "smart_plug")
    data = {"phrase": {"text": "coffee time"}, "device": plug.id}
    automation_id = await client.create_automation(
        home.id, template_id, data=data, friendly_name="Coffee"
    )
    automation = await client.get_automation(automation_id)
    assert automation.trigger is not None
    assert automation.trigger.payload == {"utterances": ["coffee time"], "locale": "en-US"}
    assert automation.operations == {
        "operation": OPERATIONS["operation"] | {"payload": {"endpoints": [{"id": plug.id}]}}
    }
    with pytest.raises(AspBadRequestError):  # same utterance in the same unit
        await client.create_automation(home.id, template_id, data=data)
    await client.update_automation(automation_id, data | {"phrase": {"text": "tea time"}})
    listed = await client.list_automations(home.id, template_id=template_id)
    assert [a.automation_id for a in listed] == [automation_id]
    assert listed[0].trigger is not None
    assert listed[0].trigger.payload == {"utterances": ["tea time"], "locale": "en-US"}
    with pytest.raises(AspBadRequestError):  # in use
        await client.delete_automation_template(template_id)
    await client.delete_automation(automation_id)
    await client.delete_automation_template(template_id)
    with pytest.raises(AspNotFoundError):
        await client.get_automation_template(template_id)


async def test_throttling_and_server_errors_are_retried(
    client: AspClient, anon: Api, sim: Simulator
) -> None:
    org = sim.state.organization_id
    await anon.post(
        "/_admin/faults/script",
        [{"status": 429, "retry_after": 1}, {"status": 429}, {"status": 503}],
    )
    assert (await client.get_unit(org)).id == org
    requests = (await anon.get("/_admin/requests", params={"route": "/v2/units"})).json["requests"]
    assert [r["status"] for r in requests[-4:]] == [429, 429, 503, 200]
    await anon.post("/_admin/faults/script", [{"status": 429}] * 4)
    with pytest.raises(AspRateLimitError):
        await client.get_unit(org)
    await anon.post("/_admin/faults/script", [{"status": 500}] * 4)
    with pytest.raises(AspServerError):
        await client.get_unit(org)


async def test_malformed_json_is_an_invalid_response(
    client: AspClient, anon: Api, sim: Simulator
) -> None:
    await client.get_unit(sim.state.organization_id)
    await anon.post("/_admin/faults/script", [{"kind": "malformed"}])
    with pytest.raises(AspInvalidResponseError):
        await client.get_unit(sim.state.organization_id)
