"""What the actions share: descriptions and translations, errors, bulk runs, read-backs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import _SERVICES_SCHEMA
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.alexa_smart_properties as integration
from custom_components.alexa_smart_properties.api import (
    AspAuthenticationError,
    AspError,
    AspServerError,
    AspValidationError,
    Automation,
)
from custom_components.alexa_smart_properties.audit import AuditTarget
from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.device_trigger import TRIGGER_TYPES
from custom_components.alexa_smart_properties.services_common import (
    Action,
    async_each_unit,
    async_refresh_after,
    async_refresh_units,
    service_error,
)
from custom_components.alexa_smart_properties.services_occupancy import TRANSITIONS
from simulator.embed import RunningSimulator
from simulator.state import Occ, Template

from .service_helpers import call, expect_error, homes, set_home_state, writes

pytestmark = pytest.mark.small_property

PACKAGE = Path(integration.__file__).parent
MODULES = [
    "audit.py",
    "service_targets.py",
    "services_common.py",
    "services_occupancy.py",
    "services_skills.py",
    "services_automations.py",
    "services_inventory.py",
    "services_devices.py",
    "service_pick.py",
    "refusals.py",
]


@pytest.fixture
def action(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> Action:
    """An action call on the loaded entry."""
    return Action(hass, ServiceCall(hass, DOMAIN, "enable_skill", {}), loaded_entry)


# --- descriptions and translations --------------------------------------------------------


async def test_every_action_described_translated_and_iconed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """services.yaml, the translations and the icons cover exactly the registered actions."""
    described = _SERVICES_SCHEMA(load_yaml_dict(str(PACKAGE / "services.yaml")))
    registered = set(hass.services.async_services_for_domain(DOMAIN))
    assert set(described) == registered
    strings = json.loads((PACKAGE / "translations" / "en.json").read_text())
    icons = json.loads((PACKAGE / "icons.json").read_text())
    for name, description in described.items():
        translated = strings["services"][name]
        assert translated["name"]
        assert translated["description"]
        fields = description.get("fields", {})
        flat = {member for field, spec in fields.items() for member in spec.get("fields", [field])}
        assert set(translated.get("fields", {})) == flat, name
        for field in translated.get("fields", {}).values():
            assert field["name"]
            assert field["description"]
        assert icons["services"][name]["service"].startswith("mdi:")
    assert set(strings["device_automation"]["trigger_type"]) == set(TRIGGER_TYPES)


def test_every_error_key_translated() -> None:
    """Each translation key the actions raise has a message, with the placeholders they pass."""
    strings = json.loads((PACKAGE / "translations" / "en.json").read_text())["exceptions"]
    used: set[str] = set()
    for module in MODULES:
        source = (PACKAGE / module).read_text()
        used |= set(re.findall(r'refused\(\s*"(\w+)"', source))
        used |= set(re.findall(r'translation_key="(\w+)"', source))
        used |= set(re.findall(r'"(action_\w+)"', source))
        used |= set(re.findall(r'_error\(\s*"(\w+)"', source))
    # The causes of Amazon's refusals (refusals.py picks one key per cause).
    used |= set(re.findall(r'return "(\w+)"', (PACKAGE / "refusals.py").read_text()))
    used |= {refusal for _allowed, refusal, _requested in TRANSITIONS.values()}
    missing = used - set(strings)
    assert not missing
    assert {"no_target", "move_in_not_vacant", "action_failed", "bulk_failed"} <= used


# --- errors, bulk runs and read-backs ------------------------------------------------------


async def test_service_error_kinds(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Client-side refusals are validation errors; everything else an API failure."""
    refused = service_error(hass, loaded_entry, "x", AspValidationError("f: bad", field="f"))
    assert isinstance(refused, ServiceValidationError)
    assert refused.translation_key == "invalid_input"
    failed = service_error(hass, loaded_entry, "x", AspServerError("boom", status=503))
    assert not isinstance(failed, ServiceValidationError)
    assert failed.translation_key == "action_failed"
    assert failed.translation_placeholders == {
        "targets": "the organization",
        "skill_id": "",
        "reason": "",
    }
    assert "boom" not in str(failed)  # the raw failure stays in the debug log


async def test_send_refused_by_the_client(action: Action) -> None:
    """Input the client refuses is a validation error, and not audited."""

    async def send() -> None:
        raise AspValidationError("unitId: bad", field="unitId")

    events: list[Any] = []
    action.hass.bus.async_listen("alexa_smart_properties_action", events.append)
    with pytest.raises(ServiceValidationError):
        await action.async_send(send, [AuditTarget("u")])
    await action.hass.async_block_till_done()
    assert events == []


