"""The integration tests' fixtures (simulator, config entry) for the security test."""

from tests.integration.conftest import (
    auto_enable_custom_integrations,
    config_entry,
    loaded_entry,
    no_retry_waits,
    sim_config,
    simulator,
)

__all__ = [
    "auto_enable_custom_integrations",
    "config_entry",
    "loaded_entry",
    "no_retry_waits",
    "sim_config",
    "simulator",
]
