"""Models of the Automation API.

Triggers and operations are open-ended trees whose payloads differ per type, so they are
kept as JSON objects; the typed parts are the envelopes and the documented enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .common import (
    JsonObject,
    as_object,
    name_text,
    opt_enum,
    opt_object,
    opt_str,
    req_str,
)


class AssociatedEntityType(StrEnum):
    """Type of the entity an automation runs on."""

    UNIT = "UNIT"


class TriggerType(StrEnum):
    """Documented trigger types."""

    CUSTOM_UTTERANCE = "Alexa.Automation.Trigger.Voice.CustomUtterance"
    ABSOLUTE_TIME = "Alexa.Automation.Trigger.Schedule.AbsoluteTime"
    SUNRISE = "Alexa.Automation.Trigger.Schedule.SunriseInCustomLocation"
    SUNSET = "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation"


class OperationType(StrEnum):
    """Documented operation types."""

    NOTIFY = "Alexa.Automation.Operation.Notification.Notify"
    SET_BRIGHTNESS = "Alexa.Automation.Operation.Brightness.SetBrightness"
    TURN_ON = "Alexa.Automation.Operation.Power.TurnOn"
    TURN_OFF = "Alexa.Automation.Operation.Power.TurnOff"
    SET_VOLUME = "Alexa.Automation.Operation.Speaker.SetVolume"
    MEDIA_STOP = "Alexa.Automation.Operation.Media.Stop"
    SET_TARGET_SETPOINT = "Alexa.Automation.Operation.Thermostat.SetTargetSetpoint"
    SET_DO_NOT_DISTURB = "Alexa.Automation.Operation.Settings.SetDoNotDisturbState"


class DoNotDisturbScheduleType(StrEnum):
    """Schedule types of the do-not-disturb operation."""

    DURATION = "DURATION"
    TIME = "TIME"


@dataclass(frozen=True, slots=True, kw_only=True)
class AssociatedEntity:
    """The entity (a unit) an automation runs on."""

    id: str
    type: AssociatedEntityType | str = AssociatedEntityType.UNIT

    @classmethod
    def from_api(cls, data: object) -> AssociatedEntity:
        """Parse an associatedEntity object."""
        obj = as_object(data, "AssociatedEntity")
        return cls(
            id=req_str(obj, "id", "AssociatedEntity"),
            type=opt_enum(AssociatedEntityType, obj.get("type")) or AssociatedEntityType.UNIT,
        )

    def to_api(self) -> dict[str, Any]:
        """Return the API form."""
        return {"type": str(self.type), "id": self.id}


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    """The trigger of an automation or template."""

    type: TriggerType | str
    version: str | None = None
    payload: JsonObject | None = None

    @classmethod
    def from_api(cls, data: object) -> Trigger:
        """Parse a Trigger object."""
        obj = as_object(data, "Trigger")
        trigger_type = req_str(obj, "type", "Trigger")
        return cls(
            type=opt_enum(TriggerType, trigger_type) or trigger_type,
            version=opt_str(obj, "version"),
            payload=opt_object(obj, "payload"),
        )


def _opt_trigger(container: JsonObject | None) -> Trigger | None:
    if container is None or container.get("trigger") is None:
        return None
    return Trigger.from_api(container["trigger"])


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomationTemplate:
    """An automation template; listings without `expand=all` carry only the ID."""

    template_id: str
    trigger: Trigger | None = None
    operations: JsonObject | None = None
    """The operation tree: one of `serial`, `parallel` or `operation`."""
    data_definition: JsonObject | None = None
    """JSON Schemas of the `${data...}` placeholders, keyed by parameter."""
    friendly_name: str | None = None
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> AutomationTemplate:
        """Parse a template object."""
        obj = as_object(data, "AutomationTemplate")
        template = opt_object(obj, "template")
        return cls(
            template_id=req_str(obj, "templateId", "AutomationTemplate"),
            trigger=_opt_trigger(template),
            operations=opt_object(template, "operations") if template is not None else None,
            data_definition=opt_object(obj, "dataDefinition"),
            friendly_name=name_text(obj.get("friendlyName")),
            raw=obj,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Automation:
    """An automation made from a template for a unit; listings without expand carry the ID."""

    automation_id: str
    associated_entity: AssociatedEntity | None = None
    template_id: str | None = None
    trigger: Trigger | None = None
    operations: JsonObject | None = None
    friendly_name: str | None = None
    raw: JsonObject = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def from_api(cls, data: object) -> Automation:
        """Parse an automation object."""
        obj = as_object(data, "Automation")
        automation = opt_object(obj, "automation")
        entity = obj.get("associatedEntity")
        return cls(
            automation_id=req_str(obj, "automationId", "Automation"),
            associated_entity=AssociatedEntity.from_api(entity) if entity is not None else None,
            template_id=opt_str(automation, "templateId") if automation is not None else None,
            trigger=_opt_trigger(automation),
            operations=opt_object(automation, "operations") if automation is not None else None,
            friendly_name=name_text(obj.get("friendlyName")),
            raw=obj,
        )

    @property
    def unit_id(self) -> str | None:
        """Return the unit the automation runs on, if expanded."""
        return self.associated_entity.id if self.associated_entity is not None else None
