"""Client-side checks of the rules the API pages state, run before anything is sent.

Every function raises `AspValidationError` (which is also a `ValueError`) naming the field,
and returns the value normalised to what goes on the wire.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from .const import (
    AUTOMATION_FRIENDLY_NAME_MAX,
    DEFAULT_UNIT,
    ENDPOINT_FRIENDLY_NAME_MAX,
    MAX_OPERATION_NODES,
    MAX_PARALLEL_NODES,
    NOTIFICATION_MAX_BYTES,
    NOTIFICATION_MAX_CHARS,
)
from .exceptions import AspValidationError
from .models.automations import DoNotDisturbScheduleType, OperationType, TriggerType
from .models.common import AccountLinkRequest, AccountLinkRequestType, SkillStage
from .models.endpoints import ExpandValue, QueryField
from .models.features import FeatureName
from .models.occupancy import ApplicationType, LinkedApplication, OccupancyState
from .models.skills import BatchEnablementItem

UNIT_ID_PREFIX = "amzn1.alexa.unit.did."
ENDPOINT_ID_PREFIX = "amzn1.alexa.endpoint."
# The skills page names both forms ("amzn1.ask.skill." in bodies, "amzn1.alexa.skill." for
# the path parameter); real skill IDs use the first.
SKILL_ID_PREFIXES = ("amzn1.ask.skill.", "amzn1.alexa.skill.")
TEMPLATE_ID_PREFIX = "amzn1.alexa.automation.template."
AUTOMATION_ID_PREFIX = "amzn1.alexa.automation."

# The part after an ACI prefix: printable ASCII that stays one path segment and one query
# value. Amazon's ID alphabet is undocumented; control characters and non-ASCII are in no ID.
_ID_TAIL = re.compile(r"(?:(?![/?#&%\\])[!-~])+")
_PARTITION = re.compile(r"[A-Za-z0-9-]+")
_SETTING_KEY = re.compile(r"[A-Za-z0-9._-]+")
_LOCALE = re.compile(r"[a-zA-Z]{2,3}-[a-zA-Z0-9]{2,3}")
_APOSTROPHES = frozenset("'\u2019")
_AUTOMATION_NAME_SPECIALS = frozenset("_-=#;:?@& ")

ALL_STAGES = frozenset(SkillStage)
# Enabling a single unit documents development and live only; batch and disable all three.
ENABLE_STAGES = frozenset({SkillStage.DEVELOPMENT, SkillStage.LIVE})


def _fail(field: str, message: str) -> AspValidationError:
    return AspValidationError(f"{field}: {message}", field=field)


def _is_placeholder(value: object) -> bool:
    """Return True for a template placeholder such as `${data.customUtterance.text}`."""
    return isinstance(value, str) and "${" in value


# --- identifiers -----------------------------------------------------------------------


def _aci(value: object, prefixes: Sequence[str], field: str, allowed: Iterable[str] = ()) -> str:
    if not isinstance(value, str):
        raise _fail(field, f"must be a string, got {type(value).__name__}")
    if value in allowed:
        return value
    for prefix in prefixes:
        if value.startswith(prefix) and _ID_TAIL.fullmatch(value[len(prefix) :]):
            return value
    raise _fail(field, f"must have the form {prefixes[0]}{{id}}")


def unit_id(value: object, field: str = "unitId", *, allow_default: bool = False) -> str:
    """Check a unit ID (`amzn1.alexa.unit.did.{id}`; `~caller.defaultUnitId` if allowed)."""
    return _aci(value, (UNIT_ID_PREFIX,), field, (DEFAULT_UNIT,) if allow_default else ())


def endpoint_id(value: object, field: str = "endpointId") -> str:
    """Check an endpoint ID (`amzn1.alexa.endpoint.{id}`)."""
    return _aci(value, (ENDPOINT_ID_PREFIX,), field)


def skill_id(value: object, field: str = "skillId") -> str:
    """Check a skill ID (`amzn1.ask.skill.{id}`)."""
    return _aci(value, SKILL_ID_PREFIXES, field)


def template_id(value: object, field: str = "templateId") -> str:
    """Check an automation template ID (`amzn1.alexa.automation.template.{id}`)."""
    return _aci(value, (TEMPLATE_ID_PREFIX,), field)


def automation_id(value: object, field: str = "automationId") -> str:
    """Check an automation ID (`amzn1.alexa.automation.{id}`)."""
    return _aci(value, (AUTOMATION_ID_PREFIX,), field)


def is_unit_id(value: object) -> bool:
    """Return True when `value` is a well-formed unit ID (organization, community, home)."""
    try:
        unit_id(value)
    except AspValidationError:
        return False
    return True


def is_endpoint_id(value: object) -> bool:
    """Return True when `value` is a well-formed endpoint ID."""
    try:
        endpoint_id(value)
    except AspValidationError:
        return False
    return True


def is_skill_id(value: object) -> bool:
    """Return True when `value` is a well-formed skill ID."""
    try:
        skill_id(value)
    except AspValidationError:
        return False
    return True


def opaque_id(value: object, field: str) -> str:
    """Check an ID without a documented format (occupancy ID): one non-empty path segment."""
    if not isinstance(value, str) or not _ID_TAIL.fullmatch(value):
        raise _fail(
            field, "must be printable ASCII without spaces or URL delimiters, and not empty"
        )
    return value


# --- names -----------------------------------------------------------------------------


def name(value: object, field: str = "name") -> str:
    """Check a required name (home, home community): a non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, "must be a non-empty string")
    if any(not ch.isprintable() for ch in value):
        raise _fail(field, "must not contain control characters")
    return value


