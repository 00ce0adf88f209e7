"""Constants for the Alexa Smart Properties integration."""

from typing import Final

DOMAIN: Final = "alexa_smart_properties"
