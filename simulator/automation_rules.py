"""Automation template and automation validation, and ``${data...}`` placeholder resolution.

Templates may hold placeholders wherever a value goes; their types are checked once the
automation resolves them. Limits from the Automation API page: one trigger, operations as a
tree of serial/parallel/operation nodes, at most 90 nodes under a parallel node and 150 in
all; notification text at most 1024 characters or 2048 bytes; endpoint operations target
exactly one endpoint.
"""

import copy
import re
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

from .errors import bad_request
from .http import JsonObject
from .validation import is_endpoint_id

PLACEHOLDER = re.compile(r"\$\{data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")

TRIGGER_TYPES = (
    "Alexa.Automation.Trigger.Voice.CustomUtterance",
    "Alexa.Automation.Trigger.Schedule.AbsoluteTime",
    "Alexa.Automation.Trigger.Schedule.SunriseInCustomLocation",
    "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
)
CUSTOM_UTTERANCE = TRIGGER_TYPES[0]
OPERATION_TYPES = (
    "Alexa.Automation.Operation.Notification.Notify",
    "Alexa.Automation.Operation.Brightness.SetBrightness",
    "Alexa.Automation.Operation.Power.TurnOn",
    "Alexa.Automation.Operation.Power.TurnOff",
    "Alexa.Automation.Operation.Speaker.SetVolume",
    "Alexa.Automation.Operation.Media.Stop",
    "Alexa.Automation.Operation.Thermostat.SetTargetSetpoint",
    "Alexa.Automation.Operation.Settings.SetDoNotDisturbState",
)
MAX_NODES = 150
MAX_PARALLEL_NODES = 90
_LOCALE = re.compile(r"[a-z]{2,3}-[A-Z]{2}")
_TRIGGER_TIME = re.compile(r"([01]\d|2[0-3])[0-5]\d[0-5]\d")
_NAME_CHARS = re.compile(r"[\w\-=#;:?@& ]+")


def has_placeholder(value: object) -> bool:
    """Tell whether a value is (or contains) a ${data...} placeholder."""
    return isinstance(value, str) and "${" in value


