"""The integration uses Home Assistant's public API only (and its documented hooks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .ha_private_names import DOCUMENTED_HOOKS, package_sources, scan_sources

COMPONENTS = Path(__file__).resolve().parents[2] / "custom_components"


def test_custom_components_use_no_private_home_assistant_name() -> None:
    sources, packages = package_sources(COMPONENTS)
    assert len(sources) > 20, "the scan found the integration's modules"
    assert [str(v) for v in scan_sources(sources, packages)] == []


def test_every_allowed_name_has_a_reason() -> None:
    assert all(reason.strip() for reason in DOCUMENTED_HOOKS.values())


def messages(source: str, **others: str) -> list[str]:
    """Scan `source` as module pkg.mod (with more modules of pkg); return the messages."""
    sources = {"pkg.mod": source, **{f"pkg.{name}": text for name, text in others.items()}}
    return [v.message for v in scan_sources(sources, frozenset({"pkg"}))]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from homeassistant.helpers.entity import Entity\n"
            "class E(Entity):\n"
            "    def _async_write_ha_state(self) -> None: ...\n",
            "E overrides Home Assistant's private _async_write_ha_state",
            id="override-method",
        ),
        pytest.param(
            "from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n"
            "class C(DataUpdateCoordinator[int]):\n"
            "    def _schedule_refresh(self) -> None: ...\n",
            "C overrides Home Assistant's private _schedule_refresh",
            id="override-generic-base",
        ),
        pytest.param(
            "from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n"
            "class C(DataUpdateCoordinator[int]):\n"
            "    def __init__(self) -> None:\n"
            "        self._listeners = {}\n",
            "C overrides Home Assistant's private _listeners",
            id="override-instance-attribute",
        ),
        pytest.param(
            "from homeassistant.helpers.entity import Entity\n"
            "class E(Entity):\n"
            "    def write(self) -> None:\n"
            "        self._async_write_ha_state()\n",
            "self._async_write_ha_state: Home Assistant's private name",
            id="self-access",
        ),
        pytest.param(
            "from homeassistant.helpers.entity import Entity\n"
            "class E(Entity):\n"
            "    def write(self) -> None:\n"
            "        super()._async_write_ha_state()\n",
            "super()._async_write_ha_state: Home Assistant's private name",
            id="super-access",
        ),
        pytest.param(
            "def disable(entity: object) -> None:\n"
            "    entity._attr_entity_registry_enabled_default = False\n",
            "entity._attr_entity_registry_enabled_default: another object's private name",
            id="other-object-attr",
        ),
        pytest.param(
            "from homeassistant.helpers.entity_platform import current_platform\n",
            "imports current_platform",
            id="import-current-platform",
        ),
        pytest.param(
            "def deleted(registry: object) -> object:\n    return registry.deleted_entities\n",
            "uses .deleted_entities",
            id="deleted-entities",
        ),
        pytest.param(
            "from homeassistant.helpers.entity import _async_private\n",
            "imports _async_private from homeassistant.helpers.entity",
            id="import-private-name",
        ),
        pytest.param(
            "from homeassistant.helpers import entity_platform\n"
            "LIMIT = getattr(entity_platform, 'MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY', 1)\n",
            "getattr on Home Assistant's entity_platform",
            id="getattr-on-ha-module",
        ),
        pytest.param(
            "def peek(obj: object) -> object:\n    return getattr(obj, '_tasks')\n",
            "getattr(..., '_tasks')",
            id="getattr-private-string",
        ),
    ],
)
def test_the_scan_catches(source: str, expected: str) -> None:
    assert expected in messages(source)


def test_the_scan_follows_our_own_base_classes() -> None:
    base = (
        "from homeassistant.helpers.update_coordinator import CoordinatorEntity\n"
        "class Base(CoordinatorEntity[object]):\n"
        "    def _own(self) -> None: ...\n"
    )
    child = (
        "from .base import Base\n"
        "class Child(Base):\n"
        "    def _async_write_ha_state(self) -> None:\n"
        "        self._own()\n"
        "        super()._own()\n"
    )
    assert messages(child, base=base) == [
        "Child overrides Home Assistant's private _async_write_ha_state"
    ]


def test_the_scan_allows_documented_hooks_and_our_own_names() -> None:
    source = (
        "from homeassistant.components.event import EventEntity\n"
        "from homeassistant.helpers.update_coordinator import CoordinatorEntity\n"
        "class E(CoordinatorEntity[object], EventEntity):\n"
        "    _attr_has_entity_name = True\n"
        "    _seen: int = 0\n"
        "    def _handle_coordinator_update(self) -> None:\n"
        "        self._trigger_event('x')\n"
        "        self._seen += 1\n"
        "        self._attr_available = True\n"
        "        super()._handle_coordinator_update()\n"
        "class Plain:\n"
        "    def _mine(self) -> None:\n"
        "        self._other = 1\n"
    )
    assert messages(source) == []
