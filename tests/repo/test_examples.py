"""The examples work in Home Assistant: blueprints, the dashboard's scripts and templates.

- Each blueprint goes through Home Assistant's blueprint importer (the websocket call the
  "Import blueprint" dialog makes, its GitHub URL served locally) without validation
  errors, is saved, and automations made from it set up.
- The blueprints and scripts do their job against the simulator: a move-out resets the
  home's devices, a device offline in a vacant home raises a notification, the scripts
  behind the dashboard's tiles move residents and reset homes.
- Every template of the dashboard renders against a loaded integration.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components import persistent_notification
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.template import Template
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict, parse_yaml
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.alexa_smart_properties.const import DOMAIN
from simulator.embed import RunningSimulator

from .conftest import advance

REPO = Path(__file__).resolve().parents[2]
BLUEPRINT_DIR = REPO / "blueprints" / "automation" / DOMAIN
BLUEPRINTS = sorted(BLUEPRINT_DIR.glob("*.yaml"))
SCRIPTS = REPO / "examples" / "scripts.yaml"
DASHBOARD = REPO / "examples" / "dashboards" / "property_manager.yaml"
CONSOLE = REPO / "examples" / "dashboards" / "property_console.yaml"
STRATEGY_JS = REPO / "custom_components" / DOMAIN / "frontend" / "asp-dashboard-strategy.js"
RESET = "reset_devices_after_move_out"
NOTIFY = "notify_device_offline_in_vacant_home"


def read(path: Path) -> str:
    return path.read_text()


def device_entry(hass: HomeAssistant, device_id: str) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get(device_id)
    assert isinstance(device, dr.DeviceEntry)
    return device


def device_of(hass: HomeAssistant, entity_id: str) -> dr.DeviceEntry:
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    assert entry.device_id is not None
    return device_entry(hass, entry.device_id)


def raw_github_url(source_url: str) -> str:
    """Where the importer fetches a github.com/.../blob/... URL from."""
    return source_url.replace("https://github.com/", "https://raw.githubusercontent.com/").replace(
        "/blob/", "/"
    )


async def import_blueprint(
    hass: HomeAssistant, ws: Any, aioclient_mock: AiohttpClientMocker, path: Path
) -> str:
    """Import and save a blueprint the way the UI does; return its path for use_blueprint."""
    source_url = load_yaml_dict(str(path))["blueprint"]["source_url"]
    aioclient_mock.get(raw_github_url(source_url), text=read(path))
    await ws.send_json_auto_id({"type": "blueprint/import", "url": source_url})
    reply = await ws.receive_json()
    assert reply["success"], reply
    result = reply["result"]
    assert result["validation_errors"] is None, result["validation_errors"]
    assert result["blueprint"]["metadata"]["domain"] == "automation"
    await ws.send_json_auto_id(
        {
            "type": "blueprint/save",
            "domain": "automation",
            "path": result["suggested_filename"],
            "yaml": result["raw_data"],
            "source_url": source_url,
        }
    )
    saved = await ws.receive_json()
    assert saved["success"], saved
    return f"{result['suggested_filename']}.yaml"


def install_blueprint(config_dir: Path, name: str) -> str:
    """Put a blueprint where Home Assistant finds it; return its path for use_blueprint.

    (The importer's HTTP mock would also catch the integration's calls to the simulator,
    so the tests that run the integration place the file directly.)
    """
    folder = config_dir / "blueprints" / "automation" / DOMAIN
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(BLUEPRINT_DIR / f"{name}.yaml", folder)
    return f"{DOMAIN}/{name}.yaml"


def integration_entities(hass: HomeAssistant, domain: str) -> list[str]:
    return sorted(
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.domain == domain
    )


def occupancy_sensors(hass: HomeAssistant) -> list[str]:
    return [
        entity_id
        for entity_id in integration_entities(hass, "sensor")
        if (state := hass.states.get(entity_id)) is not None
        and state.attributes.get("options") == ["vacant", "occupied", "linked"]
    ]


def home_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return the device ID of the home an endpoint's entity belongs to."""
    device = device_of(hass, entity_id)
    assert device.via_device_id is not None
    return device.via_device_id


def home_entity(hass: HomeAssistant, home: str, domain: str, sensors: list[str]) -> str:
    """Return the entity of a home's device among candidates."""
    registry = er.async_get(hass)
    return next(
        entity_id
        for entity_id in sensors
        if (entry := registry.async_get(entity_id)) is not None
        and entry.device_id == home
        and entity_id.startswith(f"{domain}.")
    )


