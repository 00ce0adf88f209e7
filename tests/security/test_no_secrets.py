"""No secret leaves the integration: not in logs, diagnostics, exceptions or responses.

With every logger at DEBUG, the test sets an entry up, calls every action the integration
has (each registered one, so a new action must be added here), the entity actions, makes
calls fail (API errors, a 401 with a token refresh, a revoked grant), goes through reauth
(a pasted refresh token, refused then accepted, and Login with Amazon with PKCE), downloads
diagnostics, and for a while talks to a service that echoes the secrets it was sent in its
error messages. Then it looks for the client secret, every access and refresh token the
simulator ever issued, every account-link auth code and every Login with Amazon
authorization code in: every log record (message, arguments and traceback), the
diagnostics, every exception the actions raised (message, repr, translation placeholders,
causes), every action response, every event on the bus, and every entity state.

Left out: Home Assistant's `call_service` events, which carry each call's input as the
caller gave it (an action's `auth_code` too); the integration can't redact them.
"""

from __future__ import annotations

import html
import json
import logging
import re
import traceback
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from unittest.mock import patch

import aiohttp
import pytest
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.components.button import SERVICE_PRESS
from homeassistant.components.light import ATTR_BRIGHTNESS
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE
from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL, SERVICE_TURN_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.alexa_smart_properties.const import DOMAIN
from custom_components.alexa_smart_properties.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator.core import SimulatorConfig
from simulator.embed import RunningSimulator
from simulator.errors import ApiError
from simulator.lwa import LwaService, TokenProblemError

ACCOUNT_LINK_CODES = ("ac-moveIn-0f9e8d7c6b5a", "ac-enableSkill-1a2b3c4d5e6f")
CALLBACK_PATH = "/auth/external/callback"
SUNSET = {
    "type": "Alexa.Automation.Trigger.Schedule.SunsetInCustomLocation",
    "version": "1.0",
    "payload": {
        "recurrence": "RRULE:FREQ=DAILY;INTERVAL=1",
        "timeZoneId": "America/Chicago",
        "latitude": 41,
        "longitude": -87,
        "timeOffset": 0,
    },
}
NOTIFY = {
    "operation": {
        "type": "Alexa.Automation.Operation.Notification.Notify",
        "version": "1.0",
        "payload": {
            "notification": {
                "variants": [
                    {
                        "type": "Announcement",
                        "content": {
                            "variants": [
                                {
                                    "type": "SpokenText",
                                    "values": [{"locale": "en-US", "text": "Lights out"}],
                                }
                            ]
                        },
                    }
                ]
            }
        },
    }
}


@pytest.fixture
def sim_config() -> SimulatorConfig:
    return SimulatorConfig(
        seed=11,
        communities=2,
        homes=6,
        devices_per_home=4,
        spare_devices=2,
        occupancy_delay=0,
        skill_enable_delay=0,
        reboot_delay=0,
    )


class Seen:
    """Everything the integration showed: exceptions, responses, events."""

    def __init__(self) -> None:
        self.exceptions: list[str] = []
        self.responses: list[str] = []
        self.events: list[str] = []

    def exception(self, err: BaseException) -> None:
        chain: BaseException | None = err
        while chain is not None:
            self.exceptions.append(
                "\n".join(
                    [
                        str(chain),
                        repr(chain),
                        repr(chain.args),
                        repr(getattr(chain, "translation_placeholders", None)),
                        "".join(traceback.format_exception_only(chain)),
                    ]
                )
            )
            chain = chain.__cause__ or chain.__context__

    @callback
    def event(self, event: Event[Any]) -> None:
        if event.event_type == EVENT_CALL_SERVICE:
            # Home Assistant's own record of each call, with the caller's input as given
            # (an action's auth_code too): not the integration's to redact.
            return
        self.events.append(f"{event.event_type} {json.dumps(event.data, default=repr)}")


async def _act(seen: Seen, call: Awaitable[Any]) -> None:
    """Run an action; keep its response or its error."""
    try:
        response = await call
    except HomeAssistantError as err:
        seen.exception(err)
    else:
        seen.responses.append(json.dumps(response, default=repr))


def _admin_url(simulator: RunningSimulator, path: str) -> str:
    return f"{simulator.base_url}/_admin{path}"