class Checker:
    """Validates one trigger/operations pair, tolerating placeholders in templates."""

    def __init__(self, *, template: bool) -> None:
        """In template mode, placeholder strings stand in for any value."""
        self.template = template

    def _skip(self, value: object) -> bool:
        return self.template and has_placeholder(value)

    def string(self, value: object, where: str) -> None:
        """Require a non-empty string."""
        if self._skip(value):
            return
        if not isinstance(value, str) or not value.strip():
            raise bad_request(f"{where} must be a non-empty string.")

    def integer(
        self, value: object, where: str, low: int | None = None, high: int | None = None
    ) -> None:
        """Require an integer, optionally within bounds."""
        if self._skip(value):
            return
        if not isinstance(value, int) or isinstance(value, bool):
            raise bad_request(f"{where} must be an integer.")
        if (low is not None and value < low) or (high is not None and value > high):
            raise bad_request(f"{where} must be from {low} to {high}.")

    def number(self, value: object, where: str) -> None:
        """Require a number."""
        if self._skip(value):
            return
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise bad_request(f"{where} must be a number.")

    def boolean(self, value: object, where: str) -> None:
        """Require a boolean."""
        if self._skip(value):
            return
        if not isinstance(value, bool):
            raise bad_request(f"{where} must be a boolean.")

    def obj(self, value: object, where: str) -> JsonObject:
        """Require an object (placeholders can't stand for whole objects here)."""
        if not isinstance(value, dict):
            raise bad_request(f"{where} must be an object.")
        return value

    def items(self, value: object, where: str) -> list[Any]:
        """Require a non-empty list."""
        if not isinstance(value, list) or not value:
            raise bad_request(f"{where} must be a non-empty list.")
        return value

    def locale(self, value: object, where: str) -> None:
        """Require a BCP-47 locale with language and region (en-US)."""
        if self._skip(value):
            return
        if not isinstance(value, str) or not _LOCALE.fullmatch(value):
            raise bad_request(f"{where} must be a BCP-47 locale with a region, like en-US.")

    def recurrence(self, value: object, where: str) -> None:
        """Require an RFC 5545 RRULE."""
        if self._skip(value):
            return
        if not isinstance(value, str) or not value.startswith("RRULE:") or "FREQ=" not in value:
            raise bad_request(f"{where} must be an RRULE (RRULE:FREQ=...).")

    # ----- trigger -----------------------------------------------------------------------
    def trigger(self, trigger: object) -> None:
        """Validate a Trigger object."""
        trigger = self.obj(trigger, "trigger")
        kind = trigger.get("type")
        if kind not in TRIGGER_TYPES:
            raise bad_request(f"trigger.type {kind!r} doesn't exist.")
        self.string(trigger.get("version"), "trigger.version")
        payload = self.obj(trigger.get("payload"), "trigger.payload")
        if kind == CUSTOM_UTTERANCE:
            for index, utterance in enumerate(self.items(payload.get("utterances"), "utterances")):
                self.string(utterance, f"trigger.payload.utterances[{index}]")
            self.locale(payload.get("locale"), "trigger.payload.locale")
        elif kind == "Alexa.Automation.Trigger.Schedule.AbsoluteTime":
            schedule = self.obj(payload.get("schedule"), "trigger.payload.schedule")
            time = schedule.get("triggerTime")
            if not self._skip(time) and (
                not isinstance(time, str) or not _TRIGGER_TIME.fullmatch(time)
            ):
                raise bad_request("triggerTime must be an RFC 5545 TIME (HHMMSS) without Z.")
            self.string(schedule.get("timeZoneId"), "trigger.payload.schedule.timeZoneId")
            self.recurrence(schedule.get("recurrence"), "trigger.payload.schedule.recurrence")
        else:
            self.recurrence(payload.get("recurrence"), "trigger.payload.recurrence")
            self.number(payload.get("latitude"), "trigger.payload.latitude")
            self.number(payload.get("longitude"), "trigger.payload.longitude")
            if "timeOffset" in payload:
                self.integer(payload["timeOffset"], "trigger.payload.timeOffset")
            if "timeZoneId" in payload:
                self.string(payload["timeZoneId"], "trigger.payload.timeZoneId")

    # ----- operations --------------------------------------------------------------------
    def operations(self, operations: object) -> None:
        """Validate the operations tree and its size limits."""
        operations = self.obj(operations, "operations")
        if len(operations) != 1 or next(iter(operations)) not in {
            "serial",
            "parallel",
            "operation",
        }:
            raise bad_request("operations must hold exactly one of serial, parallel or operation.")
        total = self._node(operations, "operations")
        if total > MAX_NODES:
            raise bad_request(f"operations has {total} nodes; at most {MAX_NODES} are allowed.")

    def _node(self, node: object, where: str) -> int:
        """Validate one node; return how many nodes its subtree holds (itself included)."""
        node = self.obj(node, where)
        if len(node) != 1:
            raise bad_request(f"{where} must hold exactly one of serial, parallel or operation.")
        ((key, value),) = node.items()
        if key == "operation":
            self.operation(value, f"{where}.operation")
            return 1
        if key not in {"serial", "parallel"}:
            raise bad_request(f"{where}.{key} isn't serial, parallel or operation.")
        children = self.items(value, f"{where}.{key}")
        below = sum(self._node(child, f"{where}.{key}[{i}]") for i, child in enumerate(children))
        if key == "parallel" and below > MAX_PARALLEL_NODES:
            raise bad_request(
                f"{where}.parallel holds {below} nodes; at most {MAX_PARALLEL_NODES} are allowed."
            )
        return below + 1

    def operation(self, operation: object, where: str) -> None:
        """Validate one Operation object."""
        operation = self.obj(operation, where)
        kind = operation.get("type")
        if kind not in OPERATION_TYPES:
            raise bad_request(f"{where}.type {kind!r} doesn't exist.")
        self.string(operation.get("version"), f"{where}.version")
        payload = self.obj(operation.get("payload"), f"{where}.payload")
        name = str(kind).rsplit(".", 2)[-2:]
        if kind == "Alexa.Automation.Operation.Notification.Notify":
            self._notification(payload, f"{where}.payload")
            return
        self._endpoints(payload.get("endpoints"), f"{where}.payload.endpoints")
        inner = payload.get("payload")
        if name == ["Brightness", "SetBrightness"]:
            inner = self.obj(inner, f"{where}.payload.payload")
            self.integer(inner.get("brightness"), f"{where}.payload.payload.brightness", 0, 100)
        elif name == ["Speaker", "SetVolume"]:
            inner = self.obj(inner, f"{where}.payload.payload")
            self.integer(inner.get("volume"), f"{where}.payload.payload.volume", 0, 100)
        elif name == ["Thermostat", "SetTargetSetpoint"]:
            inner = self.obj(inner, f"{where}.payload.payload")
            setpoint = self.obj(inner.get("targetSetpoint"), f"{where}...targetSetpoint")
            self.number(setpoint.get("value"), f"{where}...targetSetpoint.value")
            scale = setpoint.get("scale")
            if not self._skip(scale) and scale not in {"CELSIUS", "FAHRENHEIT", "KELVIN"}:
                raise bad_request(
                    f"{where}...targetSetpoint.scale must be CELSIUS, FAHRENHEIT or KELVIN."
                )
        elif name == ["Settings", "SetDoNotDisturbState"]:
            self.boolean(payload.get("value"), f"{where}.payload.value")
            if "schedule" in payload:
                schedule = self.obj(payload["schedule"], f"{where}.payload.schedule")
                if not self._skip(schedule.get("type")) and schedule.get("type") not in {
                    "DURATION",
                    "TIME",
                }:
                    raise bad_request(f"{where}.payload.schedule.type must be DURATION or TIME.")
                self.string(schedule.get("value"), f"{where}.payload.schedule.value")

    def _endpoints(self, endpoints: object, where: str) -> None:
        if not isinstance(endpoints, list) or len(endpoints) != 1:
            raise bad_request(f"{where} must list exactly one endpoint.")
        target = self.obj(endpoints[0], f"{where}[0]")
        endpoint_id = target.get("id")
        if not self._skip(endpoint_id) and not is_endpoint_id(endpoint_id):
            raise bad_request(f"{where}[0].id must be an endpoint ID.")

    def _notification(self, payload: JsonObject, where: str) -> None:
        notification = self.obj(payload.get("notification"), f"{where}.notification")
        variants = self.items(notification.get("variants"), f"{where}.notification.variants")
        for i, raw_variant in enumerate(variants):
            here = f"{where}.notification.variants[{i}]"
            variant = self.obj(raw_variant, here)
            if variant.get("type") != "Announcement":
                raise bad_request(f"{here}.type must be Announcement.")
            content = self.obj(variant.get("content"), f"{here}.content")
            for j, raw_spoken in enumerate(
                self.items(content.get("variants"), f"{here}.content.variants")
            ):
                there = f"{here}.content.variants[{j}]"
                spoken = self.obj(raw_spoken, there)
                if spoken.get("type") != "SpokenText":
                    raise bad_request(f"{there}.type must be SpokenText.")
                for k, raw_value in enumerate(self.items(spoken.get("values"), f"{there}.values")):
                    value = self.obj(raw_value, f"{there}.values[{k}]")
                    self.locale(value.get("locale"), f"{there}.values[{k}].locale")
                    text = value.get("text")
                    self.string(text, f"{there}.values[{k}].text")
                    if isinstance(text, str) and (len(text) > 1024 or len(text.encode()) > 2048):
                        raise bad_request(
                            f"{there}.values[{k}].text exceeds 1024 characters or 2048 bytes."
                        )


