"""The integration's actions, registered once from `async_setup`.

Each area lives in its own module (occupancy, skills, automations, homes and
communities, devices); they share target resolution (`service_targets.py`), errors and
the audit trail (`services_common.py`, `audit.py`).
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .services_automations import async_setup_automation_services
from .services_devices import async_setup_device_services
from .services_inventory import async_setup_inventory_services
from .services_occupancy import async_setup_occupancy_services
from .services_skills import async_setup_skill_services


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    async_setup_occupancy_services(hass)
    async_setup_skill_services(hass)
    async_setup_automation_services(hass)
    async_setup_inventory_services(hass)
    async_setup_device_services(hass)
