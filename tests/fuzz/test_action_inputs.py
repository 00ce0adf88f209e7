"""Random action inputs: typed errors only, and invalid input never reaches the network.

Two levels:
- the client: every write (and every read that takes an ID) gets random arguments of its
  annotated types; it either raises `AspValidationError` *without sending anything* or
  sends, and nothing else comes out;
- the integration: its actions (and the entity actions that write) get random input
  against the simulator; each either succeeds or fails with a schema error or a translated
  `HomeAssistantError`; when the input was refused (schema, `invalid_input`, an unknown
  target...), the simulator received no request at all, and the simulator never answers a
  write with 400 (input the integration let through but Amazon would refuse).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import probatio as vol
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from yarl import URL

from custom_components.alexa_smart_properties.api import (
    AbstractAuth,
    AspClient,
    AspError,
    AspValidationError,
    RetryPolicy,
)
from custom_components.alexa_smart_properties.api.http import _RawResponse
from custom_components.alexa_smart_properties.api.models import (
    AccountLinkRequest,
    BatchEnablementItem,
    LinkedApplication,
)
from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.data import AspConfigEntry
from simulator.embed import RunningSimulator
from tests.integration.conftest import entry_data

pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

TRANSLATIONS = Path(__file__).parents[2] / (
    "custom_components/alexa_smart_properties/translations/en.json"
)
EXCEPTION_KEYS = set(json.loads(TRANSLATIONS.read_text())["exceptions"])
# Past the debouncer's cooldown of a coordinator's requested refresh (10 s).
REFRESH_COOLDOWN = timedelta(seconds=11)
# Refusals of the input itself: nothing may have been sent before them.
INPUT_REFUSALS = {
    "invalid_input",
    "no_target",
    "single_target",
    "device_of_other_entry",
    "devices_of_several_entries",
    "device_not_current",
    "device_not_home",
    "device_not_unit",
    "device_not_community",
    "device_not_endpoint",
    "invalid_yaml",
    "template_invalid",
    "automation_data_invalid",
    "unknown_id",
    "too_many_units",
}
# Amazon's answers that refuse a request for the state of things, not for its input: a
# device that is offline can't move; a well-formed ID may name nothing (any more).
STATE_REFUSALS = ("The endpoint is unreachable", "doesn't name", "don't name", "isn't known")
# Amazon's ID alphabet is undocumented: the client sends any printable ASCII that stays one
# path segment, the simulator accepts letters, digits, '.', '_' and '-' only.
ID_ALPHABET_DISAGREEMENT = "ID is malformed"
PREFIXES = [
    "amzn1.alexa.unit.did.",
    "amzn1.alexa.endpoint.",
    "amzn1.ask.skill.",
    "amzn1.alexa.automation.template.",
    "amzn1.alexa.automation.",
    "",
]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("/?#&% '"),
    max_size=140,
)
IDS = st.builds(
    lambda prefix, tail: prefix + tail,
    st.sampled_from(PREFIXES),
    TEXT | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,30}", fullmatch=True),
)
# Names: as likely plausible as random.
NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ']{0,30}", fullmatch=True) | TEXT
NUMBERS = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=True, allow_infinity=True))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


# --- the client -------------------------------------------------------------------------


class Auth(AbstractAuth):
    async def async_get_access_token(self) -> str:
        return "Atza|fuzz"


class RecordingClient(AspClient):
    """The real client; the network answers 200 with an empty object and counts requests."""

    def __init__(self) -> None:
        super().__init__(Auth(), base_url="http://asp.invalid", retry_policy=RetryPolicy())
        self.sent: list[str] = []

    async def _send(
        self, method: str, url: URL, url_path: str, headers: dict[str, str], data: bytes | None
    ) -> _RawResponse:
        self.sent.append(f"{method} {url_path}")
        return _RawResponse(
            status=200, body=b"{}", request_id=None, location=None, retry_after=None
        )


type ClientCall = Callable[[AspClient, st.DataObject], Awaitable[object]]


def _d(data: st.DataObject, strategy: st.SearchStrategy[Any]) -> Any:
    return data.draw(strategy)


CLIENT_CALLS: dict[str, ClientCall] = {
    "create_home": lambda c, d: c.create_home(_d(d, IDS), _d(d, TEXT)),
    "create_home_community": lambda c, d: c.create_home_community(_d(d, IDS), _d(d, TEXT)),
    "update_home": lambda c, d: c.update_home(
        _d(d, IDS), home_community_id=_d(d, IDS), name=_d(d, TEXT)
    ),
    "delete_home": lambda c, d: c.delete_home(_d(d, IDS)),
    "get_home": lambda c, d: c.get_home(_d(d, IDS)),
    "set_occupancy": lambda c, d: c.set_occupancy(
        _d(d, IDS),
        _d(d, st.sampled_from(["OCCUPIED", "VACANT", "LINKED"]) | TEXT),
        _d(
            d,
            st.lists(
                st.builds(
                    LinkedApplication,
                    id=IDS,
                    stage=st.sampled_from(["live", "development"]) | TEXT,
                    account_link_request=st.none()
                    | st.builds(AccountLinkRequest, redirect_uri=TEXT, auth_code=TEXT),
                ),
                max_size=3,
            ),
        ),
    ),
    "enable_skill": lambda c, d: c.enable_skill(
        _d(d, IDS),
        _d(d, IDS),
        _d(d, st.sampled_from(["live", "development", "certification"]) | TEXT),
        partition_name=_d(d, st.none() | TEXT),
    ),
    "disable_skill": lambda c, d: c.disable_skill(_d(d, IDS), _d(d, IDS)),
    "batch_enable_skill": lambda c, d: c.batch_enable_skill(
        _d(d, IDS),
        _d(
            d,
            st.lists(
                st.builds(
                    BatchEnablementItem,
                    item_id=st.integers(),
                    unit_id=IDS,
                    stage=TEXT | st.just("live"),
                ),
                max_size=3,
            ),
        ),
    ),
    "get_endpoint": lambda c, d: c.get_endpoint(_d(d, IDS)),
    "update_associated_units": lambda c, d: c.update_associated_units(_d(d, IDS), _d(d, IDS)),
    "set_friendly_name": lambda c, d: c.set_friendly_name(_d(d, IDS), _d(d, TEXT)),
    "deregister_endpoint": lambda c, d: c.deregister_endpoint(_d(d, IDS)),
    "delete_timers": lambda c, d: c.delete_timers(_d(d, IDS)),
    "get_feature": lambda c, d: c.get_feature(_d(d, IDS), _d(d, TEXT | st.just("power"))),
    "set_brightness": lambda c, d: c.set_brightness(_d(d, IDS), _d(d, NUMBERS)),
    "set_color": lambda c, d: c.set_color(
        _d(d, IDS), hue=_d(d, NUMBERS), saturation=_d(d, NUMBERS), brightness=_d(d, NUMBERS)
    ),
    "set_color_temperature": lambda c, d: c.set_color_temperature(_d(d, IDS), _d(d, NUMBERS)),
    "set_volume": lambda c, d: c.set_volume(_d(d, IDS), _d(d, NUMBERS)),
    "set_setting": lambda c, d: c.set_setting(_d(d, IDS), _d(d, TEXT), _d(d, JSON)),
    "query_endpoints": lambda c, d: c.query_endpoints(_d(d, JSON)),
    "create_automation": lambda c, d: c.create_automation(
        _d(d, IDS), _d(d, IDS), data=_d(d, st.none() | JSON), friendly_name=_d(d, st.none() | TEXT)
    ),
    "create_automation_template": lambda c, d: c.create_automation_template(
        trigger=_d(d, JSON), operations=_d(d, JSON), friendly_name=_d(d, st.none() | TEXT)
    ),
    "update_automation": lambda c, d: c.update_automation(_d(d, IDS), _d(d, JSON)),
    "delete_automation": lambda c, d: c.delete_automation(_d(d, IDS)),
}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(CLIENT_CALLS)), data=st.data())
async def test_client_refuses_invalid_input_before_sending(name: str, data: st.DataObject) -> None:
    client = RecordingClient()
    try:
        await CLIENT_CALLS[name](client, data)
    except AspValidationError:
        assert client.sent == [], f"{name} sent {client.sent} before refusing its input"
    except AspError:
        assert client.sent, "only a validation error may come before the request"


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("brightness 101", lambda c: c.set_brightness("amzn1.alexa.endpoint.x", 101)),
        ("volume -1", lambda c: c.set_volume("amzn1.alexa.endpoint.x", -1)),
        ("kelvin 999", lambda c: c.set_color_temperature("amzn1.alexa.endpoint.x", 999)),
        ("hue 361", lambda c: c.set_color("amzn1.alexa.endpoint.x", hue=361, saturation=1,
                                          brightness=1)),
        ("unit ID as endpoint", lambda c: c.turn_on("amzn1.alexa.unit.did.x")),
        ("path in an ID", lambda c: c.turn_on("amzn1.alexa.endpoint.a/../b")),
        ("empty name", lambda c: c.set_friendly_name("amzn1.alexa.endpoint.x", "")),
        ("state", lambda c: c.set_occupancy("amzn1.alexa.unit.did.x", "MOVED")),
        ("control character", lambda c: c.get_home("amzn1.alexa.unit.did.\x1b")),
        ("not ASCII", lambda c: c.turn_off("amzn1.alexa.endpoint.caf\u00e9")),
    ],
)  # fmt: skip
async def test_known_invalid_inputs_are_refused_before_sending(
    name: str, call: Callable[[AspClient], Awaitable[object]]
) -> None:
    client = RecordingClient()
    with pytest.raises(AspValidationError):
        await call(client)
    assert client.sent == [], name


# --- the integration's actions ------------------------------------------------------------


def _entity(hass: HomeAssistant, entry: AspConfigEntry, suffix: str) -> str:
    registry = er.async_get(hass)
    return next(
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.unique_id.endswith(f"_{suffix}") and e.disabled_by is None
    )


def _targets(entry: AspConfigEntry) -> dict[str, list[str]]:
    runtime = entry.runtime_data
    return {
        "home": list(runtime.inventory.data.homes),
        "community": list(runtime.inventory.data.communities),
        "endpoint": [e.id for e in runtime.endpoints.data.visible.values()],
    }


def _some(data: st.DataObject, known: list[str]) -> Any:
    """Mostly one known ID; sometimes a random one, a list, or nothing.

    Known IDs are drawn by position: actions change the estate between examples, and the
    strategies must not depend on it.
    """
    pick = st.integers(0, 10_000).map(lambda index: known[index % len(known)])
    one = pick | IDS
    return data.draw(pick | st.one_of(st.none(), one, st.lists(one, max_size=2)))


# Each action's fields: name -> value strategy ("target" kinds are drawn by _some).
SERVICES: dict[str, dict[str, Any]] = {
    "rename_device": {"endpoint_id": "endpoint", "name": NAMES},
    "rename_home": {"home_id": "home", "name": NAMES},
    "rename_community": {"community_id": "community", "name": NAMES},
    "create_home": {"community_id": "community", "name": NAMES},
    "create_community": {"config_entry_id": "entry", "name": NAMES},
    "enable_skill": {
        "unit_id": "home",
        "skill_id": IDS,
        "stage": st.sampled_from(["live", "development"]) | TEXT,
        "partition_name": st.none() | NAMES,
        "account_link": st.none() | st.tuples(TEXT, TEXT),
    },
    "move_in": {
        "home_id": "home",
        "linked_applications": st.none()
        | st.lists(
            st.fixed_dictionaries(
                {"skill_id": IDS},
                optional={
                    "stage": st.sampled_from(["live", "development"]) | TEXT,
                    "account_link": st.tuples(TEXT, TEXT),
                },
            ),
            max_size=2,
        ),
    },
    "assign_device": {"endpoint_id": "endpoint", "home_id": "home"},
    "create_automation": {
        "unit_id": "home",
        "template_id": IDS,
        "data": st.none() | JSON | TEXT,
        "name": st.none() | NAMES,
    },
    "create_automation_template": {
        "config_entry_id": "entry",
        "template": JSON | TEXT,
        "data_definition": st.none() | JSON | TEXT,
        "name": st.none() | NAMES,
    },
}


def _unpack_account_link(value: dict[str, Any]) -> dict[str, Any]:
    link = value.pop("account_link", None)
    if link is not None:
        value["redirect_uri"], value["auth_code"] = link
    return value


def _service_call(
    hass: HomeAssistant, entry: AspConfigEntry, data: st.DataObject
) -> tuple[str, str, dict[str, Any]]:
    targets = {**_targets(entry), "entry": [entry.entry_id]}
    service = data.draw(st.sampled_from([*sorted(SERVICES), "light", "number"]))
    if service == "light":
        fields: dict[str, Any] = {"entity_id": _entity(hass, entry, "light")}
        for key in ("brightness", "color_temp_kelvin", "brightness_pct"):
            if data.draw(st.booleans()):
                fields[key] = data.draw(NUMBERS | TEXT)
        if data.draw(st.booleans()):
            fields["hs_color"] = data.draw(st.lists(NUMBERS, max_size=3))
        return "light", "turn_on", fields
    if service == "number":
        value = data.draw(NUMBERS | TEXT)
        return "number", "set_value", {"entity_id": _entity(hass, entry, "volume"), "value": value}
    fields = {}
    for key, strategy in SERVICES[service].items():
        value = _some(data, targets[strategy]) if isinstance(strategy, str) else data.draw(strategy)
        if value is not None:
            fields[key] = value
    if "linked_applications" in fields:
        fields["linked_applications"] = [
            _unpack_account_link(a) for a in fields["linked_applications"]
        ]
    return DOMAIN, service, _unpack_account_link(fields)


def _refusal(failure: Exception | None, fields: dict[str, Any]) -> str | None:
    """Check how an action failed; return why its input was refused, if it was."""
    if failure is None:
        return None
    if isinstance(failure, vol.Invalid):
        return "schema"
    assert isinstance(failure, HomeAssistantError)
    if isinstance(failure, ServiceValidationError) and failure.translation_domain != DOMAIN:
        return f"{failure.translation_domain}:{failure.translation_key}"  # Home Assistant's
    assert failure.translation_domain == DOMAIN, f"untranslated: {failure!r}"
    assert failure.translation_key in EXCEPTION_KEYS, repr(failure)
    if failure.translation_key == "action_bad_request":
        # Any 400 but these means input got through that Amazon refuses.
        assert any(state in str(failure) for state in STATE_REFUSALS) or (
            ID_ALPHABET_DISAGREEMENT in str(failure) and _printable_ids(fields)
        ), f"{fields}: {failure}"
    if isinstance(failure, ServiceValidationError) and failure.translation_key in INPUT_REFUSALS:
        return failure.translation_key
    return None


def _printable_ids(fields: dict[str, Any]) -> bool:
    """Return True when every ID in the fields is printable ASCII (what the client allows)."""
    values = [
        v for value in fields.values() for v in (value if isinstance(value, list) else [value])
    ]
    ids = [v for v in values if isinstance(v, str) and v.startswith("amzn1.")]
    return all(v.isascii() and v.isprintable() for v in ids)


def _requests_since(simulator: RunningSimulator, total_before: int) -> list[dict[str, Any]]:
    """Return the requests served since the total was `total_before`.

    Counted by the total, not the log's length: the log keeps only the latest entries.
    """
    stats = simulator.sim.stats
    new = stats.total - total_before
    return list(stats.log)[-new:] if new else []


@pytest.fixture
def config_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    """The entry with polling paused: every request the simulator sees is an action's.

    The coordinators' timers run on real time; their reads would land inside whichever
    example runs then, as if that example's action had sent them.
    """
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alexa Smart Properties (fuzz)",
        unique_id=simulator.credentials.organization_id,
        data=entry_data(simulator),
        pref_disable_polling=True,
    )
    entry.add_to_hass(hass)
    return entry


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_actions_refuse_invalid_input_before_sending(
    hass: HomeAssistant,
    loaded_entry: AspConfigEntry,
    simulator: RunningSimulator,
    data: st.DataObject,
) -> None:
    domain, service, fields = _service_call(hass, loaded_entry, data)
    # What the last example started ends before counting: its background read-backs, and
    # the coordinators' debounced refreshes (their timers run on real time).
    async_fire_time_changed(hass, dt_util.utcnow() + REFRESH_COOLDOWN)
    await hass.async_block_till_done(wait_background_tasks=True)
    before = simulator.sim.stats.total
    failure: Exception | None = None
    try:
        await hass.services.async_call(
            domain,
            service,
            fields,
            blocking=True,
            return_response=domain == DOMAIN and service not in {"rename_device", "rename_home",
                                                                "rename_community"},
        )  # fmt: skip
    except (vol.Invalid, HomeAssistantError) as err:
        failure = err
    refusal = _refusal(failure, fields)
    await hass.async_block_till_done(wait_background_tasks=True)
    sent = _requests_since(simulator, before)
    event(f"{service}: {refusal or 'sent'}")
    if refusal is not None:
        assert sent == [], f"{service} refused ({refusal}) after sending {sent}"
    refused_by_amazon = [e for e in sent if e["method"] != "GET" and e["status"] == 400]
    assert not refused_by_amazon or (
        isinstance(failure, HomeAssistantError) and failure.translation_key == "action_bad_request"
    ), f"{service} {fields} refused by Amazon: {refused_by_amazon}"


async def test_the_fuzzed_actions_exist(hass: HomeAssistant, loaded_entry: AspConfigEntry) -> None:
    services = hass.services.async_services_for_domain(DOMAIN)
    for name in ("rename_device", "rename_home", "create_home", "enable_skill", "move_in"):
        assert name in services
    await asyncio.sleep(0)