def serial_number(value: object, field: str = "serialNumber") -> str:
    """Check a serial number: a non-blank printable string."""
    return name(value, field)


def partition_name(value: object, field: str = "partitionName") -> str:
    """Check a partition name: one or more comma-separated names of letters, digits, hyphens.

    Per the skills page "Room-101" and "Room101, Room202" are valid; "", "Room101, ,Room202"
    and "Room 101" are not. Space is tolerated only next to a comma.
    """
    if not isinstance(value, str) or value != value.strip():
        raise _fail(field, "must be a string without leading or trailing whitespace")
    if not all(_PARTITION.fullmatch(part.strip(" ")) for part in value.split(",")):
        raise _fail(field, "must be comma-separated names of letters, digits and hyphens")
    return value


def endpoint_friendly_name(value: object, field: str = "friendlyName") -> str:
    """Check an endpoint friendly name.

    1-128 characters; letters (any script), digits, spaces and apostrophes only; at least
    one letter or digit.
    """
    if not isinstance(value, str) or not 1 <= len(value) <= ENDPOINT_FRIENDLY_NAME_MAX:
        raise _fail(field, f"must be 1 to {ENDPOINT_FRIENDLY_NAME_MAX} characters")
    if not any(ch.isalnum() for ch in value):
        raise _fail(field, "must contain at least one letter or number")
    if any(not (ch.isalnum() or ch == " " or ch in _APOSTROPHES) for ch in value):
        raise _fail(field, "may contain only letters, numbers, spaces and apostrophes")
    return value


def automation_friendly_name(value: object, field: str = "friendlyName") -> str:
    """Check an automation or template name: 1-100 characters of letters, digits, `_-=#;:?@&`.

    The page also says "no spaces", but its own examples ("Test template") have them, so
    spaces are allowed; periods and other punctuation are refused.
    """
    if not isinstance(value, str) or not 1 <= len(value) <= AUTOMATION_FRIENDLY_NAME_MAX:
        raise _fail(field, f"must be 1 to {AUTOMATION_FRIENDLY_NAME_MAX} characters")
    if any(not (ch.isalnum() or ch in _AUTOMATION_NAME_SPECIALS) for ch in value):
        raise _fail(field, "may contain only letters, numbers, spaces and _ - = # ; : ? @ &")
    if not value.strip():
        raise _fail(field, "must not be blank")
    return value


