"""Skill Management API."""

from __future__ import annotations

import pytest

from custom_components.alexa_smart_properties.api import (
    AccountLinkRequest,
    AccountLinkStatus,
    AspAuthenticationError,
    AspBadRequestError,
    AspClient,
    BatchEnablementItem,
    BatchItemError,
    SkillEnablementStatus,
    SkillStage,
)

from .conftest import FakeAsp, load_fixture

SKILL = "amzn1.ask.skill.skillId"
UNIT = "amzn1.alexa.unit.did.unitId"
UNIT1 = "amzn1.alexa.unit.did.unitId1"
UNIT2 = "amzn1.alexa.unit.did.unitId2"


async def test_get_skill_enablement(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET", f"/v1/skills/{SKILL}/enablements", json=load_fixture("skill_enablement_get.json")
    )
    enablement = await client.get_skill_enablement(SKILL, UNIT)
    (call,) = fake.requests
    assert (call.method, call.path, call.query) == (
        "GET",
        f"/v1/skills/{SKILL}/enablements",
        [("unitId", UNIT)],
    )
    assert enablement.skill_id == "amzn1.ask.skill.skillId"
    assert enablement.unit_id == "amzn1.alexa.unit.unitId"
    assert enablement.status is SkillEnablementStatus.ENABLED
    assert enablement.account_link_status is AccountLinkStatus.LINKED
    # The page's example carries the placeholder "stage": kept as the raw string.
    assert enablement.stage == "stage"


async def test_list_skill_enablements(client: AspClient, fake: FakeAsp) -> None:
    first = load_fixture("skill_enablements_list.json")
    fake.reply("GET", "/v1/skills/enablements", json=first)
    fake.reply("GET", "/v1/skills/enablements", json={"items": []})
    items = await client.list_skill_enablements(UNIT, max_results=2)
    assert [e.skill_id for e in items] == ["amzn1.ask.skill.skillId1", "amzn1.ask.skill.skillId2"]
    assert all(e.stage is SkillStage.LIVE for e in items)
    assert all(e.account_link_status is AccountLinkStatus.NOT_LINKED for e in items)
    assert [c.query for c in fake.requests] == [
        [("unitId", UNIT), ("maxResults", "2")],
        [("unitId", UNIT), ("maxResults", "2"), ("nextToken", "amzn1.ask.skill.tokenUUID")],
    ]


async def test_enable_skill_matches_page_example(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "POST", f"/v1/skills/{SKILL}/enablements", 201, load_fixture("skill_enable_response.json")
    )
    enablement = await client.enable_skill(
        SKILL,
        UNIT,
        SkillStage.LIVE,
        partition_name="Room101",
        account_link_request=AccountLinkRequest(
            redirect_uri="https://example.com", auth_code="3pauthcode"
        ),
    )
    assert enablement.status is SkillEnablementStatus.ENABLING
    assert enablement.skill_id == "{skillId}"
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", f"/v1/skills/{SKILL}/enablements")
    expected = load_fixture("skill_enable_request.json") | {"unitId": UNIT}
    assert call.json == expected


async def test_enable_skill_minimal(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "POST",
        f"/v1/skills/{SKILL}/enablements",
        201,
        {"skill": {"id": SKILL, "stage": "development"}, "unit": {"id": UNIT}, "status": "ENABLED"},
    )
    enablement = await client.enable_skill(SKILL, UNIT, "development")
    assert fake.requests[0].json == {"unitId": UNIT, "stage": "development"}
    assert enablement.account_link_status is None


async def test_disable_skill(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", f"/v1/skills/{SKILL}/enablements", 204)
    await client.disable_skill(SKILL, UNIT)
    await client.disable_skill(SKILL, UNIT, stage=SkillStage.CERTIFICATION)
    assert [(c.method, c.query, c.body) for c in fake.requests] == [
        ("DELETE", [("unitId", UNIT)], b""),
        ("DELETE", [("unitId", UNIT), ("stage", "certification")], b""),
    ]


def _batch_items() -> list[BatchEnablementItem]:
    return [
        BatchEnablementItem(
            item_id=0,
            unit_id=UNIT1,
            stage=SkillStage.LIVE,
            partition_name="10-101",
            account_link_request=AccountLinkRequest(
                redirect_uri="https://redirecturi.com", auth_code="3pauthcode1"
            ),
        ),
        BatchEnablementItem(
            item_id=1, unit_id=UNIT2, stage="live", partition_name="11-101,11-102,11-103"
        ),
    ]


async def test_batch_enable_matches_page_example(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", f"/v1/skills/{SKILL}/enablements/batch", 202)
    result = await client.batch_enable_skill(SKILL, _batch_items())
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", f"/v1/skills/{SKILL}/enablements/batch")
    expected = load_fixture("skill_batch_request.json")
    expected["items"][0]["unitId"] = UNIT1
    expected["items"][1]["unitId"] = UNIT2
    assert call.json == expected
    assert result.errors == ()
    assert result.accepted_item_ids == (0, 1)


async def test_batch_enable_exposes_item_errors_of_an_accepted_batch(
    client: AspClient, fake: FakeAsp
) -> None:
    fake.reply(
        "POST",
        f"/v1/skills/{SKILL}/enablements/batch",
        202,
        load_fixture("skill_batch_error_items.json"),
    )
    result = await client.batch_enable_skill(SKILL, _batch_items())
    assert result.errors[0] == BatchItemError(
        item_id=0,
        status=400,
        error_code="INVALID_PARAM",
        error_description="unitId is missing or invalid",
    )
    assert result.failed_item_ids == {0, 20}
    assert result.accepted_item_ids == (1,)


async def test_batch_enable_failure_carries_item_errors(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "POST",
        f"/v1/skills/{SKILL}/enablements/batch",
        400,
        load_fixture("skill_batch_error_items.json"),
    )
    with pytest.raises(AspBadRequestError) as caught:
        await client.batch_enable_skill(SKILL, _batch_items())
    err = caught.value
    assert [e.item_id for e in err.item_errors] == [0, 20]
    assert err.code == "INVALID_PARAM"
    assert "item 0: INVALID_PARAM: unitId is missing or invalid" in str(err)


async def test_batch_whole_request_error_tolerates_misspelt_code(
    client: AspClient, fake: FakeAsp, auth: object
) -> None:
    # Both 401s (the first triggers one token retry) carry Amazon's "erorrCode" typo.
    fake.reply(
        "POST",
        f"/v1/skills/{SKILL}/enablements/batch",
        401,
        load_fixture("skill_batch_error_request.json"),
    )
    with pytest.raises(AspAuthenticationError) as caught:
        await client.batch_enable_skill(SKILL, _batch_items())
    (item_error,) = caught.value.item_errors
    assert item_error.item_id is None
    assert item_error.error_code == "INVALID_LWA_TOKEN"
    assert caught.value.status == 401
    assert len(fake.requests) == 2