def check_placeholders(template: JsonObject) -> None:
    """Refuse malformed placeholders (anything with ${ that isn't ${data.a.b})."""

    def walk(value: object) -> None:
        if isinstance(value, str) and "${" in value:
            leftover = PLACEHOLDER.sub("", value)
            if "${" in leftover:
                raise bad_request(f"Malformed placeholder in {value!r}; use ${{data.name}}.")
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(template)


def check_data_definition(definition: object) -> JsonObject:
    """Each key of dataDefinition must be a valid JSON Schema."""
    if not isinstance(definition, dict):
        raise bad_request("dataDefinition must be an object.")
    for key, schema in definition.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise bad_request(f"dataDefinition key {key!r} isn't a valid name.")
        if not isinstance(schema, dict):
            raise bad_request(f"dataDefinition.{key} must be a JSON Schema object.")
        try:
            validator_for(schema).check_schema(schema)
        except jsonschema.SchemaError as err:
            raise bad_request(
                f"dataDefinition.{key} isn't a valid JSON Schema: {err.message}"
            ) from err
    return definition


def check_data(definition: JsonObject | None, data: object) -> JsonObject:
    """Validate automation data against the template's dataDefinition."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise bad_request("automation.data must be an object.")
    definition = definition or {}
    for key, value in data.items():
        schema = definition.get(key)
        if schema is None:
            raise bad_request(f"data.{key} isn't defined by the template's dataDefinition.")
        try:
            validator_for(schema)(schema).validate(value)
        except jsonschema.ValidationError as err:
            raise bad_request(f"data.{key} doesn't match the template: {err.message}") from err
    return data


def _lookup(data: JsonObject, path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise bad_request(f"There is an unresolved variable ${{data.{path}}}.")
        value = value[part]
    return value


def resolve(template: JsonObject, data: JsonObject) -> JsonObject:
    """Replace ${data...} placeholders; a whole-string placeholder keeps the value's type."""

    def walk(value: Any) -> Any:
        if isinstance(value, str) and "${" in value:
            whole = PLACEHOLDER.fullmatch(value)
            if whole:
                return copy.deepcopy(_lookup(data, whole.group(1)))

            def text(match: re.Match[str]) -> str:
                found = _lookup(data, match.group(1))
                if isinstance(found, dict | list):
                    raise bad_request(f"${{data.{match.group(1)}}} can't go inside a string.")
                return str(found)

            return PLACEHOLDER.sub(text, value)
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    resolved: JsonObject = walk(template)
    return resolved