def setting_key(value: object, field: str = "key") -> str:
    """Check an endpoint setting key such as `Alexa.DoNotDisturb.doNotDisturb`."""
    if not isinstance(value, str) or not _SETTING_KEY.fullmatch(value):
        raise _fail(field, "must be a non-empty key of letters, digits, dots and hyphens")
    return value


def locale(value: object, field: str = "locale") -> str:
    """Check a BCP-47 locale with language and region (`en-US`)."""
    if not isinstance(value, str) or not _LOCALE.fullmatch(value):
        raise _fail(field, "must be a BCP-47 locale with language and region, like en-US")
    return value


# --- enums and numbers -----------------------------------------------------------------


def stage(value: object, allowed: frozenset[SkillStage] = ALL_STAGES, field: str = "stage") -> str:
    """Check a skill stage against the stages the operation accepts."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(sorted(str(s) for s in allowed))
        raise _fail(field, f"must be one of {choices}")
    return str(SkillStage(value))


def occupancy_state(value: object, field: str = "state") -> str:
    """Check an occupancy state (VACANT, OCCUPIED, LINKED)."""
    if not isinstance(value, str) or value not in set(OccupancyState):
        raise _fail(field, "must be one of VACANT, OCCUPIED, LINKED")
    return str(OccupancyState(value))


def feature_name(value: object, field: str = "feature") -> str:
    """Check an endpoint feature name."""
    if not isinstance(value, str) or value not in set(FeatureName):
        raise _fail(field, "must be one of " + ", ".join(str(f) for f in FeatureName))
    return str(FeatureName(value))


def expand(values: Iterable[object] | None, field: str = "expand") -> list[str]:
    """Check `expand` values (all, feature:...); None or empty means no expand."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    result: list[str] = []
    for value in values:
        if not isinstance(value, str) or value not in set(ExpandValue):
            raise _fail(field, f"{value!r} is not one of " + ", ".join(map(str, ExpandValue)))
        if value not in result:
            result.append(str(value))
    return result


def max_results(value: object, bounds: tuple[int, int], field: str = "maxResults") -> int:
    """Check a page size against the call's documented bounds."""
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(field, f"must be an integer from {low} to {high}")
    return value