async def _admin(simulator: RunningSimulator, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, _admin_url(simulator, path), json=body) as resp,
    ):
        assert resp.status < 300, await resp.text()
        return await resp.json(content_type=None)


def _fail_next(simulator: RunningSimulator, status: int, pattern: str) -> None:
    simulator.sim.faults.add_script([{"kind": "status", "status": status, "path_pattern": pattern}])


def _echo_token(service: LwaService, token: str) -> Any:
    """An API that puts the access token it was sent into its 401."""
    raise TokenProblemError(f"The access token {token} has expired.")


def _echo_form(service: LwaService, form: dict[str, str], basic: Any) -> Any:
    """A Login with Amazon that puts what it was sent into its error."""
    raise ApiError(
        400,
        f"refresh_token {form.get('refresh_token')} of {form.get('client_id')} with secret "
        f"{form.get('client_secret')} is revoked",
        kind="invalid_grant",
    )


def _ids(hass: HomeAssistant, entry: MockConfigEntry, suffix: str) -> str:
    return next(
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.unique_id.endswith(f"_{suffix}") and e.disabled_by is None
    )


async def _every_action(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator, seen: Seen
) -> set[str]:
    """Call every action of the integration, some made to fail; return those called."""
    runtime = entry.runtime_data
    state = simulator.sim.state
    vacant = [h for h in runtime.inventory.data.homes if runtime.occupancy.state_of(h) == "VACANT"]
    occupied = [
        h for h in runtime.inventory.data.homes if runtime.occupancy.state_of(h) == "OCCUPIED"
    ]
    home, other_home = vacant[0], vacant[1]
    community = next(iter(runtime.inventory.data.communities))
    linking_skill = next(s.id for s in state.skills.values() if s.account_linking)
    visible = runtime.endpoints.data.visible
    spare = next(e.id for e in visible.values() if e.unit_id not in runtime.inventory.data.homes)
    echo = next(e.id for e in visible.values() if e.has_feature("speaker") and e.unit_id == home)
    doomed = next(e.id for e in visible.values() if e.unit_id == other_home and e.id != echo)
    entry_id = {"config_entry_id": entry.entry_id}
    called: set[str] = set()

    async def act(service: str, data: dict[str, Any], response: bool = True) -> Any:
        called.add(service)
        result: dict[str, Any] = {}
        try:
            result = (
                await hass.services.async_call(
                    DOMAIN, service, data, blocking=True, return_response=response
                )
                or {}
            )
        except HomeAssistantError as err:
            seen.exception(err)
        else:
            seen.responses.append(json.dumps(result, default=repr))
        await hass.async_block_till_done()
        return result

    link = {"redirect_uri": "https://skill.example/link", "auth_code": ACCOUNT_LINK_CODES[0]}
    await act(
        "move_in",
        {**entry_id, "home_id": home, "linked_applications": [{"skill_id": linking_skill, **link}]},
    )
    await _admin(simulator, "POST", f"/homes/{home}/resident/link")
    await runtime.occupancy.async_refresh()
    await act("unlink_resident", {**entry_id, "home_id": home})
    await act("move_out", {**entry_id, "home_id": home})
    _fail_next(simulator, 400, "occupancies")
    await act(
        "move_in",
        {**entry_id, "home_id": home, "linked_applications": [{"skill_id": linking_skill, **link}]},
    )
    await act("move_out", {**entry_id, "home_id": home})
    if occupied:
        await act("move_in", {**entry_id, "home_id": occupied[0]})  # refused: not vacant

    await act(
        "enable_skill",
        {
            "unit_id": home,
            "skill_id": linking_skill,
            "redirect_uri": "https://skill.example/link",
            "auth_code": ACCOUNT_LINK_CODES[1],
        },
    )
    _fail_next(simulator, 403, "skills")
    await act(
        "enable_skill",
        {
            "unit_id": other_home,
            "skill_id": linking_skill,
            "redirect_uri": "https://skill.example/link",
            "auth_code": ACCOUNT_LINK_CODES[1],
        },
    )
    await act("list_skill_enablements", {"unit_id": home})
    await act("disable_skill", {"unit_id": home, "skill_id": linking_skill}, response=False)

    template = await act(
        "create_automation_template",
        {
            **entry_id,
            "template": {"trigger": SUNSET, "operations": {"serial": [NOTIFY]}},
            "name": "Lights out",
        },
    )
    template_id = template.get("template_id", "amzn1.alexa.automation.template.none")
    await act("list_automation_templates", entry_id)
    automation = await act("create_automation", {"unit_id": home, "template_id": template_id})
    automation_id = automation.get("automation_id", "amzn1.alexa.automation.none")
    await act("update_automation", {**entry_id, "automation_id": automation_id, "data": {}})
    await act("list_automations", {"unit_id": home})
    await act("delete_automation", {**entry_id, "automation_id": automation_id})
    await act("delete_automation_template", {**entry_id, "template_id": template_id})

    created = await act("create_community", {**entry_id, "name": "Secret Gardens"})
    new_community = created.get("community_id", community)
    await act("rename_community", {"community_id": new_community, "name": "Open Gardens"})
    new_home = await act("create_home", {"community_id": new_community, "name": "Unit 900"})
    new_home_id = new_home.get("home_id", home)
    await act("rename_home", {"home_id": new_home_id, "name": "Unit 901"})
    await act("delete_home", {"home_id": new_home_id})
    await act("delete_community", {"community_id": new_community})

    await act("rename_device", {"endpoint_id": echo, "name": "Hall Echo"})
    moved = await act("assign_device", {"endpoint_id": spare, "home_id": other_home})
    await runtime.endpoints.async_refresh()
    await act("return_device", {"endpoint_id": moved.get("endpoint_id", spare)})
    _fail_next(simulator, 500, "alerts")
    await act("delete_timers", {"endpoint_id": echo})
    await act("delete_timers", {"endpoint_id": echo})
    await act("forget_device", {"endpoint_id": doomed})
    await act("deregister_device", {"endpoint_id": doomed})
    return called


