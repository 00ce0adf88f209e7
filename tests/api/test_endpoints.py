"""Endpoints API."""

from __future__ import annotations

import math

from custom_components.alexa_smart_properties.api import (
    DEFAULT_UNIT,
    AspClient,
    Color,
    ConnectionType,
    DisplayCategorySource,
    EndpointAssociation,
    ExpandValue,
    FeatureName,
    PropertyErrorType,
    PropertyType,
    QueryField,
    all_of,
    any_of,
    match,
)

from .conftest import FakeAsp, Reply, load_fixture

EP = "amzn1.alexa.endpoint.1"
UNIT = "amzn1.alexa.unit.did.unitFour"


def _page(ids: list[str], token: str | None) -> dict[str, object]:
    return {"results": [{"id": i} for i in ids], "paginationContext": {"nextToken": token}}


async def test_list_all_endpoints_in_ceil_e_over_50_requests(
    client: AspClient, fake: FakeAsp
) -> None:
    ids = [f"amzn1.alexa.endpoint.{n}" for n in range(120)]
    fake.add(
        "GET",
        "/v2/endpoints",
        Reply(json=_page(ids[:50], "t1")),
        Reply(json=_page(ids[50:100], "t2")),
        Reply(json=_page(ids[100:], None)),
    )
    endpoints = await client.list_all_endpoints()
    assert [e.id for e in endpoints] == ids
    assert len(fake.requests) == math.ceil(120 / 50)
    # Amazon's clients name each feature whose properties they want (amazon-clients-facts).
    named = [
        ("expand", f"feature:{name}")
        for name in (
            "brightness",
            "color",
            "colorTemperature",
            "connectivity",
            "power",
            "speaker",
            "temperatureSensor",
            "thermostat",
        )
    ]
    base = [("owner", "~caller"), ("expand", "all"), *named, ("maxResults", "50")]
    assert [c.query for c in fake.requests] == [
        base,
        [*base, ("nextToken", "t1")],
        [*base, ("nextToken", "t2")],
    ]


async def test_endpoint_listing_parses_every_documented_property(
    client: AspClient, fake: FakeAsp
) -> None:
    fixture = load_fixture("endpoints_expand_all.json")
    fake.reply("GET", "/v2/endpoints", json=fixture)
    echo, lamp = await client.list_endpoints_by_owner(
        expand=[ExpandValue.SPEAKER, ExpandValue.CONNECTIVITY]
    )
    assert fake.requests[0].query == [
        ("owner", "~caller"),
        ("expand", "feature:speaker"),
        ("expand", "feature:connectivity"),
        ("maxResults", "50"),
    ]
    assert echo.id == EP
    assert echo.friendly_name == "Room 101 Echo"
    assert echo.manufacturer == "Amazon"
    assert echo.model == "Echo Dot (3rd generation)"
    assert echo.serial_number == "G090LF1234567890"
    assert echo.software_version == "8289648516"
    assert echo.connections[0].type is ConnectionType.TCP_IP
    assert echo.mac_addresses == ("00:11:22:33:44:55",)
    assert echo.creation_time == "2024-09-16T10:00:00Z"
    assert echo.unit_id == UNIT
    assert echo.operations[0].name == "friendlyName"
    assert echo.display_categories is not None
    assert echo.display_categories.primary is not None
    assert echo.display_categories.primary.value == "ALEXA_VOICE_ENABLED"
    assert echo.display_categories.primary.sources == (DisplayCategorySource.ENDPOINT_REPORTER,)
    assert echo.reachable is True
    speaker = echo.feature(FeatureName.SPEAKER)
    assert speaker is not None
    assert (speaker.volume, speaker.muted) == (40.0, False)
    assert speaker.path == f"/v2/endpoints/{EP}/features/speaker"
    assert echo.raw == fixture["results"][0]

    assert lamp.reachable is None  # reachability could not be read
    connectivity = lamp.feature("connectivity")
    assert connectivity is not None
    prop = connectivity.get_property("reachability")
    assert prop is not None
    assert prop.type is PropertyType.ERROR
    assert prop.error is not None
    assert prop.error.type is PropertyErrorType.ENDPOINT_UNREACHABLE
    power = lamp.feature(FeatureName.POWER)
    assert power is not None
    assert power.power_on is True
    brightness = lamp.feature(FeatureName.BRIGHTNESS)
    assert brightness is not None
    assert brightness.brightness == 75.0
    color = lamp.feature(FeatureName.COLOR)
    assert color is not None
    assert color.color == Color(hue=350.5, saturation=0.7138, brightness=0.6524)
    temperature = lamp.feature(FeatureName.COLOR_TEMPERATURE)
    assert temperature is not None
    assert temperature.color_temperature_kelvin == 2700.0
    assert lamp.has_feature("power")
    assert not lamp.has_feature("thermostat")
    assert lamp.model is None
    assert lamp.display_categories is None