def int_range(value: object, low: int, high: int, field: str) -> int:
    """Check an integer within [low, high]."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(field, f"must be an integer from {low} to {high}")
    return value


def number_range(value: object, low: float, high: float, field: str) -> float | int:
    """Check a finite number within [low, high] (integers stay integers)."""
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise _fail(field, f"must be a number from {low:g} to {high:g}")
    return value


# --- composite inputs ------------------------------------------------------------------


def account_link_request(value: object, field: str = "accountLinkRequest") -> dict[str, Any]:
    """Check an AccountLinkRequest and return its API form."""
    if not isinstance(value, AccountLinkRequest):
        raise _fail(field, "must be an AccountLinkRequest")
    if not isinstance(value.redirect_uri, str) or not value.redirect_uri.strip():
        raise _fail(f"{field}.redirectUri", "is required")
    if not isinstance(value.auth_code, str) or not value.auth_code.strip():
        raise _fail(f"{field}.authCode", "is required")
    if value.type != AccountLinkRequestType.AUTH_CODE:
        raise _fail(f"{field}.type", "must be AUTH_CODE")
    return value.to_api()


def linked_application(value: object, field: str = "linkedApplications[]") -> dict[str, Any]:
    """Check a LinkedApplication and return its API form."""
    if not isinstance(value, LinkedApplication):
        raise _fail(field, "must be a LinkedApplication")
    if value.type != ApplicationType.SKILL:
        raise _fail(f"{field}.type", "must be SKILL")
    stage(value.stage, ALL_STAGES, f"{field}.stage")
    skill_id(value.id, f"{field}.id")
    if value.account_link_request is not None:
        account_link_request(value.account_link_request, f"{field}.accountLinkRequest")
    return value.to_api()


def batch_items(items: object, field: str = "items") -> list[dict[str, Any]]:
    """Check batch enablement items (non-empty, unique item IDs) and return their API form."""
    if isinstance(items, str | bytes) or not isinstance(items, Sequence) or not items:
        raise _fail(field, "must be a non-empty list of BatchEnablementItem")
    seen: set[int] = set()
    body: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(item, BatchEnablementItem):
            raise _fail(where, "must be a BatchEnablementItem")
        if not isinstance(item.item_id, int) or isinstance(item.item_id, bool):
            raise _fail(f"{where}.itemId", "must be an integer")
        if item.item_id in seen:
            raise _fail(f"{where}.itemId", f"{item.item_id} is not unique within the request")
        seen.add(item.item_id)
        unit_id(item.unit_id, f"{where}.unitId")
        stage(item.stage, ALL_STAGES, f"{where}.stage")
        if item.partition_name is not None:
            partition_name(item.partition_name, f"{where}.partitionName")
        if item.account_link_request is not None:
            account_link_request(item.account_link_request, f"{where}.accountLinkRequest")
        body.append(item.to_api())
    return body


def endpoint_query(query: object, field: str = "query") -> dict[str, Any]:
    """Check an endpointQuery filter: nested `and`/`or` lists of `match` clauses.

    Shape: `{"and": [{"match": {"associatedUnits.id": "..."}}, {"or": [...]}]}`. At least
    one filter; match fields are associatedUnits.id, manufacturer.value.text and
    model.value.text.
    """
    return _query_group(query, field)


def _query_group(node: object, field: str) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        raise _fail(field, "must be an object with an 'and' or 'or' list")
    keys = [key for key in ("and", "or") if key in node]
    if len(keys) != 1 or len(node) != 1:
        raise _fail(field, "must have exactly one of 'and' or 'or'")
    key = keys[0]
    clauses = node[key]
    if isinstance(clauses, str | bytes) or not isinstance(clauses, Sequence) or not clauses:
        raise _fail(f"{field}.{key}", "must be a non-empty list of filters")
    checked: list[dict[str, Any]] = []
    for index, clause in enumerate(clauses):
        where = f"{field}.{key}[{index}]"
        if isinstance(clause, Mapping) and "match" in clause:
            checked.append({"match": _query_match(clause, where)})
        else:
            checked.append(_query_group(clause, where))
    return {key: checked}


def _query_match(clause: Mapping[str, Any], field: str) -> dict[str, str]:
    match = clause["match"]
    if len(clause) != 1 or not isinstance(match, Mapping) or len(match) != 1:
        raise _fail(f"{field}.match", "must be an object with exactly one field")
    ((key, value),) = match.items()
    if key not in set(QueryField):
        raise _fail(f"{field}.match", "field must be one of " + ", ".join(map(str, QueryField)))
    if key == QueryField.UNIT_ID:
        unit_id(value, f"{field}.match.{key}", allow_default=True)
    else:
        name(value, f"{field}.match.{key}")
    return {str(key): value}


# --- automations -----------------------------------------------------------------------


def notification_text(value: object, field: str = "text") -> str:
    """Check spoken notification text: 1-1024 characters and at most 2048 UTF-8 bytes."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, "must be a non-empty string")
    if len(value) > NOTIFICATION_MAX_CHARS or len(value.encode()) > NOTIFICATION_MAX_BYTES:
        raise _fail(
            field,
            f"must be at most {NOTIFICATION_MAX_CHARS} characters and "
            f"{NOTIFICATION_MAX_BYTES} bytes",
        )
    return value


