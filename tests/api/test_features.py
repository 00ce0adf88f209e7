"""Endpoint features and settings (asp-facts.md)."""

from __future__ import annotations

import pytest

from custom_components.alexa_smart_properties.api import (
    AspClient,
    AspInvalidResponseError,
    AspValidationError,
    EndpointAssociation,
    Feature,
    FeatureName,
    Temperature,
    TemperatureScale,
)

from .conftest import FakeAsp, load_fixture

EP = "amzn1.alexa.endpoint.1"
FEATURES = f"/v2/endpoints/{EP}/features"


async def test_get_connectivity(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"{FEATURES}/connectivity", json=load_fixture("feature_connectivity.json"))
    feature = await client.get_feature(EP, FeatureName.CONNECTIVITY)
    assert feature.name is FeatureName.CONNECTIVITY
    assert feature.reachable is True
    assert fake.requests[0].method == "GET"


async def test_offline_is_anything_but_ok(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET",
        f"{FEATURES}/connectivity",
        json={
            "name": "connectivity",
            "properties": [{"name": "reachability", "value": {"value": "UNREACHABLE"}}],
        },
    )
    assert (await client.get_feature(EP, "connectivity")).reachable is False


async def test_thermostat_readers(client: AspClient, fake: FakeAsp) -> None:
    fake.reply(
        "GET",
        f"{FEATURES}/thermostat",
        json={
            "name": "thermostat",
            "properties": [
                {"name": "targetSetpoint", "value": {"value": 21.5, "scale": "CELSIUS"}},
                {"name": "thermostatMode", "value": "HEAT"},
                {"name": "temperature", "value": {"value": "warm", "scale": "CELSIUS"}},
                {"name": "powerState", "value": "OFF"},
                {"name": "muted", "type": "NOT_RETRIEVABLE"},
            ],
        },
    )
    feature = await client.get_feature(EP, "thermostat")
    assert feature.temperature("targetSetpoint") == Temperature(
        value=21.5, scale=TemperatureScale.CELSIUS
    )
    assert feature.thermostat_mode == "HEAT"
    assert feature.temperature() is None  # not a number
    assert feature.power_on is False
    assert feature.muted is None
    assert feature.color is None
    assert feature.brightness is None