async def test_endpoints_by_unit(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", "/v2/endpoints", json=_page([EP], None))
    await client.list_endpoints_by_unit(UNIT, expand=["all"], max_results=20)
    await client.list_endpoints_by_unit(DEFAULT_UNIT)
    assert [c.query for c in fake.requests] == [
        [("associatedUnits.id", UNIT), ("expand", "all"), ("maxResults", "20")],
        [("associatedUnits.id", "~caller.defaultUnitId"), ("maxResults", "50")],
    ]


async def test_get_endpoint(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET", f"/v2/endpoints/{EP}", json=load_fixture("endpoints_expand_all.json")["results"][0]
    )
    endpoint = await client.get_endpoint(EP, expand=["feature:speaker", "feature:connectivity"])
    assert endpoint.friendly_name == "Room 101 Echo"
    (call,) = fake.requests
    assert (call.method, call.path, call.query) == (
        "GET",
        f"/v2/endpoints/{EP}",
        [("expand", "feature:speaker"), ("expand", "feature:connectivity")],
    )


async def test_get_endpoint_by_serial_number(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET",
        "/v2/endpoints",
        json={
            "results": [{"id": EP, "serialNumber": {"type": "PLAIN", "value": {"text": "G0 90"}}}]
        },
    )
    (endpoint,) = await client.get_endpoints_by_serial_number("G0 90", expand=["all"])
    assert endpoint.serial_number == "G0 90"
    assert fake.requests[0].query == [("serialNumber.value.text", "G0 90"), ("expand", "all")]


async def test_query_endpoints_body_and_pagination(client: AspClient, fake: FakeAsp) -> None:
    fake.add(
        "POST",
        "/v2/endpointQuery",
        Reply(json=_page([EP], "next-1")),
        Reply(json=_page(["amzn1.alexa.endpoint.2"], None)),
    )
    query = all_of(
        any_of(
            match(QueryField.UNIT_ID, "amzn1.alexa.unit.did.unitOne"),
            match(QueryField.UNIT_ID, "amzn1.alexa.unit.did.unitTwo"),
        ),
        match(QueryField.MANUFACTURER, "someManufacturer"),
    )
    found = await client.query_endpoints(query, expand=["feature:connectivity"], max_results=10)
    assert [e.id for e in found] == [EP, "amzn1.alexa.endpoint.2"]
    expected_query = {
        "and": [
            {
                "or": [
                    {"match": {"associatedUnits.id": "amzn1.alexa.unit.did.unitOne"}},
                    {"match": {"associatedUnits.id": "amzn1.alexa.unit.did.unitTwo"}},
                ]
            },
            {"match": {"manufacturer.value.text": "someManufacturer"}},
        ]
    }
    assert [c.json for c in fake.requests] == [
        {
            "query": expected_query,
            "expand": ["feature:connectivity"],
            "paginationContext": {"maxResults": 10},
        },
        {
            "query": expected_query,
            "expand": ["feature:connectivity"],
            "paginationContext": {"maxResults": 10, "nextToken": "next-1"},
        },
    ]
    assert all(c.query == [] for c in fake.requests)


async def test_update_associated_units(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "PUT",
        f"/v2/endpoints/{EP}/associatedUnits",
        json=load_fixture("endpoint_associated_units_response.json"),
    )
    association = await client.update_associated_units(EP, UNIT)
    assert association == EndpointAssociation(endpoint_id=EP, associated_unit_ids=(UNIT,))
    assert fake.requests[0].json == [{"id": UNIT}]
    await client.return_endpoint_to_account(EP)
    assert fake.requests[1].json == [{"id": "~caller.defaultUnitId"}]


async def test_set_friendly_name(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", f"/v2/endpoints/{EP}/friendlyName")
    await client.set_friendly_name(EP, "Front Doorbell")
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", f"/v2/endpoints/{EP}/friendlyName")
    assert call.json == load_fixture("endpoint_friendly_name_request.json")


async def test_deregister_and_forget(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", f"/v2/endpoints/{EP}/deregister")
    fake.reply("POST", f"/v2/endpoints/{EP}/forget")
    await client.deregister_endpoint(EP)
    await client.forget_endpoint(EP)
    assert [(c.method, c.path, c.body) for c in fake.requests] == [
        ("POST", f"/v2/endpoints/{EP}/deregister", b""),
        ("POST", f"/v2/endpoints/{EP}/forget", b""),
    ]
    assert "Content-Type" not in fake.requests[0].headers


async def test_delete_timers(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("DELETE", "/v1/alerts/timers", 204)
    await client.delete_timers(EP)
    (call,) = fake.requests
    assert (call.method, call.path, call.query) == (
        "DELETE",
        "/v1/alerts/timers",
        [("endpoint", EP)],
    )