def vacant_home_with(hass: HomeAssistant, *domains: str) -> tuple[str, dict[str, str]]:
    """Find a vacant home with a reachable entity of each domain; return home and entities."""
    homes: dict[str, dict[str, str]] = {}
    for domain in domains:
        for entity_id in integration_entities(hass, domain):
            state = hass.states.get(entity_id)
            if state is None or state.state in (STATE_UNAVAILABLE, "unknown"):
                continue
            homes.setdefault(home_of(hass, entity_id), {}).setdefault(domain, entity_id)
    sensors = occupancy_sensors(hass)
    for home, found in homes.items():
        occupancy = home_entity(hass, home, "sensor", sensors)
        if set(found) == set(domains) and hass.states.is_state(occupancy, "vacant"):
            return home, {**found, "occupancy": occupancy}
    raise AssertionError(f"no vacant home with {domains}")


# --- the importer ------------------------------------------------------------------------


@pytest.mark.parametrize("path", BLUEPRINTS, ids=lambda path: path.stem)
async def test_blueprint_imports_without_errors(
    hass: HomeAssistant,
    config_dir: Path,
    hass_ws_client: WebSocketGenerator,
    aioclient_mock: AiohttpClientMocker,
    path: Path,
) -> None:
    assert await async_setup_component(hass, "automation", {})
    ws = await hass_ws_client(hass)
    saved = await import_blueprint(hass, ws, aioclient_mock, path)
    stored = load_yaml_dict(str(config_dir / "blueprints" / "automation" / saved))
    assert stored["blueprint"]["name"] == load_yaml_dict(str(path))["blueprint"]["name"]
    # The importer's parse, on its own: the file is the blueprint the metadata promises.
    data = parse_yaml(read(path))
    assert isinstance(data, dict)
    assert data["blueprint"]["source_url"].endswith(f"/{DOMAIN}/{path.name}")


def test_both_blueprints_shipped() -> None:
    assert [path.stem for path in BLUEPRINTS] == sorted([NOTIFY, RESET])


# --- the blueprints at work --------------------------------------------------------------


