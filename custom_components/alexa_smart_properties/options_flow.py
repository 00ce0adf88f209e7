"""Options: poll intervals, the device removal delay and the home communities to include."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final, NamedTuple

import probatio as vol
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)

from .const import (
    CONF_COMMUNITIES,
    CONF_DEVICE_GRACE,
    CONF_ENDPOINT_INTERVAL,
    CONF_INVENTORY_INTERVAL,
    CONF_OCCUPANCY_INTERVAL,
    CONF_SKILLS_INTERVAL,
    DEFAULT_ENDPOINT_INTERVAL,
    DEFAULT_INVENTORY_INTERVAL,
    DEFAULT_OCCUPANCY_INTERVAL,
    DEFAULT_SKILLS_INTERVAL,
    MIN_ENDPOINT_INTERVAL,
)
from .data import AspConfigEntry
from .endpoint_lifecycle import DEFAULT_GRACE

MINUTES: Final = "min"
HOURS: Final = "h"
_SECONDS_PER_UNIT: Final = {MINUTES: 60, HOURS: 3600}


class DurationOption(NamedTuple):
    """A duration in the options form, stored as a number of `unit`s."""

    default: timedelta
    minimum: timedelta
    maximum: timedelta
    unit: str  # MINUTES or HOURS: the form's unit and the stored one

    def in_unit(self, value: timedelta) -> float:
        """Return `value` as a number of this option's units."""
        return value.total_seconds() / _SECONDS_PER_UNIT[self.unit]

    @property
    def low(self) -> float:
        """Return the minimum in the form's unit."""
        return self.in_unit(self.minimum)

    @property
    def high(self) -> float:
        """Return the maximum in the form's unit."""
        return self.in_unit(self.maximum)


# One line per number in the form; each also needs its label, description and
# "<key>_out_of_range" error in the translations.
DURATION_OPTIONS: Final[dict[str, DurationOption]] = {
    CONF_INVENTORY_INTERVAL: DurationOption(
        DEFAULT_INVENTORY_INTERVAL, timedelta(minutes=1), timedelta(days=1), MINUTES
    ),
    CONF_OCCUPANCY_INTERVAL: DurationOption(
        DEFAULT_OCCUPANCY_INTERVAL, timedelta(minutes=1), timedelta(days=1), MINUTES
    ),
    CONF_ENDPOINT_INTERVAL: DurationOption(
        DEFAULT_ENDPOINT_INTERVAL, MIN_ENDPOINT_INTERVAL, timedelta(days=1), MINUTES
    ),
    CONF_SKILLS_INTERVAL: DurationOption(
        DEFAULT_SKILLS_INTERVAL, timedelta(hours=1), timedelta(days=7), HOURS
    ),
    CONF_DEVICE_GRACE: DurationOption(DEFAULT_GRACE, timedelta(hours=1), timedelta(days=30), HOURS),
}


class _RangeCheckedByTheStep(NumberSelector):
    """A number selector that shows its limits but lets any number through to the step.

    The step checks the range itself, so the error is translated and names the limits;
    the selector's own check would answer Home Assistant's raw "Value 0.0 is too small".
    """

    def __call__(self, data: Any) -> float:
        """Accept any number."""
        return float(vol.Coerce(float)(data))


def _number(value: float) -> str:
    return f"{value:g}"


def _placeholders() -> dict[str, str]:
    """Return each option's limits, for its description and its range error."""
    placeholders: dict[str, str] = {}
    for key, option in DURATION_OPTIONS.items():
        placeholders[f"{key}_min"] = _number(option.low)
        placeholders[f"{key}_max"] = _number(option.high)
    return placeholders


def _out_of_range(user_input: dict[str, Any]) -> dict[str, str]:
    """Return an error for each number outside its limits (NaN included)."""
    return {
        key: f"{key}_out_of_range"
        for key, option in DURATION_OPTIONS.items()
        if not option.low <= user_input[key] <= option.high
    }


class AspOptionsFlow(OptionsFlowWithReload):
    """Poll intervals, the device removal delay and the home communities to include."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options; out-of-range numbers stay on the form; saving reloads the entry."""
        errors = _out_of_range(user_input) if user_input is not None else {}
        if user_input is not None and not errors:
            return self.async_create_entry(data=user_input)
        schema = self.add_suggested_values_to_schema(self._schema(), user_input or {})
        return self.async_show_form(
            step_id="init",
            data_schema=schema,
            errors=errors,
            description_placeholders=_placeholders(),
        )

    def _schema(self) -> vol.Schema:
        options = self.config_entry.options
        fields: dict[Any, Any] = {
            vol.Required(
                key, default=options.get(key, option.in_unit(option.default))
            ): _RangeCheckedByTheStep(
                NumberSelectorConfig(
                    min=option.low,
                    max=option.high,
                    step=1,
                    unit_of_measurement=option.unit,
                    mode=NumberSelectorMode.BOX,
                )
            )
            for key, option in DURATION_OPTIONS.items()
        }
        selected: list[str] = options.get(CONF_COMMUNITIES, [])
        fields[vol.Optional(CONF_COMMUNITIES, default=selected)] = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=community_id, label=name)
                    for community_id, name in self._communities(selected).items()
                ],
                multiple=True,
            )
        )
        return vol.Schema(fields)

    def _communities(self, selected: list[str]) -> dict[str, str]:
        """Return the communities to offer, by ID, with their names where known."""
        entry: AspConfigEntry = self.config_entry
        communities: dict[str, str] = {}
        if entry.state is ConfigEntryState.LOADED:
            communities = {
                community.id: community.name
                for community in entry.runtime_data.inventory.data.communities.values()
            }
        for community_id in selected:
            # Still selectable when its name is unknown (entry not loaded, community gone).
            communities.setdefault(community_id, community_id)
        return communities
