"""Endpoint features (reads and writes) and the do-not-disturb setting."""

import pytest

from simulator.core import Simulator

from .conftest import Api, visible_endpoint

DND = "Alexa.DoNotDisturb.doNotDisturb"


async def _property(api: Api, endpoint_id: str, feature: str, name: str) -> object:
    reply = await api.get(f"/v2/endpoints/{endpoint_id}/features/{feature}")
    assert reply.status == 200, reply.text
    assert reply.json["name"] == feature
    prop = next(p for p in reply.json["properties"] if p["name"] == name)
    assert prop["type"] == "RETRIEVABLE"
    return prop["value"]


@pytest.mark.parametrize(
    ("feature", "operation", "payload", "prop", "expected"),
    [
        ("power", "turnOn", None, "powerState", "ON"),
        ("power", "turnOff", None, "powerState", "OFF"),
        ("brightness", "setBrightness", {"brightness": 0}, "brightness", 0),
        ("brightness", "setBrightness", {"brightness": 100}, "brightness", 100),
        (
            "color",
            "setColor",
            {"color": {"hue": 360, "saturation": 0.5, "brightness": 1}},
            "color",
            {"hue": 360.0, "saturation": 0.5, "brightness": 1.0},
        ),
        (
            "colorTemperature",
            "setColorTemperature",
            {"colorTemperatureInKelvin": 1000},
            "colorTemperatureInKelvin",
            1000,
        ),
        (
            "colorTemperature",
            "setColorTemperature",
            {"colorTemperatureInKelvin": 10000},
            "colorTemperatureInKelvin",
            10000,
        ),
        ("speaker", "setVolume", {"volume": 35}, "volume", 35),
    ],
)
async def test_writes(
    api: Api,
    sim: Simulator,
    feature: str,
    operation: str,
    payload: dict[str, object] | None,
    prop: str,
    expected: object,
) -> None:
    endpoint = visible_endpoint(sim, feature=feature)
    body = None if payload is None else {"payload": payload}
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/features/{feature}/{operation}", body)
    assert (reply.status, reply.body) == (200, b"")
    assert await _property(api, endpoint.id, feature, prop) == expected


@pytest.mark.parametrize(
    ("feature", "operation", "body"),
    [
        ("brightness", "setBrightness", {"payload": {"brightness": 101}}),
        ("brightness", "setBrightness", {"payload": {"brightness": -1}}),
        ("brightness", "setBrightness", {"payload": {"brightness": 50.5}}),
        ("brightness", "setBrightness", {"payload": {"brightness": True}}),
        ("brightness", "setBrightness", {"payload": {}}),
        ("brightness", "setBrightness", {"brightness": 50}),
        (
            "color",
            "setColor",
            {"payload": {"color": {"hue": 361, "saturation": 0, "brightness": 0}}},
        ),
        (
            "color",
            "setColor",
            {"payload": {"color": {"hue": 0, "saturation": 1.1, "brightness": 0}}},
        ),
        (
            "color",
            "setColor",
            {"payload": {"color": {"hue": 0, "saturation": 0, "brightness": -0.1}}},
        ),
        ("color", "setColor", {"payload": {"color": {"hue": 0, "saturation": 0}}}),
        (
            "color",
            "setColor",
            {"payload": {"color": {"hue": "0", "saturation": 0, "brightness": 0}}},
        ),
        ("colorTemperature", "setColorTemperature", {"payload": {"colorTemperatureInKelvin": 999}}),
        (
            "colorTemperature",
            "setColorTemperature",
            {"payload": {"colorTemperatureInKelvin": 10001}},
        ),
        ("speaker", "setVolume", {"payload": {"volume": 101}}),
        ("speaker", "setVolume", {"payload": {"volume": "loud"}}),
    ],
)
async def test_write_validation(
    api: Api, sim: Simulator, feature: str, operation: str, body: dict[str, object]
) -> None:
    endpoint = visible_endpoint(sim, feature=feature)
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/features/{feature}/{operation}", body)
    assert reply.status == 400, reply.text
    assert set(reply.json) == {"message", "code"}


