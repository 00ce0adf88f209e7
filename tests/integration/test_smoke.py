from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.alexa_smart_properties.const import DOMAIN


async def test_integration_is_found(hass: HomeAssistant) -> None:
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.domain == DOMAIN
    assert integration.manifest["iot_class"] == "cloud_polling"
