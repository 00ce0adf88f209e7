"""Home Occupancy API."""

from __future__ import annotations

from custom_components.alexa_smart_properties.api import (
    AccountLinkRequest,
    ApplicationType,
    AspClient,
    HomeOccupancy,
    LinkedApplication,
    OccupancyState,
    SkillStage,
)

from .conftest import FakeAsp, load_fixture

HOME = "amzn1.alexa.unit.did.home1"
OCC = f"/enterprise/residential/v1/homes/{HOME}/occupancies"


async def test_get_latest_occupancy(client: AspClient, fake: FakeAsp) -> None:
    fixture = load_fixture("occupancy_get.json")
    fake.reply("GET", f"{OCC}/~latest", json=fixture)
    occupancy = await client.get_latest_occupancy(HOME)
    (call,) = fake.requests
    assert (call.method, call.path, call.query) == ("GET", f"{OCC}/~latest", [])
    assert occupancy == HomeOccupancy(
        occupancy_id="AedQo29xxx",
        state=OccupancyState.VACANT,
        requested_state=OccupancyState.OCCUPIED,
        linked_applications=(
            LinkedApplication(
                id="amzn1.ask.skill.123456789",
                stage=SkillStage.LIVE,
                type=ApplicationType.SKILL,
                account_link_request=AccountLinkRequest(
                    redirect_uri="https://example.com", auth_code="3pauthcode"
                ),
            ),
        ),
    )
    assert occupancy.change_pending
    assert occupancy.raw == fixture
    assert occupancy.resident_link_url == (
        "https://www.amazon.com/alexaresidential/occupancyId/AedQo29xxx"
    )
    # The resident's authorization code never shows in a repr.
    assert "3pauthcode" not in repr(occupancy)


async def test_get_occupancy_by_id(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"{OCC}/AedQo29xxx", json={"occupancyId": "AedQo29xxx", "state": "LINKED"})
    occupancy = await client.get_occupancy(HOME, "AedQo29xxx")
    assert occupancy.state is OccupancyState.LINKED
    assert occupancy.requested_state is None
    assert not occupancy.change_pending
    assert occupancy.linked_applications == ()


async def test_set_occupancy_matches_page_example(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", OCC, 202, load_fixture("occupancy_set_response.json"))
    occupancy_id = await client.set_occupancy(
        HOME,
        OccupancyState.OCCUPIED,
        [
            LinkedApplication(
                id="amzn1.ask.skill.123456789",
                stage=SkillStage.LIVE,
                account_link_request=AccountLinkRequest(
                    redirect_uri="https://example.com", auth_code="3pauthcode"
                ),
            )
        ],
    )
    assert occupancy_id == "AedQo29xxx"
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", OCC)
    assert call.json == load_fixture("occupancy_set_request.json")


async def test_move_out_sends_state_only(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", OCC, 202, {"occupancyId": "B"})
    assert await client.set_occupancy(HOME, "VACANT") == "B"
    assert fake.requests[0].json == {"state": "VACANT"}