def utterances(resolved: JsonObject) -> set[str]:
    """Return the normalised custom utterances of a resolved automation (if any)."""
    trigger = resolved.get("trigger", {})
    if trigger.get("type") != CUSTOM_UTTERANCE:
        return set()
    return {" ".join(str(u).lower().split()) for u in trigger["payload"]["utterances"]}


def endpoint_ids(node: object) -> set[str]:
    """Collect every endpoint an operations tree targets."""
    found: set[str] = set()
    if isinstance(node, dict):
        endpoints = node.get("endpoints")
        if isinstance(endpoints, list):
            found |= {e["id"] for e in endpoints if isinstance(e, dict) and "id" in e}
        for value in node.values():
            found |= endpoint_ids(value)
    elif isinstance(node, list):
        for value in node:
            found |= endpoint_ids(value)
    return found


def check_friendly_name(value: object, *, name_value: bool) -> JsonObject | None:
    """Validate a friendlyName: value.text of 1-100 letters, numbers, spaces and _-=#;:?@&.

    The page forbids spaces but its own examples ("Test template") use them; spaces pass.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("friendlyName must be an object.")
    if name_value and value.get("type", "PLAIN") != "PLAIN":
        raise bad_request("friendlyName.type must be PLAIN.")
    inner = value.get("value")
    text = inner.get("text") if isinstance(inner, dict) else None
    if not isinstance(text, str) or not 1 <= len(text) <= 100:
        raise bad_request("friendlyName.value.text must be 1 to 100 characters.")
    if not _NAME_CHARS.fullmatch(text):
        raise bad_request(
            "friendlyName.value.text may hold letters, numbers and _ - = # ; : ? @ &."
        )
    return value