async def _entity_actions(hass: HomeAssistant, entry: MockConfigEntry, seen: Seen) -> None:
    call = hass.services.async_call
    light, volume, timers = (_ids(hass, entry, s) for s in ("light", "volume", "delete_timers"))
    actions: list[Callable[[], Awaitable[Any]]] = [
        lambda: call("light", SERVICE_TURN_ON, {"entity_id": light, ATTR_BRIGHTNESS: 99},
                     blocking=True),
        lambda: call("number", SERVICE_SET_VALUE, {"entity_id": volume, ATTR_VALUE: 30},
                     blocking=True),
        lambda: call("button", SERVICE_PRESS, {"entity_id": timers}, blocking=True),
    ]  # fmt: skip
    for action in actions:
        await _act(seen, action())


async def _sign_in(hass_client: Callable[[], Awaitable[Any]], url: str) -> str:
    """Consent on the simulator's Login with Amazon page; return the authorization code."""
    authorize = URL(url)
    async with aiohttp.ClientSession() as session:
        async with session.get(authorize) as resp:
            page = await resp.text()
        form = {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page
            )
        }
        form["decision"] = "allow"
        async with session.post(
            authorize.with_query(None), data=form, allow_redirects=False
        ) as resp:
            location = URL(resp.headers["Location"])
    client = await hass_client()
    resp = await client.get(f"{CALLBACK_PATH}?{location.query_string}")
    assert resp.status == 200
    return location.query["code"]


async def _reauth(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: RunningSimulator,
    hass_client: Callable[[], Awaitable[Any]],
) -> None:
    """A revoked grant: reauth with a pasted token (refused, then accepted), then with LWA."""
    credentials = simulator.credentials
    old = entry.data["token"]["refresh_token"]
    await _admin(simulator, "POST", "/tokens/revoke", {})
    simulator.sim.lwa.expire_access_tokens()
    await entry.runtime_data.endpoints.async_refresh()  # fails: the grant is revoked
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows, "a revoked grant starts reauthentication"
    flow_id = flows[0]["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": "refresh_token"}
    )
    paste = {"client_id": credentials.client_id, "client_secret": credentials.client_secret}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**paste, "refresh_token": old}
    )
    assert result["errors"] == {"refresh_token": "invalid_refresh_token"}
    fresh = simulator.sim.new_refresh_token()
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**paste, "refresh_token": fresh}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(credentials.client_id, credentials.client_secret), DOMAIN
    )
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "pick_implementation"}
    )
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    await _sign_in(hass_client, result["url"])
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