async def test_power_writes(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", f"{FEATURES}/power/turnOn")
    fake.reply("POST", f"{FEATURES}/power/turnOff")
    await client.turn_on(EP)
    await client.turn_off(EP)
    assert [(c.method, c.path, c.body) for c in fake.requests] == [
        ("POST", f"{FEATURES}/power/turnOn", b""),
        ("POST", f"{FEATURES}/power/turnOff", b""),
    ]


async def test_value_writes(client: AspClient, fake: FakeAsp) -> None:
    for action in (
        "brightness/setBrightness",
        "color/setColor",
        "colorTemperature/setColorTemperature",
        "speaker/setVolume",
    ):
        fake.reply("POST", f"{FEATURES}/{action}")
    await client.set_brightness(EP, 55)
    await client.set_color(EP, hue=350.5, saturation=0.7, brightness=1)
    await client.set_color_temperature(EP, 2700)
    await client.set_volume(EP, 30)
    assert [(c.path, c.json) for c in fake.requests] == [
        (f"{FEATURES}/brightness/setBrightness", {"payload": {"brightness": 55}}),
        (
            f"{FEATURES}/color/setColor",
            {"payload": {"color": {"hue": 350.5, "saturation": 0.7, "brightness": 1}}},
        ),
        (
            f"{FEATURES}/colorTemperature/setColorTemperature",
            {"payload": {"colorTemperatureInKelvin": 2700}},
        ),
        (f"{FEATURES}/speaker/setVolume", {"payload": {"volume": 30}}),
    ]


async def test_do_not_disturb(client: AspClient, fake: FakeAsp) -> None:
    path = f"/v2/endpoints/{EP}/settings/Alexa.DoNotDisturb.doNotDisturb"
    fake.reply("GET", path, json={"value": True})
    fake.reply("PUT", path, 204)
    assert await client.get_do_not_disturb(EP) is True
    await client.set_do_not_disturb(EP, False)
    assert [(c.method, c.path, c.json) for c in fake.requests] == [
        ("GET", path, None),
        ("PUT", path, False),  # the bare value, as Amazon's clients send it
    ]


async def test_do_not_disturb_bare_boolean_and_garbage(client: AspClient, fake: FakeAsp) -> None:
    path = f"/v2/endpoints/{EP}/settings/Alexa.DoNotDisturb.doNotDisturb"
    fake.reply("GET", path, json=False)
    assert await client.get_do_not_disturb(EP) is False
    fake.routes.clear()
    fake.reply("GET", path, json={"value": "yes"})
    with pytest.raises(AspInvalidResponseError):
        await client.get_do_not_disturb(EP)


async def test_generic_setting(client: AspClient, fake: FakeAsp) -> None:
    path = f"/v2/endpoints/{EP}/settings/System.locales"
    fake.reply("GET", path, json={"other": 1})
    fake.reply("PUT", path, 204)
    assert await client.get_setting(EP, "System.locales") == {"other": 1}
    await client.set_setting(EP, "System.locales", ["en-US"])
    assert fake.requests[1].json == ["en-US"]


@pytest.mark.parametrize(
    "value",
    ["OK", {"value": "OK"}, {"value": {"value": "OK"}}],
    ids=["bare", "wrapped", "wrapped-twice"],
)
def test_property_values_read_the_same_however_wrapped(value: object) -> None:
    feature = Feature.from_api(
        {"name": "connectivity", "properties": [{"name": "reachability", "value": value}]}
    )
    assert feature.reachable is True


@pytest.mark.parametrize(
    "answer",
    [
        {"Alexa.DoNotDisturb.doNotDisturb": True, "System.locales": ["en-US"]},
        {"Alexa.DoNotDisturb.doNotDisturb": {"value": True}, "System.locales": ["en-US"]},
        {
            "settings": [
                {"key": "Alexa.DoNotDisturb.doNotDisturb", "value": True},
                {"key": "System.locales", "value": ["en-US"]},
            ]
        },
        [
            {"name": "Alexa.DoNotDisturb.doNotDisturb", "value": True},
            {"name": "System.locales", "value": ["en-US"]},
            {"name": "System.timeZone", "value": "Europe/Paris"},  # not asked for
        ],
    ],
    ids=["keyed", "keyed-wrapped", "entries", "bare-entries"],
)
async def test_several_settings(client: AspClient, fake: FakeAsp, answer: object) -> None:
    path = f"/v2/endpoints/{EP}/settings"
    fake.reply("GET", path, json=answer)
    keys = ["Alexa.DoNotDisturb.doNotDisturb", "System.locales"]
    assert await client.get_settings(EP, keys) == {
        "Alexa.DoNotDisturb.doNotDisturb": True,
        "System.locales": ["en-US"],
    }
    assert fake.requests[0].query == [("keys", "Alexa.DoNotDisturb.doNotDisturb,System.locales")]


async def test_several_settings_refuses_bad_keys_before_sending(
    client: AspClient, fake: FakeAsp
) -> None:
    with pytest.raises(AspValidationError):
        await client.get_settings(EP, [])
    with pytest.raises(AspValidationError):
        await client.get_settings(EP, ["a,b"])
    with pytest.raises(AspValidationError):
        await client.set_setting(EP, "System.locales", None)
    assert fake.requests == []


@pytest.mark.parametrize(
    "answer",
    [
        {"endpoint": {"id": "amzn1.alexa.endpoint.2", "associatedUnits": [{"id": "u"}]}},
        {"id": "amzn1.alexa.endpoint.2", "associatedUnits": [{"id": "u"}]},
    ],
    ids=["documented", "bare"],
)
def test_association_answer_with_or_without_wrapper(answer: object) -> None:
    association = EndpointAssociation.from_api(answer)
    assert (association.endpoint_id, association.associated_unit_ids) == (
        "amzn1.alexa.endpoint.2",
        ("u",),
    )