def trigger(value: object, field: str = "trigger") -> dict[str, Any]:
    """Check a trigger object; the documented trigger types have their payload checked."""
    if not isinstance(value, Mapping):
        raise _fail(field, "must be an object")
    trigger_type = value.get("type")
    if not isinstance(trigger_type, str) or not trigger_type:
        raise _fail(f"{field}.type", "is required")
    payload = value.get("payload")
    if payload is not None and not isinstance(payload, Mapping):
        raise _fail(f"{field}.payload", "must be an object")
    payload = payload or {}
    if trigger_type == TriggerType.CUSTOM_UTTERANCE:
        utterances = payload.get("utterances")
        if (
            not isinstance(utterances, list)
            or not utterances
            or not all(isinstance(u, str) and u.strip() for u in utterances)
        ):
            raise _fail(f"{field}.payload.utterances", "must be a non-empty list of strings")
        _locale_or_placeholder(payload.get("locale"), f"{field}.payload.locale")
    elif trigger_type == TriggerType.ABSOLUTE_TIME:
        schedule = payload.get("schedule")
        if not isinstance(schedule, Mapping):
            raise _fail(f"{field}.payload.schedule", "is required")
        for key in ("triggerTime", "timeZoneId", "recurrence"):
            _required_str(schedule.get(key), f"{field}.payload.schedule.{key}")
    elif trigger_type in (TriggerType.SUNRISE, TriggerType.SUNSET):
        _required_str(payload.get("recurrence"), f"{field}.payload.recurrence")
        for key in ("latitude", "longitude"):
            # Only "a number": the page's own example uses latitude 100.
            _number_or_placeholder(payload.get(key), -math.inf, math.inf, f"{field}.payload.{key}")
    return dict(value)


def data_definition(value: object, field: str = "dataDefinition") -> dict[str, Any]:
    """Check that each parameter of a dataDefinition is a valid JSON Schema."""
    if not isinstance(value, Mapping):
        raise AspValidationError(f"{field}: must be an object", field=field)
    for key, schema in value.items():
        where = f"{field}.{key}"
        if not isinstance(schema, Mapping):
            raise AspValidationError(f"{where}: must be a JSON Schema object", field=where)
        try:
            validator_for(schema).check_schema(dict(schema))
        except SchemaError as err:
            raise AspValidationError(
                f"{where}: not a valid JSON Schema: {err.message}", field=where
            ) from None
    return dict(value)


def operations(value: object, field: str = "operations") -> dict[str, Any]:
    """Check an operation tree: its shape, the documented operations, and its size limits.

    Every `serial`, `parallel` and `operation` is a node; the tree must have fewer than
    150 nodes and each parallel node fewer than 90 nodes below it.
    """
    total = _operation_node(value, field)
    if total >= MAX_OPERATION_NODES:
        raise _fail(field, f"has {total} nodes; fewer than {MAX_OPERATION_NODES} are allowed")
    assert isinstance(value, Mapping)
    return dict(value)


def _operation_node(node: object, field: str) -> int:
    if not isinstance(node, Mapping):
        raise _fail(field, "must be an object with one of serial, parallel or operation")
    keys = [key for key in ("serial", "parallel", "operation") if key in node]
    if len(keys) != 1:
        raise _fail(field, "must have exactly one of serial, parallel or operation")
    key = keys[0]
    if key == "operation":
        _operation(node[key], f"{field}.operation")
        return 1
    children = node[key]
    if not isinstance(children, list) or not children:
        raise _fail(f"{field}.{key}", "must be a non-empty list")
    count = 1 + sum(
        _operation_node(child, f"{field}.{key}[{index}]") for index, child in enumerate(children)
    )
    if key == "parallel" and count - 1 >= MAX_PARALLEL_NODES:
        raise _fail(
            f"{field}.parallel",
            f"holds {count - 1} nodes; fewer than {MAX_PARALLEL_NODES} are allowed",
        )
    return count


