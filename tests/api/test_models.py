"""Models: tolerant of extra fields and unknown enum values, strict on required ones."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.alexa_smart_properties.api import (
    AccountLinkRequest,
    AspInvalidResponseError,
    Automation,
    AutomationTemplate,
    BatchEnablementItem,
    DisplayCategories,
    Endpoint,
    EndpointAssociation,
    Feature,
    Home,
    HomeCommunity,
    HomeOccupancy,
    NameValue,
    OccupancyState,
    SkillEnablement,
    Trigger,
    Unit,
)
from custom_components.alexa_smart_properties.api.models.common import (
    name_text,
    next_token,
    opt_str,
    parse_enum,
    req_list,
)
from custom_components.alexa_smart_properties.api.models.skills import parse_batch_item_error

from .conftest import load_fixture


def test_extra_fields_are_ignored_and_kept_in_raw() -> None:
    data = load_fixture("home_get.json") | {"createdAt": "2025-01-01", "tags": ["a"]}
    home = Home.from_api(data)
    assert home.name == "{homeName}"
    assert home.raw["tags"] == ["a"]
    assert "raw" not in repr(home)


def test_raw_does_not_take_part_in_equality() -> None:
    a = Endpoint.from_api({"id": "amzn1.alexa.endpoint.1", "x": 1})
    b = Endpoint.from_api({"id": "amzn1.alexa.endpoint.1", "x": 2})
    assert a == b


@pytest.mark.parametrize(
    ("model", "data", "missing"),
    [
        (HomeCommunity, {"id": "i", "name": "n"}, "organizationId"),
        (Home, {"id": "i", "homeCommunityId": "c"}, "name"),
        (HomeOccupancy, {"state": "VACANT"}, "occupancyId"),
        (HomeOccupancy, {"occupancyId": "o", "state": 3}, "state"),
        (SkillEnablement, {"skill": {"id": "s"}, "unit": {"id": "u"}}, "status"),
        (SkillEnablement, {"unit": {"id": "u"}, "status": "ENABLED"}, "SkillEnablement.skill"),
        (Endpoint, {"friendlyName": "x"}, "id"),
        (Feature, {"properties": []}, "name"),
        (Feature, {"name": "power", "properties": [{"value": 1}]}, "name"),
        (EndpointAssociation, {"endpoint": {"associatedUnits": []}}, "id"),
        (EndpointAssociation, {}, "EndpointAssociation.endpoint"),
        (AutomationTemplate, {"template": {}}, "templateId"),
        (Automation, {"automation": {}}, "automationId"),
        (Automation, {"automationId": "a", "associatedEntity": {"type": "UNIT"}}, "id"),
        (Trigger, {"version": "1.0"}, "type"),
        (Unit, {"name": "x"}, "id"),
        (NameValue, {"type": "PLAIN", "value": {}}, "value.text"),
    ],
)
def test_missing_required_fields(model: Any, data: dict[str, Any], missing: str) -> None:
    with pytest.raises(AspInvalidResponseError, match=missing.replace(".", r"\.")):
        model.from_api(data)


@pytest.mark.parametrize("data", [None, [], "x", 1])
def test_non_objects_are_invalid(data: object) -> None:
    with pytest.raises(AspInvalidResponseError, match="expected a JSON object"):
        Home.from_api(data)


def test_unknown_enum_values_are_kept_as_strings() -> None:
    occupancy = HomeOccupancy.from_api({"occupancyId": "o", "state": "MOVING", "requestedState": 5})
    assert occupancy.state == "MOVING"
    assert not isinstance(occupancy.state, OccupancyState)
    assert occupancy.requested_state is None
    assert parse_enum(OccupancyState, "LINKED") is OccupancyState.LINKED
    with pytest.raises(AspInvalidResponseError):
        parse_enum(OccupancyState, None)


def test_helpers() -> None:
    assert name_text({"type": "PLAIN", "value": {"text": "A"}}) == "A"
    assert name_text({"value": "B"}) == "B"
    assert name_text("C") == "C"
    assert name_text({"value": {}}) is None
    assert name_text(3) is None
    assert opt_str({"a": 1.5}, "a") == "1.5"
    assert opt_str({"a": True}, "a") is None
    assert next_token({}) is None
    assert next_token({"paginationContext": {"nextToken": None}}) is None
    assert next_token({"paginationContext": {"nextToken": "t"}}) == "t"
    with pytest.raises(AspInvalidResponseError):
        req_list({"homes": {}}, "homes", "list homes")


def test_name_value_round_trip() -> None:
    name = NameValue.from_api(load_fixture("endpoint_friendly_name_request.json"))
    assert name.text == "Front Doorbell"
    assert name.to_api() == load_fixture("endpoint_friendly_name_request.json")
    assert NameValue.from_api({"value": {"text": "x"}}).type == "PLAIN"


def test_secrets_stay_out_of_reprs() -> None:
    link = AccountLinkRequest.from_api(
        {"redirectUri": "https://example.com", "authCode": "test-secret-code", "type": "AUTH_CODE"}
    )
    item = BatchEnablementItem(item_id=1, unit_id="u", stage="live", account_link_request=link)
    assert "test-secret-code" not in repr(link)
    assert "test-secret-code" not in repr(item)
    assert link.to_api()["authCode"] == "test-secret-code"


def test_display_categories_shapes() -> None:
    flat = DisplayCategories.from_api("LIGHT")
    assert flat is not None
    assert flat.primary is not None
    assert flat.primary.value == "LIGHT"
    assert DisplayCategories.from_api(None) is None
    odd = DisplayCategories.from_api(
        {
            "primary": {"sources": []},
            "all": [{"value": "SPEAKER", "sources": ["CUSTOMER", 1, "NEW"]}, {"x": 1}],
        }
    )
    assert odd is not None
    assert odd.primary is None
    assert [c.value for c in odd.all] == ["SPEAKER"]
    assert odd.all[0].sources == ("CUSTOMER", "NEW")


def test_endpoint_tolerates_odd_shapes() -> None:
    endpoint = Endpoint.from_api(
        {
            "id": "amzn1.alexa.endpoint.1",
            "friendlyName": "Plain string",
            "associatedUnits": [{"id": "u"}, "junk", {"noid": 1}],
            "connections": [{"type": "BLE"}],
            "features": "not a list",
        }
    )
    assert endpoint.friendly_name == "Plain string"
    assert endpoint.associated_unit_ids == ("u",)
    assert endpoint.connections[0].type == "BLE"
    assert endpoint.mac_addresses == ()
    assert endpoint.features == ()
    assert endpoint.reachable is None
    assert Endpoint.from_api({"id": "e"}).unit_id is None


def test_feature_unknown_name_and_readers() -> None:
    feature = Feature.from_api(
        {
            "name": "airQuality",
            "properties": [
                {"name": "color", "value": {"hue": 1, "saturation": "x", "brightness": 1}},
                {"name": "powerState", "value": "STANDBY"},
                {"name": "targetSetpoint", "value": {"value": 20, "scale": None}},
                {"name": "thermostatMode", "value": 3},
            ],
        }
    )
    assert feature.name == "airQuality"
    assert feature.color is None
    assert feature.power_on is None
    assert feature.temperature("targetSetpoint") is None
    assert feature.temperature("missing") is None
    assert feature.thermostat_mode is None
    assert feature.reachable is None
    assert feature.get_property("nothing") is None


def test_batch_item_error_parsing() -> None:
    assert parse_batch_item_error({"itemId": "7", "status": "400"}).item_id == 7
    odd = parse_batch_item_error({"itemId": "seven", "status": True, "erorrCode": "X"})
    assert (odd.item_id, odd.status, odd.error_code) == ("seven", None, "X")


def test_automation_parsing_without_expand() -> None:
    automation = Automation.from_api({"automationId": "amzn1.alexa.automation.1"})
    assert automation.template_id is None
    assert automation.trigger is None
    assert automation.operations is None
    assert automation.unit_id is None
    template = AutomationTemplate.from_api({"templateId": "t", "template": {"trigger": None}})
    assert template.trigger is None
    assert template.operations is None