async def _with_echoing_service(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RunningSimulator, seen: Seen
) -> None:
    """Refreshes and an action while the API, then LWA, echo the secrets sent to them."""
    runtime = entry.runtime_data
    unit = next(iter(runtime.inventory.data.homes))
    for echo in (
        patch.object(LwaService, "check_access_token", _echo_token),
        patch.object(LwaService, "exchange", _echo_form),
    ):
        simulator.sim.lwa.expire_access_tokens()  # the next call needs a new token
        with echo:
            await runtime.endpoints.async_refresh()
            await _act(seen, hass.services.async_call(
                DOMAIN, "list_skill_enablements", {"unit_id": unit},
                blocking=True, return_response=True,
            ))  # fmt: skip
            await hass.async_block_till_done()


@pytest.fixture
def issued() -> Iterator[list[str]]:
    """Every access and refresh token Login with Amazon hands out (revoking forgets them)."""
    tokens: list[str] = []
    original = LwaService._tokens

    def recording(service: LwaService, *args: Any) -> Any:
        body = original(service, *args)
        tokens.extend([body["access_token"], body["refresh_token"]])
        return body

    with patch.object(LwaService, "_tokens", recording):
        yield tokens


def _secrets(simulator: RunningSimulator, issued: list[str]) -> dict[str, str]:
    lwa = simulator.sim.lwa.store
    found = {"client secret": simulator.sim.client_secret}
    found |= {f"token {t[:12]}": t for t in [*issued, *lwa.access_tokens]}
    found |= {f"refresh token {t[:12]}": t for t in lwa.refresh_tokens}
    found |= {f"authorization code {c[:9]}": c for c in lwa.codes}
    found |= {f"account-link code {c}": c for c in ACCOUNT_LINK_CODES}
    return found


def _leaks(text: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value in text]


@pytest.mark.usefixtures("current_request_with_host")
async def test_no_secret_in_logs_diagnostics_exceptions_or_responses(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    hass_client_no_auth: Callable[[], Awaitable[Any]],
    issued: list[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    seen = Seen()
    hass.bus.async_listen(MATCH_ALL, seen.event)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    _fail_next(simulator, 401, "^/v2/endpoints")  # the token is refused once: refreshed
    await config_entry.runtime_data.endpoints.async_refresh()

    called = await _every_action(hass, config_entry, simulator, seen)
    assert called == set(hass.services.async_services_for_domain(DOMAIN)), (
        "every action of the integration is called here"
    )
    await _entity_actions(hass, config_entry, seen)
    await _with_echoing_service(hass, config_entry, simulator, seen)
    await _reauth(hass, config_entry, simulator, hass_client_no_auth)
    await _entity_actions(hass, config_entry, seen)
    diagnostics = json.dumps(
        await async_get_config_entry_diagnostics(hass, config_entry), default=repr
    )

    secrets = _secrets(simulator, issued)
    assert len(secrets) > 10, "tokens were issued, rotated and refused along the way"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    log_lines = [
        f"{formatter.format(record)} {record.args!r}"
        for record in caplog.records
        if not record.name.startswith(("simulator", "aiohttp.access"))
        # The test harness's storage mock echoes what it writes to disk; Home Assistant's
        # own Store logs no content (rotated tokens are stored, like the entry's own).
        and not (
            record.name == "pytest_homeassistant_custom_component.common"
            and record.getMessage().startswith("Writing data to")
        )
    ]
    assert any(r.levelno == logging.DEBUG for r in caplog.records), "logging was at DEBUG"
    states = [
        f"{s.entity_id} {s.state} {json.dumps(dict(s.attributes), default=repr)}"
        for s in hass.states.async_all()
    ]
    issues = [repr(issue) for issue in ir.async_get(hass).issues.values()]
    places = {
        "log": log_lines,
        "diagnostics": [diagnostics],
        "exception": seen.exceptions,
        "response": seen.responses,
        "event": seen.events,
        "state": states,
        "repair issue": issues,
    }
    assert seen.exceptions, "failures were made to happen"
    leaks = {
        f"{where} #{index}": found
        for where, texts in places.items()
        for index, text in enumerate(texts)
        if (found := _leaks(text, secrets))
    }
    assert not leaks, leaks