async def test_reset_devices_after_move_out(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: RunningSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    path = install_blueprint(config_dir, RESET)
    home, entities = vacant_home_with(hass, "light", "number")
    light, volume = entities["light"], entities["number"]
    await hass.services.async_call("light", "turn_on", {"entity_id": light}, blocking=True)
    await hass.services.async_call(
        "number", "set_value", {"entity_id": volume, "value": 80}, blocking=True
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "reset_after_move_out",
                "alias": "Reset after move-out",
                "use_blueprint": {
                    "path": path,
                    "input": {"homes": occupancy_sensors(hass), "volume": 25},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.is_state("automation.reset_after_move_out", STATE_ON)

    for action in ("move_in", "move_out"):
        await hass.services.async_call(DOMAIN, action, {"device_id": home}, blocking=True)
        await advance(hass, simulator, timedelta(seconds=20))  # a pending home's poll
    assert hass.states.is_state(entities["occupancy"], "vacant")
    # The devices come back with the next device poll; then the automation resets them.
    await advance(hass, simulator, timedelta(minutes=3))
    await hass.async_block_till_done()
    assert hass.states.is_state(light, STATE_OFF)
    volume_state = hass.states.get(volume)
    assert volume_state is not None
    assert float(volume_state.state) == 25
    trace = hass.states.get("automation.reset_after_move_out")
    assert trace is not None
    assert trace.attributes.get("last_triggered") is not None


@pytest.mark.usefixtures("connectivity_enabled")
async def test_notify_when_device_offline_in_vacant_home(
    hass: HomeAssistant,
    config_dir: Path,
    simulator: RunningSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    path = install_blueprint(config_dir, NOTIFY)
    assert await async_setup_component(hass, "persistent_notification", {})
    connectivity = [
        entity_id
        for entity_id in integration_entities(hass, "binary_sensor")
        if hass.states.is_state(entity_id, STATE_ON)
        and (state := hass.states.get(entity_id)) is not None
        and state.attributes.get("device_class") == "connectivity"
    ]
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "id": "offline_in_vacant_home",
                "alias": "Offline in vacant home",
                "use_blueprint": {
                    "path": path,
                    "input": {"devices": connectivity, "offline_for": {"minutes": 10}},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.is_state("automation.offline_in_vacant_home", STATE_ON)

    watched = connectivity[0]
    device = device_of(hass, watched)
    endpoint = next(
        e for e in simulator.sim.state.endpoints.values() if e.serial_number == device.serial_number
    )
    endpoint.online = False
    await advance(hass, simulator, timedelta(minutes=3))  # the device poll sees it offline
    assert hass.states.is_state(watched, STATE_OFF)
    assert not persistent_notification._async_get_or_create_notifications(hass)
    await advance(hass, simulator, timedelta(minutes=11))
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    titles = [note["title"] for note in notifications.values()]
    assert titles == [f"{device.name} is offline"], titles


# --- the dashboard's scripts -------------------------------------------------------------


async def set_up_scripts(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, "persistent_notification", {})
    config = load_yaml_dict(str(SCRIPTS))
    assert await async_setup_component(hass, "script", {"script": config})
    await hass.async_block_till_done()
    for name in config:
        assert hass.states.get(f"script.{name}") is not None, name


async def test_scripts_move_in_and_out(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    await set_up_scripts(hass)
    home, entities = vacant_home_with(hass, "light")
    await hass.services.async_call("script", "asp_move_in", {"home": home}, blocking=True)
    await advance(hass, simulator, timedelta(seconds=20))
    assert hass.states.is_state(entities["occupancy"], "occupied")
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    (note,) = notifications.values()
    assert str(note["title"]).startswith("Moved in: ")
    assert "http" in note["message"], "the account-link URL for the resident"
    await hass.services.async_call("script", "asp_move_out", {"home": home}, blocking=True)
    await advance(hass, simulator, timedelta(seconds=20))
    assert hass.states.is_state(entities["occupancy"], "vacant")


async def test_script_resets_a_homes_devices(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    await set_up_scripts(hass)
    home, entities = vacant_home_with(hass, "light", "number")
    await hass.services.async_call(
        "light", "turn_on", {"entity_id": entities["light"]}, blocking=True
    )
    await hass.services.async_call(
        "script", "asp_reset_home_devices", {"home": home, "volume": 40}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.is_state(entities["light"], STATE_OFF)
    volume = hass.states.get(entities["number"])
    assert volume is not None
    assert float(volume.state) == 40


# --- the dashboard -----------------------------------------------------------------------


def markdown_cards(node: Any) -> list[str]:
    """Every markdown card's content in a dashboard."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "markdown":
            found.append(node["content"])
        for value in node.values():
            found += markdown_cards(value)
    elif isinstance(node, list):
        for item in node:
            found += markdown_cards(item)
    return found


def tile_entities(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "tile":
            found.append(node["entity"])
        for value in node.values():
            found += tile_entities(value)
    elif isinstance(node, list):
        for item in node:
            found += tile_entities(item)
    return found


@pytest.mark.usefixtures("connectivity_enabled")
async def test_dashboard_templates_render(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    dashboard = load_yaml_dict(str(DASHBOARD))
    assert dashboard["views"]
    cards = markdown_cards(dashboard)
    assert len(cards) >= 4
    rendered = [Template(card, hass).async_render(parse_result=False) for card in cards]
    text = "\n".join(rendered)
    per_home = next(out for card, out in zip(cards, rendered, strict=True) if "Changing" in card)
    offline_card = next(card for card in cards if "Offline for" in card)
    assert "Unit 101" in text
    homes = len(occupancy_sensors(hass))
    assert f"Homes | **{homes}**" in text
    # Occupancy per home: one table row per home, under its community's name.
    assert sum(line.startswith("| Unit ") for line in per_home.splitlines()) == homes
    assert "Maple Court" in per_home
    # Take a device offline: it shows up in the "Devices offline" table.
    _, entities = vacant_home_with(hass, "light")
    device = device_of(hass, entities["light"])
    endpoint = next(
        e for e in simulator.sim.state.endpoints.values() if e.serial_number == device.serial_number
    )
    endpoint.online = False
    await advance(hass, simulator, timedelta(minutes=3))
    offline = Template(offline_card, hass).async_render(parse_result=False)
    assert device.name is not None
    assert device.name in offline
    # The action tiles open the example scripts.
    scripts = set(load_yaml_dict(str(SCRIPTS)))
    assert {entity.removeprefix("script.") for entity in tile_entities(dashboard)} <= scripts


def test_console_names_the_strategy_the_integration_defines() -> None:
    """`custom:NAME` makes the frontend wait for the element ll-strategy-dashboard-NAME."""
    strategy_type = load_yaml_dict(str(CONSOLE))["strategy"]["type"]
    assert strategy_type == "custom:alexa-smart-properties"
    assert '"ll-strategy-dashboard-alexa-smart-properties"' in STRATEGY_JS.read_text()


@pytest.mark.parametrize("path", [*BLUEPRINTS, SCRIPTS, DASHBOARD, CONSOLE], ids=lambda p: p.name)
def test_examples_are_plain_yaml_files(path: Path) -> None:
    assert path.read_text().endswith("\n")
    assert "\t" not in path.read_text()