def _operation(op: object, field: str) -> None:
    if not isinstance(op, Mapping):
        raise _fail(field, "must be an object")
    op_type = op.get("type")
    if not isinstance(op_type, str) or not op_type:
        raise _fail(f"{field}.type", "is required")
    payload = op.get("payload", {})
    if not isinstance(payload, Mapping):
        raise _fail(f"{field}.payload", "must be an object")
    if op_type not in set(OperationType):
        return  # undocumented type: left to the service
    if op_type == OperationType.NOTIFY:
        _notification(payload.get("notification"), f"{field}.payload.notification")
        return
    _operation_endpoints(payload.get("endpoints"), f"{field}.payload.endpoints")
    inner = payload.get("payload")
    inner = inner if isinstance(inner, Mapping) else {}
    if op_type == OperationType.SET_BRIGHTNESS:
        _int_or_placeholder(inner.get("brightness"), 0, 100, f"{field}.payload.payload.brightness")
    elif op_type == OperationType.SET_VOLUME:
        _int_or_placeholder(inner.get("volume"), 0, 100, f"{field}.payload.payload.volume")
    elif op_type == OperationType.SET_TARGET_SETPOINT:
        setpoint = inner.get("targetSetpoint")
        if not isinstance(setpoint, Mapping):
            raise _fail(f"{field}.payload.payload.targetSetpoint", "is required")
        where = f"{field}.payload.payload.targetSetpoint"
        _number_or_placeholder(setpoint.get("value"), -1000, 1000, f"{where}.value")
        _required_str(setpoint.get("scale"), f"{where}.scale")
    elif op_type == OperationType.SET_DO_NOT_DISTURB:
        enabled = payload.get("value")
        if not isinstance(enabled, bool) and not _is_placeholder(enabled):
            raise _fail(f"{field}.payload.value", "must be a boolean")
        schedule = payload.get("schedule")
        if schedule is not None:
            if not isinstance(schedule, Mapping):
                raise _fail(f"{field}.payload.schedule", "must be an object")
            kind = schedule.get("type")
            if kind not in set(DoNotDisturbScheduleType) and not _is_placeholder(kind):
                raise _fail(f"{field}.payload.schedule.type", "must be DURATION or TIME")
            _required_str(schedule.get("value"), f"{field}.payload.schedule.value")


def _operation_endpoints(value: object, field: str) -> None:
    if not isinstance(value, list) or len(value) != 1:
        raise _fail(field, "must list exactly one endpoint")
    target = value[0]
    if not isinstance(target, Mapping):
        raise _fail(f"{field}[0]", "must be an object with an id")
    if not _is_placeholder(target.get("id")):
        endpoint_id(target.get("id"), f"{field}[0].id")


def _notification(value: object, field: str) -> None:
    if not isinstance(value, Mapping):
        raise _fail(field, "is required")
    variants = value.get("variants")
    if not isinstance(variants, list) or not variants:
        raise _fail(f"{field}.variants", "must be a non-empty list")
    for i, variant in enumerate(variants):
        where = f"{field}.variants[{i}]"
        if not isinstance(variant, Mapping) or variant.get("type") != "Announcement":
            raise _fail(f"{where}.type", "must be Announcement")
        content = variant.get("content")
        inner = content.get("variants") if isinstance(content, Mapping) else None
        if not isinstance(inner, list) or not inner:
            raise _fail(f"{where}.content.variants", "must be a non-empty list")
        for j, spoken in enumerate(inner):
            spot = f"{where}.content.variants[{j}]"
            if not isinstance(spoken, Mapping) or spoken.get("type") != "SpokenText":
                raise _fail(f"{spot}.type", "must be SpokenText")
            values = spoken.get("values")
            if not isinstance(values, list) or not values:
                raise _fail(f"{spot}.values", "must be a non-empty list")
            for k, text in enumerate(values):
                if not isinstance(text, Mapping):
                    raise _fail(f"{spot}.values[{k}]", "must be an object")
                _locale_or_placeholder(text.get("locale"), f"{spot}.values[{k}].locale")
                notification_text(text.get("text"), f"{spot}.values[{k}].text")


def _required_str(value: object, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, "is required")


def _locale_or_placeholder(value: object, field: str) -> None:
    if not _is_placeholder(value):
        locale(value, field)


def _int_or_placeholder(value: object, low: int, high: int, field: str) -> None:
    if not _is_placeholder(value):
        int_range(value, low, high, field)


def _number_or_placeholder(value: object, low: float, high: float, field: str) -> None:
    if not _is_placeholder(value):
        number_range(value, low, high, field)