@pytest.mark.parametrize(
    ("error", "kind", "key"),
    [
        (AspValidationError("x: bad", field="x"), ServiceValidationError, "invalid_input"),
        (AspAuthenticationError("revoked", status=401), HomeAssistantError, "action_auth_failed"),
    ],
)
async def test_each_unit_stops_on(
    action: Action, error: AspError, kind: type[HomeAssistantError], key: str
) -> None:
    """Refused input and lost credentials stop a bulk run."""

    async def run(unit_id: str) -> None:
        raise error

    with pytest.raises(kind) as info:
        await async_each_unit(action, [AuditTarget("a"), AuditTarget("b")], run)
    assert info.value.translation_key == key


async def test_refresh_units(action: Action, simulator: RunningSimulator) -> None:
    """Unknown units are not read; unreadable ones count as empty; a failure keeps the data."""
    inventory = action.entry.runtime_data.inventory
    before = inventory.data
    simulator.sim.stats.reset()
    await async_refresh_units(action, ["amzn1.alexa.unit.did.unknown"], skills=True)
    assert simulator.sim.stats.total == 0

    home_id = homes(simulator)[0]
    set_home_state(simulator, home_id, Occ.OCCUPIED)  # the privacy rule: 403 on its skills
    await async_refresh_units(action, [home_id], skills=True, automations=True)
    assert inventory.data.skills[home_id] == ()
    assert inventory.data.automations[home_id] == ()

    simulator.sim.faults.configure({"rate_500": 1.0, "path_pattern": "/v1/skills"})
    refreshed = inventory.data
    await async_refresh_units(action, [homes(simulator)[1]], skills=True)
    assert inventory.data is refreshed
    assert before is not refreshed


async def test_refresh_after_swallows_api_errors() -> None:
    """The change went through; a failed read-back only waits for the next poll."""

    async def read() -> None:
        raise AspServerError("later", status=500)

    await async_refresh_after("it", read())


async def test_stale_device(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A device Amazon no longer lists is refused before any request."""
    ghost = dr.async_get(hass).async_get_or_create(
        config_entry_id=loaded_entry.entry_id, identifiers={(DOMAIN, "ghost")}, name="Ghost"
    )
    simulator.sim.stats.reset()
    placeholders = await expect_error(
        ServiceValidationError,
        "device_not_current",
        lambda: call(hass, "move_out", {"device_id": ghost.id}),
    )
    assert placeholders == {"device": "Ghost"}
    assert simulator.sim.stats.total == 0


# --- automation corner cases ----------------------------------------------------------------


async def test_template_with_broken_data_definition(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """A stored template whose dataDefinition is no JSON Schema: the data can't be checked."""
    state = simulator.sim.state
    template = next(iter(state.templates.values()))
    broken = Template(
        id=state.new_template_id(),
        template=template.template,
        seq=state.next_seq(),
        data_definition={"customUtterance": {"type": "nope"}},
    )
    state.templates[broken.id] = broken
    simulator.sim.stats.reset()
    placeholders = await expect_error(
        ServiceValidationError,
        "automation_data_invalid",
        lambda: call(
            hass,
            "create_automation",
            {
                "unit_id": homes(simulator)[0],
                "template_id": broken.id,
                "data": {"customUtterance": {"text": "hi"}},
            },
        ),
    )
    assert "dataDefinition.customUtterance is broken" in placeholders["error"]
    assert writes(simulator) == 0


async def test_update_automation_without_template(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An automation that names no template can't have its data checked."""
    known = next(
        a.automation_id
        for automations in loaded_entry.runtime_data.inventory.data.automations.values()
        for a in automations
    )
    automation = Automation(automation_id=known)
    with patch(
        "custom_components.alexa_smart_properties.api.AspClient.get_automation",
        return_value=automation,
    ):
        await expect_error(
            ServiceValidationError,
            "automation_data_invalid",
            lambda: call(
                hass,
                "update_automation",
                {"automation_id": automation.automation_id, "data": {}},
                response=False,
            ),
        )


async def test_automation_outside_the_inventory(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, simulator: RunningSimulator
) -> None:
    """An automation or unit the entry's inventory doesn't list is refused, nothing sent."""
    state = simulator.sim.state
    home_id = next(h for h in homes(simulator) if state.home_state(state.homes[h]) is Occ.VACANT)
    template_id = next(iter(state.templates))
    automation_id = (
        await call(
            hass,
            "create_automation",
            {
                "unit_id": home_id,
                "template_id": template_id,
                "data": {"customUtterance": {"text": "outside"}},
            },
        )
    )["units"][0]["automation_id"]
    runtime = loaded_entry.runtime_data
    runtime.inventory.data.automations.pop(home_id)  # as if not read yet
    simulator.sim.stats.reset()
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(hass, "delete_automation", {"automation_id": automation_id}, response=False),
    )
    assert automation_id in state.automations
    await expect_error(
        ServiceValidationError,
        "unknown_id",
        lambda: call(
            hass, "list_automations", {"unit_id": [home_id, "amzn1.alexa.unit.did.unknown"]}
        ),
    )
    assert simulator.sim.stats.total == 0
