"""The client meets random, truncated and mangled responses: only `AspError`s come out.

Every read and write the client has is fed whatever the strategies make up as the
service's answers: random bytes, valid bodies cut short, random JSON (with the keys the
models look for, so parsing goes deep), valid bodies with one value replaced, any status
and any Retry-After. A call either returns or raises an `AspError` subclass; any other
exception is a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from custom_components.alexa_smart_properties.api import (
    AbstractAuth,
    AspClient,
    AspError,
    LwaAuth,
    PageHints,
    RetryPolicy,
    match,
)
from custom_components.alexa_smart_properties.api.http import _RawResponse
from custom_components.alexa_smart_properties.api.models import (
    AccountLinkRequest,
    BatchEnablementItem,
    Endpoint,
    LinkedApplication,
    QueryField,
)

pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

FIXTURES = Path(__file__).parents[1] / "api" / "fixtures"
UNIT = "amzn1.alexa.unit.did.fuzz"
ENDPOINT = "amzn1.alexa.endpoint.fuzz"
SKILL = "amzn1.ask.skill.fuzz"
TEMPLATE = "amzn1.alexa.automation.template.fuzz"
AUTOMATION = "amzn1.alexa.automation.fuzz"
KEYS = [
    "results", "homes", "homeCommunities", "units", "automations", "automationTemplates",
    "skillEnablements", "paginationContext", "nextToken", "id", "name", "homeCommunityId",
    "occupancyId", "state", "requestedState", "linkedApplications", "features", "properties",
    "value", "type", "timeOfSample", "friendlyName", "associatedUnits", "connections",
    "displayCategories", "primary", "all", "sources", "operations", "endpoint", "status",
    "stage", "skillId", "unitId", "items", "errors", "message", "code", "error",
    "error_description", "access_token", "refresh_token", "expires_in", "trigger",
    "dataDefinition", "template", "automationId", "templateId", "serialNumber", "text",
]  # fmt: skip


def _fixture_bodies() -> list[bytes]:
    return [path.read_bytes() for path in sorted(FIXTURES.glob("*.json"))]


VALID = _fixture_bodies()
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["OCCUPIED", "VACANT", "LINKED", "ENABLED", "OK", "ON", ""]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=25,
)


@st.composite
def _mangled(draw: st.DrawFn) -> bytes:
    """A valid body with one value, anywhere in it, replaced by random JSON."""
    data = json.loads(draw(st.sampled_from(VALID)))
    spots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            spots.append((node, key))
            if isinstance(child, dict | list):
                walk(child)

    if isinstance(data, dict | list):
        walk(data)
    if spots:
        node, key = draw(st.sampled_from(spots))
        node[key] = draw(JSON)
    return json.dumps(data).encode()


BODIES = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(VALID).flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n])),
    JSON.map(lambda value: json.dumps(value).encode()),
    _mangled(),
    st.sampled_from(VALID),
)
STATUSES = st.one_of(
    st.sampled_from([200, 200, 200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 503]),
    st.integers(100, 599),
)
REPLIES = st.builds(
    lambda status, body, retry_after, request_id: _RawResponse(
        status=status, body=body, request_id=request_id, location=None, retry_after=retry_after
    ),
    STATUSES,
    BODIES,
    st.none() | st.floats(0, 5),
    st.none() | st.text(max_size=10),
)


class Auth(AbstractAuth):
    async def async_get_access_token(self) -> str:
        return "Atza|fuzz"


async def _no_sleep(_delay: float) -> None:
    await asyncio.sleep(0)


class ScriptedClient(AspClient):
    """The real client, with the network replaced by a list of answers (the last repeats)."""

    def __init__(self, replies: list[_RawResponse]) -> None:
        super().__init__(
            Auth(),
            base_url="http://asp.invalid",
            retry_policy=RetryPolicy(max_attempts=3, base_delay=0, max_delay=0, jitter=0),
            sleep=_no_sleep,
        )
        self._replies: Iterator[_RawResponse] = iter(replies)
        self._last = replies[-1]
        self.sent = 0

    async def _send(
        self, method: str, url: URL, url_path: str, headers: dict[str, str], data: bytes | None
    ) -> _RawResponse:
        self.sent += 1
        if self.sent > 200:
            raise AssertionError("the client would not stop asking")
        self._last = next(self._replies, self._last)
        return self._last


def _list[T](iterator: Callable[[], Any]) -> Callable[[], Awaitable[list[T]]]:
    async def collect() -> list[T]:
        return [item async for item in iterator()]

    return collect


VALID_ENDPOINT = json.dumps(
    {
        "id": ENDPOINT,
        "features": [{"name": "connectivity", "properties": [{"name": "reachability"}]}],
    }
)

CALLS: dict[str, Callable[[AspClient], Awaitable[object]]] = {
    "list_home_communities": lambda c: c.list_home_communities(UNIT),
    "list_home_communities_hinted": lambda c: c.list_home_communities(
        UNIT, hints=PageHints(tokens=["a", "b"]), concurrency=3
    ),
    "iter_homes": lambda c: _list(lambda: c.iter_homes(UNIT))(),
    "list_homes_hinted": lambda c: c.list_homes(UNIT, hints=PageHints(["x"]), concurrency=2),
    "get_home": lambda c: c.get_home(UNIT),
    "get_home_community": lambda c: c.get_home_community(UNIT),
    "create_home": lambda c: c.create_home(UNIT, "Unit 1"),
    "create_home_community": lambda c: c.create_home_community(UNIT, "Maple"),
    "update_home": lambda c: c.update_home(UNIT, home_community_id=UNIT, name="Unit 2"),
    "delete_home": lambda c: c.delete_home(UNIT),
    "get_latest_occupancy": lambda c: c.get_latest_occupancy(UNIT),
    "get_occupancy": lambda c: c.get_occupancy(UNIT, "occupancy-1"),
    "set_occupancy": lambda c: c.set_occupancy(
        UNIT,
        "OCCUPIED",
        [
            LinkedApplication(
                id=SKILL,
                stage="live",
                account_link_request=AccountLinkRequest(redirect_uri="https://x", auth_code="c"),
            )
        ],
    ),
    "list_skill_enablements": lambda c: c.list_skill_enablements(UNIT),
    "get_skill_enablement": lambda c: c.get_skill_enablement(SKILL, UNIT),
    "enable_skill": lambda c: c.enable_skill(SKILL, UNIT),
    "disable_skill": lambda c: c.disable_skill(SKILL, UNIT),
    "batch_enable_skill": lambda c: c.batch_enable_skill(
        SKILL, [BatchEnablementItem(item_id=1, unit_id=UNIT, stage="live")]
    ),
    "list_all_endpoints": lambda c: c.list_all_endpoints(),
    "list_all_endpoints_hinted": lambda c: c.list_all_endpoints(
        hints=PageHints(tokens=["t1", "t2"]),
        concurrency=4,
        previous={ENDPOINT: Endpoint.from_api(json.loads(VALID_ENDPOINT))},
    ),
    "list_endpoints_by_unit": lambda c: c.list_endpoints_by_unit(UNIT),
    "get_endpoint": lambda c: c.get_endpoint(ENDPOINT, expand=["all"]),
    "get_endpoints_by_serial_number": lambda c: c.get_endpoints_by_serial_number("G090"),
    "query_endpoints": lambda c: c.query_endpoints(match(QueryField.UNIT_ID, UNIT)),
    "update_associated_units": lambda c: c.update_associated_units(ENDPOINT, UNIT),
    "set_friendly_name": lambda c: c.set_friendly_name(ENDPOINT, "Desk lamp"),
    "deregister_endpoint": lambda c: c.deregister_endpoint(ENDPOINT),
    "delete_timers": lambda c: c.delete_timers(ENDPOINT),
    "get_feature": lambda c: c.get_feature(ENDPOINT, "power"),
    "turn_on": lambda c: c.turn_on(ENDPOINT),
    "set_brightness": lambda c: c.set_brightness(ENDPOINT, 50),
    "set_color": lambda c: c.set_color(ENDPOINT, hue=10, saturation=0.5, brightness=0.5),
    "set_color_temperature": lambda c: c.set_color_temperature(ENDPOINT, 2700),
    "set_volume": lambda c: c.set_volume(ENDPOINT, 30),
    "get_do_not_disturb": lambda c: c.get_do_not_disturb(ENDPOINT),
    "set_do_not_disturb": lambda c: c.set_do_not_disturb(ENDPOINT, True),
    "get_setting": lambda c: c.get_setting(ENDPOINT, "Alexa.DoNotDisturb.doNotDisturb"),
    "list_units": lambda c: c.list_units(UNIT),
    "get_unit": lambda c: c.get_unit(UNIT),
    "list_automations": lambda c: c.list_automations(UNIT),
    "get_automation": lambda c: c.get_automation(AUTOMATION),
    "list_automation_templates": lambda c: c.list_automation_templates(),
    "get_automation_template": lambda c: c.get_automation_template(TEMPLATE),
    "create_automation": lambda c: c.create_automation(UNIT, TEMPLATE, data={"a": 1}),
    "update_automation": lambda c: c.update_automation(AUTOMATION, {"a": 2}),
    "delete_automation": lambda c: c.delete_automation(AUTOMATION),
}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=st.sampled_from(sorted(CALLS)), replies=st.lists(REPLIES, min_size=1, max_size=6))
async def test_any_answer_gives_a_result_or_a_typed_error(
    call: str, replies: list[_RawResponse]
) -> None:
    client = ScriptedClient(replies)
    with contextlib.suppress(AspError):
        await CALLS[call](client)


@settings(max_examples=100, deadline=None)
@given(call=st.sampled_from(sorted(CALLS)), cut=st.integers(0, 400), status=STATUSES)
async def test_truncated_error_bodies_give_typed_errors(call: str, cut: int, status: int) -> None:
    body = json.dumps({"message": "x" * 50, "code": "ERR", "errors": [{"itemId": 1}]}).encode()
    reply = _RawResponse(
        status=status, body=body[:cut], request_id=None, location=None, retry_after=None
    )
    with contextlib.suppress(AspError):
        await CALLS[call](ScriptedClient([reply]))


class FakeLwaResponse:
    def __init__(self, status: int, body: bytes, retry_after: str | None) -> None:
        self.status = status
        self._body = body
        self.headers = {"Retry-After": retry_after} if retry_after is not None else {}

    async def read(self) -> bytes:
        return self._body

    async def __aenter__(self) -> FakeLwaResponse:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakeLwaSession:
    def __init__(self, replies: list[FakeLwaResponse]) -> None:
        self._replies = iter(replies)
        self._last = replies[-1]

    def post(self, url: str, **kwargs: Any) -> FakeLwaResponse:
        self._last = next(self._replies, self._last)
        return self._last


LWA_BODIES = st.one_of(
    BODIES,
    st.fixed_dictionaries(
        {},
        optional={
            "access_token": JSON | st.text(max_size=10),
            "refresh_token": JSON | st.text(max_size=10),
            "expires_in": JSON | st.integers(-10, 10_000),
            "error": st.sampled_from(["invalid_grant", "invalid_client", ""]) | JSON,
            "error_description": JSON,
        },
    ).map(lambda value: json.dumps(value).encode()),
)


@settings(max_examples=200, deadline=None)
@given(
    replies=st.lists(
        st.builds(FakeLwaResponse, STATUSES, LWA_BODIES, st.none() | st.text(max_size=8)),
        min_size=1,
        max_size=4,
    )
)
async def test_any_token_answer_gives_a_token_or_a_typed_error(
    replies: list[FakeLwaResponse],
) -> None:
    auth = LwaAuth(
        client_id="amzn1.application-oa2-client.fuzz",
        client_secret="secret",
        refresh_token="Atzr|fuzz",
        session=FakeLwaSession(replies),  # type: ignore[arg-type]
        lwa_base_url="http://lwa.invalid",
    )
    try:
        token = await auth.async_get_access_token()
    except AspError:
        return
    assert isinstance(token, str)
    assert token
