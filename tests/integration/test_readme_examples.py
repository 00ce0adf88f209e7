"""The README's action examples work in the demo (`scripts/develop`'s property).

Every Amazon ID the examples use is one the demo simulator has, every entity ID one Home
Assistant registers for it, and a few examples run as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util.yaml import parse_yaml
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alexa_smart_properties.const import DOMAIN
from scripts.dev.harness import SimulatorOptions
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator

README = Path(__file__).resolve().parents[2] / "README.md"
AMAZON_ID = re.compile(r"amzn1\.[a-z0-9.-]+\.[A-Za-z0-9-]+")
ENTITY_ID = re.compile(r"\b(?:sensor|switch|binary_sensor|number|light)\.[a-z0-9_]+")


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """The demo's property (scripts/develop), with changes applied at once."""
    demo = SimulatorOptions(port=0)
    return SimulatorConfig(
        seed=demo.seed,
        communities=demo.communities,
        homes=demo.homes,
        devices_per_home=demo.devices_per_home,
        spare_devices=demo.spare_devices,
        occupancy_delay=0,
        skill_enable_delay=0,
        reboot_delay=0,
    )


def example_blocks() -> list[str]:
    """Return the YAML examples of the README's Actions section."""
    text = README.read_text()
    section = text[text.index("## Actions") : text.index("## The property console")]
    return re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)


def known_ids(simulator: RunningSimulator) -> set[str]:
    state = simulator.sim.state
    return {
        *state.homes,
        *state.communities,
        *state.skills,
        *state.templates,
        *state.automations,
        *state.endpoints,
        state.organization_id,
    }


async def test_every_example_id_is_in_the_demo(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    examples = "\n".join(example_blocks())
    amazon_ids = set(AMAZON_ID.findall(examples))
    assert amazon_ids, "the examples use Amazon IDs"
    assert amazon_ids <= known_ids(simulator), amazon_ids - known_ids(simulator)
    entity_ids = set(ENTITY_ID.findall(examples))
    assert entity_ids, "the examples use entity targets"
    registry = er.async_get(hass)
    missing = {e for e in entity_ids if registry.async_get(e) is None}
    assert not missing


def _steps(block: str) -> list[dict[str, Any]]:
    loaded = parse_yaml(block)
    return [step for step in loaded if isinstance(step, dict) and "action" in step]


async def test_skill_examples_run_as_written(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The skills block: enable in two homes, disable in one, list one; no unit fails."""
    block = next(b for b in example_blocks() if "alexa_smart_properties.enable_skill" in b)
    steps = _steps(block)
    assert [step["action"] for step in steps] == [
        f"{DOMAIN}.enable_skill",
        f"{DOMAIN}.disable_skill",
        f"{DOMAIN}.list_skill_enablements",
    ]
    for step in steps:
        response = await hass.services.async_call(
            DOMAIN,
            step["action"].split(".")[1],
            step.get("data", {}),
            target=step.get("target"),
            blocking=True,
            return_response=True,
        )
        assert isinstance(response, dict)
        assert response.get("failed", 0) == 0, response
        units = response["units"]
        assert isinstance(units, list)
        assert all(isinstance(unit, dict) and "error" not in unit for unit in units), response