async def test_unknown_features_and_operations(api: Api, sim: Simulator) -> None:
    plug = visible_endpoint(sim, feature="power")
    cases = [
        ("GET", f"/v2/endpoints/{plug.id}/features/teleport", 404),
        ("GET", f"/v2/endpoints/{plug.id}/features/speaker", 404),  # a plug has no speaker
        ("POST", f"/v2/endpoints/{plug.id}/features/speaker/setVolume", 404),
        ("POST", f"/v2/endpoints/{plug.id}/features/power/explode", 404),
        ("POST", f"/v2/endpoints/{plug.id}/features/connectivity/setReachability", 404),
        ("GET", "/v2/endpoints/bad/features/power", 400),
        ("GET", "/v2/endpoints/amzn1.alexa.endpoint.NOPE/features/power", 404),
    ]
    for method, path, status in cases:
        reply = await api.call(method, path, json_body={"payload": {"volume": 1}})
        assert reply.status == status, path


@pytest.mark.parametrize(
    ("feature", "names"),
    [
        ("thermostat", {"targetSetpoint", "thermostatMode"}),
        ("temperatureSensor", {"temperature"}),
        ("connectivity", {"reachability"}),
        ("speaker", {"volume", "muted"}),
    ],
)
async def test_read_only_feature_shapes(
    api: Api, sim: Simulator, feature: str, names: set[str]
) -> None:
    endpoint = visible_endpoint(sim, feature=feature)
    reply = await api.get(f"/v2/endpoints/{endpoint.id}/features/{feature}")
    assert {p["name"] for p in reply.json["properties"]} == names
    assert reply.json["path"] == f"/v2/endpoints/{endpoint.id}/features/{feature}"


async def test_temperature_shape(api: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="temperatureSensor")
    value = await _property(api, endpoint.id, "temperatureSensor", "temperature")
    assert isinstance(value, dict)
    assert value["scale"] == "CELSIUS"


async def test_writes_need_the_device_online(api: Api, anon: Api, sim: Simulator) -> None:
    endpoint = visible_endpoint(sim, feature="power")
    reply = await anon.put(f"/_admin/endpoints/{endpoint.id}/connectivity", {"online": False})
    assert reply.status == 200
    reply = await api.post(f"/v2/endpoints/{endpoint.id}/features/power/turnOn")
    assert (reply.status, reply.json["code"]) == (400, "ENDPOINT_UNREACHABLE")
    await anon.put(f"/_admin/endpoints/{endpoint.id}/connectivity", {"online": True})
    assert (await api.post(f"/v2/endpoints/{endpoint.id}/features/power/turnOn")).status == 200


async def test_do_not_disturb(api: Api, sim: Simulator) -> None:
    echo = visible_endpoint(sim, feature="speaker")
    path = f"/v2/endpoints/{echo.id}/settings/{DND}"
    assert (await api.get(path)).json is False
    reply = await api.put(path, raw_body=b"true", headers={"Content-Type": "application/json"})
    assert (reply.status, reply.body) == (204, b"")
    assert (await api.get(path)).json is True
    # An object around the value is malformed, as is any other type (Amazon's clients
    # send the bare value).
    for body in ({"value": False}, {}, "yes", 1):
        assert (await api.put(path, body)).status == 400
    assert (await api.get(path)).json is True
    plug = visible_endpoint(sim, feature="power")
    assert (await api.get(f"/v2/endpoints/{plug.id}/settings/{DND}")).status == 404
    assert (await api.get(f"/v2/endpoints/{echo.id}/settings/Alexa.Other")).status == 404
    assert (await api.put(f"/v2/endpoints/{plug.id}/settings/{DND}", True)).status == 404


async def test_several_settings_by_keys(api: Api, sim: Simulator) -> None:
    echo = visible_endpoint(sim, feature="speaker")
    echo.settings["System.locales"] = ["en-US"]
    base = f"/v2/endpoints/{echo.id}/settings"
    reply = await api.get(base, params={"keys": f"{DND},System.locales"})
    assert reply.status == 200
    assert reply.json == {DND: False, "System.locales": ["en-US"]}
    assert (await api.get(base, params={"keys": f"{DND},System.nope"})).status == 404
    assert (await api.get(base)).status == 400
