"""Config, reauth, reconfigure and options flows, driven against the simulator over loopback.

Nothing of the integration is mocked. Login with Amazon runs for real: the authorize URL the
flow returns is opened with aiohttp, the simulator's consent page is submitted, and its
redirect goes to Home Assistant's OAuth callback view. Only Amazon's real hosts (the EU
region) are stood in for, with Home Assistant's aiohttp client mocker, as the simulator
cannot be reached there.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from homeassistant.components.application_credentials import (
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ImplementationUnavailableError
from homeassistant.helpers import config_entry_oauth2_flow
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from yarl import URL

from custom_components.alexa_smart_properties.const import (
    AUTH_METHOD_OAUTH,
    AUTH_METHOD_TOKEN,
    CONF_API_URL,
    CONF_AUTH_METHOD,
    CONF_COMMUNITIES,
    CONF_DEVICE_GRACE,
    CONF_ENDPOINT_INTERVAL,
    CONF_INVENTORY_INTERVAL,
    CONF_LWA_URL,
    CONF_OCCUPANCY_INTERVAL,
    CONF_ORGANIZATION_ID,
    CONF_REGION,
    CONF_SKILLS_INTERVAL,
    DOMAIN,
    REGION_CUSTOM,
)
from simulator.embed import RunningSimulator

from .conftest import entry_data

EN = json.loads(
    (
        Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)
UNREACHABLE = "http://127.0.0.1:9"
FOREIGN_ORGANIZATION = "amzn1.alexa.unit.did.AFOREIGNORGANIZATION"
EU_UNITS = "https://api.eu.amazonalexa.com/v2/units"
AMAZON = re.compile(r"^https://[^/]*amazon")
AMAZON_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
CALLBACK_PATH = "/auth/external/callback"

type ClientFactory = Callable[[], Awaitable[Any]]


# --- Translations: every form, menu, error and abort the tests meet must be translated ---


def _assert_translated(section: str, result: ConfigFlowResult) -> None:
    strings = EN[section]
    kind = result["type"]
    if kind is FlowResultType.ABORT:
        # Reasons Home Assistant translates itself (OAuth2, reauth/reconfigure success)
        # come with translation_domain "homeassistant".
        if result.get("translation_domain") is None:
            assert result["reason"] in strings["abort"], result["reason"]
        return
    if kind not in (FlowResultType.FORM, FlowResultType.MENU):
        return
    step = strings["step"][result["step_id"]]
    if kind is FlowResultType.MENU:
        options: list[str] = result["menu_options"]  # type: ignore[assignment]
        assert set(options) <= set(step["menu_options"])
        return
    for error in (result["errors"] or {}).values():
        assert error in strings["error"], error
    for key in _schema(result):
        assert str(key) in step["data"], key
        assert str(key) in step["data_description"], key


@pytest.fixture(autouse=True)
def check_translations(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Record every flow result (the OAuth callback view's too) and check its strings."""
    seen: list[tuple[str, ConfigFlowResult]] = []
    managers = (("config", hass.config_entries.flow), ("options", hass.config_entries.options))
    for section, manager in managers:
        for name in ("async_init", "async_configure"):
            original = getattr(manager, name)

            async def recorded(
                *args: Any, _original: Any = original, _section: str = section, **kwargs: Any
            ) -> Any:
                result = await _original(*args, **kwargs)
                seen.append((_section, result))
                return result

            monkeypatch.setattr(manager, name, recorded)
    yield
    for section, result in seen:
        _assert_translated(section, result)


def test_translations_cover_the_flow_strings() -> None:
    """Each step has a title and describes each field; the selector has every region."""
    for section in ("config", "options"):
        for step_id, step in EN[section]["step"].items():
            assert step["title"], step_id
            assert set(step.get("data", {})) == set(step.get("data_description", {})), step_id
    assert set(EN["selector"]["region"]["options"]) == {"na", "eu", "fe", "custom"}
    assert {"console_url", "more_info_url"} <= set(
        re.findall(r"\{(\w+)\}", EN["application_credentials"]["description"])
    )


# --- Helpers -------------------------------------------------------------------------------


async def _admin(simulator: RunningSimulator, method: str, path: str, body: Any = None) -> Any:
    """Call the simulator's admin API over HTTP."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{simulator.base_url}/_admin{path}", json=body) as resp,
    ):
        assert resp.status < 300, await resp.text()
        return await resp.json(content_type=None) if resp.status != 204 else None


def _token_route_count(simulator: RunningSimulator) -> int:
    counter = simulator.sim.stats.routes.get("POST /auth/o2/token")
    return counter.count if counter else 0


def _credentials_input(simulator: RunningSimulator, refresh_token: str) -> dict[str, str]:
    credentials = simulator.credentials
    return {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "refresh_token": refresh_token,
    }


def _endpoint_input(simulator: RunningSimulator) -> dict[str, str]:
    return {CONF_API_URL: simulator.base_url, CONF_LWA_URL: simulator.base_url}


def _code_used(simulator: RunningSimulator, code: str) -> bool:
    return simulator.sim.lwa.store.codes[code].used


def _is_active(simulator: RunningSimulator, refresh_token: str) -> bool:
    record = simulator.sim.lwa.store.refresh_tokens.get(refresh_token)
    return record is not None and record.active


async def _start(hass: HomeAssistant, menu_option: str) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": menu_option}
    )


async def _configure(
    hass: HomeAssistant, result: ConfigFlowResult, user_input: dict[str, Any] | None = None
) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def _token_flow_to_credentials(
    hass: HomeAssistant, simulator: RunningSimulator
) -> ConfigFlowResult:
    """Choose a pasted token and the custom endpoint; return the credentials form."""
    result = await _start(hass, "refresh_token")
    assert result["step_id"] == "region"
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    assert result["step_id"] == "custom_endpoint"
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "refresh_token"
    assert not result["errors"]
    return result


async def _token_flow_to_organization(
    hass: HomeAssistant, simulator: RunningSimulator, refresh_token: str
) -> ConfigFlowResult:
    """Choose the custom endpoint, paste credentials; return the organization form."""
    result = await _token_flow_to_credentials(hass, simulator)
    result = await _configure(hass, result, _credentials_input(simulator, refresh_token))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "organization"
    assert not result["errors"]
    return result


def _typed(result: ConfigFlowResult) -> dict[str, Any]:
    """Return what the credentials form shows filled in."""
    return {key: _suggested(result, key) for key in ("client_id", "client_secret", "refresh_token")}


def _schema(result: ConfigFlowResult) -> dict[Any, Any]:
    assert result["data_schema"] is not None
    schema: dict[Any, Any] = result["data_schema"].schema
    return schema


def _suggested(result: ConfigFlowResult, key: str) -> Any:
    for marker in _schema(result):
        if str(marker) == key:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(key)


def _selector(result: ConfigFlowResult, key: str) -> Any:
    for marker, selector in _schema(result).items():
        if str(marker) == key:
            return selector
    raise KeyError(key)


def _default(result: ConfigFlowResult, key: str) -> Any:
    for marker in _schema(result):
        if str(marker) == key:
            return marker.default()
    raise KeyError(key)


@pytest.fixture
async def credential(hass: HomeAssistant, simulator: RunningSimulator) -> str:
    """Register the simulator's client as application credentials; return its ID."""
    assert await async_setup_component(hass, "application_credentials", {})
    credentials = simulator.credentials
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(credentials.client_id, credentials.client_secret), DOMAIN
    )
    return DOMAIN


async def _sign_in(
    hass: HomeAssistant,
    client_factory: ClientFactory,
    result: ConfigFlowResult,
    decision: str = "allow",
) -> dict[str, str]:
    """Follow Login with Amazon: consent page, redirect, Home Assistant's callback view."""
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    authorize = URL(result["url"])
    async with aiohttp.ClientSession() as session:
        async with session.get(authorize) as resp:
            assert resp.status == 200, await resp.text()
            page = await resp.text()
        form = {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page
            )
        }
        assert form["code_challenge_method"] == "S256"
        form["decision"] = decision
        async with session.post(
            authorize.with_query(None), data=form, allow_redirects=False
        ) as resp:
            assert resp.status == 302, await resp.text()
            location = URL(resp.headers["Location"])
    assert str(location.with_query(None)) == "https://example.com" + CALLBACK_PATH
    client = await client_factory()
    resp = await client.get(f"{CALLBACK_PATH}?{location.query_string}")
    assert resp.status == 200
    assert "window.close()" in await resp.text()
    return dict(location.query)


# --- Pasted refresh token: the whole way ----------------------------------------------------


async def test_refresh_token_creates_entry(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Custom endpoint, credentials, organization: one entry titled with the organization."""
    credentials = simulator.credentials
    simulator.sim.state.organization_name = "Maple Court Residences"
    pasted = credentials.refresh_token
    result = await _start(hass, "refresh_token")
    assert result["step_id"] == "region"
    assert _default(result, CONF_REGION) == "na"
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(
        hass,
        result,
        {CONF_API_URL: f" {simulator.base_url}/ ", CONF_LWA_URL: simulator.base_url + "/"},
    )
    assert result["step_id"] == "refresh_token"
    before = _token_route_count(simulator)
    result = await _configure(
        hass,
        result,
        {
            "client_id": f"  {credentials.client_id} ",
            "client_secret": credentials.client_secret,
            "refresh_token": f"{pasted}\n",
        },
    )
    # Checked on the form where they were typed: one refresh, which rotated the token.
    assert _token_route_count(simulator) == before + 1
    assert not _is_active(simulator, pasted)
    assert result["step_id"] == "organization"
    result = await _configure(
        hass, result, {CONF_ORGANIZATION_ID: f" {credentials.organization_id} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _token_route_count(simulator) == before + 1  # the organization check reused it
    assert result["result"].unique_id == credentials.organization_id
    assert result["title"] == "Maple Court Residences"
    token = result["data"]["token"]
    stored = token["refresh_token"]
    # The token the check refreshed, as an OAuth2 entry keeps it.
    assert {"access_token", "expires_at", "expires_in", "token_type"} <= set(token)
    assert token["expires_at"] > time.time()
    assert result["data"] == {
        CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "token": token,
        CONF_REGION: REGION_CUSTOM,
        CONF_API_URL: simulator.base_url,
        CONF_LWA_URL: simulator.base_url,
        CONF_ORGANIZATION_ID: credentials.organization_id,
    }
    # LWA rotated the pasted token and the new one was kept.
    assert stored != pasted
    assert stored in simulator.sim.lwa.store.refresh_tokens
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert _is_active(simulator, entry.data["token"]["refresh_token"])
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_title_falls_back_to_the_organization_id(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """When the Units API does not give the organization's name, its ID is the title."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    await _admin(
        simulator, "POST", "/faults/script", [{"status": 403, "path_pattern": "^/v2/units/"}]
    )
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert simulator.sim.faults.injected
    assert result["title"] == organization_id
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_duplicate_organization_aborts(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """A second entry for the same organization aborts before the organization is read."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    before = _token_route_count(simulator)
    result = await _configure(
        hass, result, {CONF_ORGANIZATION_ID: simulator.credentials.organization_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert _token_route_count(simulator) == before


async def test_wrong_secret_for_a_configured_organization(
    hass: HomeAssistant, simulator: RunningSimulator, config_entry: MockConfigEntry
) -> None:
    """A wrong secret is reported as such on its form, not as "already set up"."""
    token = simulator.sim.new_refresh_token()
    result = await _token_flow_to_credentials(hass, simulator)
    before = _token_route_count(simulator)
    typed = {**_credentials_input(simulator, token), "client_secret": "not-the-secret"}
    result = await _configure(hass, result, typed)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"client_secret": "invalid_client_secret"}
    # Everything typed is still there, the secrets too.
    assert _typed(result) == typed
    assert _token_route_count(simulator) == before + 1
    assert _is_active(simulator, token)  # LWA refused the client before the grant

    result = await _configure(hass, result, _credentials_input(simulator, token))
    assert result["step_id"] == "organization"
    result = await _configure(
        hass, result, {CONF_ORGANIZATION_ID: simulator.credentials.organization_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_invalid_client_id_and_empty_secret(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Malformed pasted credentials stay on their form, with what was typed kept."""
    token = simulator.sim.new_refresh_token()
    result = await _token_flow_to_credentials(hass, simulator)
    before = _token_route_count(simulator)
    typed = {"client_id": "my-client", "client_secret": "secret", "refresh_token": token}
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"client_id": "invalid_client_id"}
    assert _typed(result) == typed
    typed = {**_credentials_input(simulator, token), "client_secret": "  "}
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"base": "invalid_auth"}
    assert _typed(result) == {**typed, "client_secret": ""}
    assert _token_route_count(simulator) == before  # nothing was sent
    result = await _configure(hass, result, _credentials_input(simulator, token))
    assert result["step_id"] == "organization"


@pytest.mark.parametrize("bad_token", ["revoked", "sim.rt.unknown"])
async def test_unknown_or_revoked_refresh_token(
    hass: HomeAssistant, simulator: RunningSimulator, bad_token: str
) -> None:
    """A refused refresh token is reported on the credentials form; a good one goes on."""
    token = simulator.sim.new_refresh_token()
    if bad_token == "revoked":
        assert (await _admin(simulator, "POST", "/tokens/revoke", {"refreshToken": token})) == {
            "revokedGrants": 1
        }
        bad_token = token
    result = await _token_flow_to_credentials(hass, simulator)
    typed = _credentials_input(simulator, bad_token)
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"refresh_token": "invalid_refresh_token"}
    assert _typed(result) == typed

    good = simulator.sim.new_refresh_token()
    result = await _configure(hass, result, _credentials_input(simulator, good))
    assert result["step_id"] == "organization"
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ORGANIZATION_ID] == organization_id
    assert result["data"]["token"]["refresh_token"] not in (good, bad_token)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_invalid_custom_endpoint_and_unreachable_lwa(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Bad URLs stay on the endpoint form; an unreachable LWA shows on the credentials."""
    result = await _start(hass, "refresh_token")
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    for api_url, lwa_url, errors in (
        (
            "ftp://127.0.0.1",
            "127.0.0.1:8787",
            {CONF_API_URL: "invalid_url", CONF_LWA_URL: "invalid_url"},
        ),
        ("http://", simulator.base_url, {CONF_API_URL: "invalid_url"}),
        (simulator.base_url, "http://[::1", {CONF_LWA_URL: "invalid_url"}),
    ):
        result = await _configure(hass, result, {CONF_API_URL: api_url, CONF_LWA_URL: lwa_url})
        assert result["step_id"] == "custom_endpoint"
        assert result["errors"] == errors
        assert _suggested(result, CONF_API_URL) == api_url

    result = await _configure(hass, result, {CONF_API_URL: UNREACHABLE, CONF_LWA_URL: UNREACHABLE})
    assert result["step_id"] == "refresh_token"
    typed = _credentials_input(simulator, simulator.sim.new_refresh_token())
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"base": "lwa_unreachable"}
    assert result["description_placeholders"] == {"lwa_url": UNREACHABLE}
    assert _typed(result) == typed


async def test_api_unreachable_after_token_refresh_keeps_the_rotated_token(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """LWA answers but the API does not: the retry uses the refresh token LWA handed out."""
    pasted = simulator.sim.new_refresh_token()
    result = await _start(hass, "refresh_token")
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(
        hass, result, {CONF_API_URL: UNREACHABLE, CONF_LWA_URL: simulator.base_url}
    )
    result = await _configure(hass, result, _credentials_input(simulator, pasted))
    assert result["step_id"] == "organization"
    result = await _configure(
        hass, result, {CONF_ORGANIZATION_ID: simulator.credentials.organization_id}
    )
    assert result["step_id"] == "custom_endpoint"
    assert result["errors"] == {"base": "cannot_connect"}
    assert _suggested(result, CONF_API_URL) == UNREACHABLE
    assert not _is_active(simulator, pasted)
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_server_errors_mean_cannot_connect(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """503s that outlast the retries are reported as a connection problem."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    await _admin(
        simulator,
        "POST",
        "/faults/script",
        [{"status": 503, "path_pattern": "homeCommunities"}] * 6,
    )
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["step_id"] == "custom_endpoint"
    assert result["errors"] == {"base": "cannot_connect"}
    assert simulator.sim.faults.injected
    await _admin(simulator, "DELETE", "/faults")
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_invalid_and_foreign_organization(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A malformed ID never leaves the form; a foreign one is refused (403) by the API."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: "org-1234"})
    assert result["step_id"] == "organization"
    assert result["errors"] == {CONF_ORGANIZATION_ID: "invalid_organization_id"}
    assert _suggested(result, CONF_ORGANIZATION_ID) == "org-1234"

    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: FOREIGN_ORGANIZATION})
    assert result["step_id"] == "organization"
    assert result["errors"] == {"base": "forbidden_organization"}
    assert _suggested(result, CONF_ORGANIZATION_ID) == FOREIGN_ORGANIZATION

    # The failed check rotated the refresh token; the retry must use the new one.
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == organization_id
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_client_not_granted(hass: HomeAssistant, simulator: RunningSimulator) -> None:
    """The ASP console no longer lists the client (403 on every call), then does again."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    await _admin(simulator, "PUT", "/client", {"granted": False})
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["errors"] == {"base": "forbidden_organization"}
    await _admin(simulator, "PUT", "/client", {"granted": True})
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_unexpected_answer(
    hass: HomeAssistant, simulator: RunningSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A response the client cannot read is an unknown error, logged; a retry works."""
    result = await _token_flow_to_organization(hass, simulator, simulator.sim.new_refresh_token())
    await _admin(
        simulator,
        "POST",
        "/faults/script",
        [{"kind": "malformed", "path_pattern": "homeCommunities"}],
    )
    organization_id = simulator.credentials.organization_id
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["step_id"] == "organization"
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected answer while checking the organization" in caplog.text
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


# --- Amazon's own hosts (EU): stood in for at the HTTP edge ---------------------------------


def _lwa_token(refresh_token: str) -> dict[str, Any]:
    return {
        "access_token": "Atza|access",
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_token": refresh_token,
    }


def _amazon(
    mock: AiohttpClientMocker,
    refresh_token: str | None,
    units: tuple[int, Any] | None,
    unit: tuple[str, Any] | None = None,
) -> None:
    """Stand in for LWA, the EU units listing and one EU unit; the rest is unreachable."""
    mock.clear_requests()
    if refresh_token is not None:
        mock.post(AMAZON_TOKEN_URL, json=_lwa_token(refresh_token))
    if units is not None:
        mock.get(EU_UNITS, status=units[0], json=units[1])
    if unit is not None:
        mock.get(f"{EU_UNITS}/{unit[0]}", json=unit[1])
    for method in ("get", "post", "put", "delete"):
        mock.request(method, AMAZON, exc=aiohttp.ClientConnectionError("unreachable"))


def _token_requests(mock: AiohttpClientMocker) -> list[str]:
    return [
        data["refresh_token"]
        for method, url, data, _headers in mock.mock_calls
        if method.lower() == "post" and str(url) == AMAZON_TOKEN_URL
    ]


async def test_eu_region_checks_the_units_api(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Outside North America: Amazon's LWA, then the organization's units on the EU host."""
    organization_id = "amzn1.alexa.unit.did.EUORGANIZATION"
    typed = {
        "client_id": "amzn1.application-oa2-client.eu",
        "client_secret": "secret",
        "refresh_token": "Atzr|pasted",
    }
    result = await _start(hass, "refresh_token")
    result = await _configure(hass, result, {CONF_REGION: "eu"})
    assert result["step_id"] == "refresh_token"

    _amazon(aioclient_mock, None, None)
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"base": "lwa_unreachable"}
    assert result["description_placeholders"] == {"lwa_url": "https://api.amazon.com"}
    assert _typed(result) == typed

    _amazon(aioclient_mock, "Atzr|rotated", (404, {"message": "The unit wasn't found."}))
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "organization"
    assert _token_requests(aioclient_mock) == ["Atzr|pasted"]
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["errors"] == {"base": "forbidden_organization"}

    hotel = {
        "id": "amzn1.alexa.unit.did.HOTEL",
        "name": {"type": "PLAIN", "value": {"text": "Hotel"}},
    }
    organization = {
        "id": organization_id,
        "name": {"type": "PLAIN", "value": {"text": "Hôtel du Lac"}},
    }
    _amazon(
        aioclient_mock,
        "Atzr|rotated",
        (200, {"results": [hotel]}),
        (organization_id, organization),
    )
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Hôtel du Lac"
    assert result["data"] == {
        CONF_AUTH_METHOD: AUTH_METHOD_TOKEN,
        "client_id": "amzn1.application-oa2-client.eu",
        "client_secret": "secret",
        "token": {
            **_lwa_token("Atzr|rotated"),
            "expires_at": pytest.approx(time.time() + 3600, abs=60),
        },
        CONF_REGION: "EU",
        CONF_ORGANIZATION_ID: organization_id,
    }
    # The retry used the access token LWA handed out on the credentials form.
    assert _token_requests(aioclient_mock) == []
    assert {h["Authorization"] for m, _u, _d, h in aioclient_mock.mock_calls if m == "GET"} == {
        "Bearer Atza|access"
    }
    units = [URL(url) for method, url, *_ in aioclient_mock.mock_calls if method.lower() == "get"]
    assert units[0].query["parentId"] == organization_id
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(result["result"].entry_id)


# --- Login with Amazon through application credentials -----------------------------------


@pytest.mark.usefixtures("current_request_with_host")
async def test_login_with_amazon_creates_entry(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    credential: str,
    hass_client_no_auth: ClientFactory,
) -> None:
    """Authorization code with PKCE against the simulator's LWA, then the organization."""
    simulator.sim.state.organization_name = "Harbor View Apartments"
    result = await _start(hass, "region")
    assert result["step_id"] == "region"
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    authorize = URL(result["url"])
    assert str(authorize.with_query(None)) == simulator.base_url + "/ap/oa"
    assert authorize.query["client_id"] == simulator.credentials.client_id
    assert authorize.query["scope"] == "alexa::enterprise:management"
    assert authorize.query["redirect_uri"] == "https://example.com" + CALLBACK_PATH
    assert len(authorize.query["code_challenge"]) == 43

    query = await _sign_in(hass, hass_client_no_auth, result)
    code = simulator.sim.lwa.store.codes[query["code"]]
    assert code.code_challenge == authorize.query["code_challenge"]
    assert not _code_used(simulator, query["code"])
    result = await _configure(hass, result)
    # The simulator checked the code verifier against the challenge before answering.
    assert _code_used(simulator, query["code"])
    assert result["step_id"] == "organization"
    organization_id = simulator.credentials.organization_id
    before = _token_route_count(simulator)
    result = await _configure(hass, result, {CONF_ORGANIZATION_ID: organization_id})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The access token from the sign-in served the check: no extra refresh.
    assert _token_route_count(simulator) == before
    assert result["title"] == "Harbor View Apartments"
    data = result["data"]
    token = data["token"]
    assert data == {
        CONF_AUTH_METHOD: AUTH_METHOD_OAUTH,
        "auth_implementation": credential,
        "token": token,
        CONF_REGION: REGION_CUSTOM,
        CONF_API_URL: simulator.base_url,
        CONF_LWA_URL: simulator.base_url,
        CONF_ORGANIZATION_ID: organization_id,
    }
    assert {"access_token", "refresh_token", "expires_at", "expires_in"} <= set(token)
    assert _is_active(simulator, token["refresh_token"])
    assert result["result"].unique_id == organization_id
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(result["result"].entry_id)


@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_login_with_amazon_north_america_goes_to_amazon(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Outside the custom endpoint, the admin is sent to Amazon's own authorize page."""
    result = await _start(hass, "region")
    result = await _configure(hass, result, {CONF_REGION: "na"})
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    authorize = URL(result["url"])
    assert str(authorize.with_query(None)) == "https://www.amazon.com/ap/oa"
    assert authorize.query["scope"] == "alexa::enterprise:management"
    assert authorize.query["code_challenge_method"] == "S256"
    hass.config_entries.flow.async_abort(result["flow_id"])


@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_login_with_amazon_cancelled(
    hass: HomeAssistant, simulator: RunningSimulator, hass_client_no_auth: ClientFactory
) -> None:
    """Cancel on the consent page aborts the flow."""
    result = await _start(hass, "region")
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(hass, result, _endpoint_input(simulator))
    query = await _sign_in(hass, hass_client_no_auth, result, decision="deny")
    assert query["error"] == "access_denied"
    result = await _configure(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"


async def test_login_with_amazon_without_credentials(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """Without application credentials the flow asks for them (the frontend adds one)."""
    assert await async_setup_component(hass, "application_credentials", {})
    result = await _start(hass, "region")
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "missing_credentials"


async def test_credentials_dialog_placeholders(
    hass: HomeAssistant, credential: str, hass_ws_client: Any
) -> None:
    """The application credentials dialog gets the links its description uses."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    response = await client.receive_json()
    assert response["success"]
    assert DOMAIN in response["result"]["domains"]
    placeholders = response["result"]["integrations"][DOMAIN]["description_placeholders"]
    assert set(placeholders) == {"console_url", "more_info_url"}
    assert all(url.startswith("https://developer.amazon.com/") for url in placeholders.values())


# --- Reauth ---------------------------------------------------------------------------------


async def test_reauth_with_refresh_token(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Revoked grant; a pasted new token fixes it, failures stay on the form."""
    old_token = loaded_entry.data["token"]["refresh_token"]
    await _admin(simulator, "POST", "/tokens/revoke", {})
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "reauth_confirm"
    result = await _configure(hass, result, {"next_step_id": "refresh_token"})
    assert result["step_id"] == "refresh_token"
    # The stored secret is not sent back to the browser: only the client ID is filled in.
    assert _typed(result) == {
        "client_id": simulator.credentials.client_id,
        "client_secret": None,
        "refresh_token": None,
    }

    # The old, revoked token: refused, on the form, with what was typed kept.
    typed = _credentials_input(simulator, old_token)
    result = await _configure(hass, result, typed)
    assert result["step_id"] == "refresh_token"
    assert result["errors"] == {"refresh_token": "invalid_refresh_token"}
    assert _typed(result) == typed

    # A wrong secret: said so.
    fresh = simulator.sim.new_refresh_token()
    typed = {**_credentials_input(simulator, fresh), "client_secret": "wrong"}
    result = await _configure(hass, result, typed)
    assert result["errors"] == {"client_secret": "invalid_client_secret"}
    assert _typed(result) == typed

    # A good token, but the client is no longer granted: refused by the API (403).
    await _admin(simulator, "PUT", "/client", {"granted": False})
    typed = _credentials_input(simulator, fresh)
    result = await _configure(hass, result, typed)
    assert result["errors"] == {"base": "forbidden_organization"}
    assert _typed(result) == typed
    assert not _is_active(simulator, fresh)

    # Granted again, the same input is submitted again: the rotated token is used.
    await _admin(simulator, "PUT", "/client", {"granted": True})
    result = await _configure(hass, result, _credentials_input(simulator, fresh))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.data["token"]["refresh_token"] not in (old_token, fresh)
    assert _is_active(simulator, loaded_entry.data["token"]["refresh_token"])
    assert loaded_entry.data[CONF_AUTH_METHOD] == AUTH_METHOD_TOKEN


@pytest.mark.usefixtures("current_request_with_host")
async def test_reauth_with_login_with_amazon(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    loaded_entry: MockConfigEntry,
    credential: str,
    hass_client_no_auth: ClientFactory,
) -> None:
    """A pasted-token entry signs in again with Login with Amazon and switches to it."""
    await _admin(simulator, "POST", "/tokens/revoke", {})
    result = await loaded_entry.start_reauth_flow(hass)
    result = await _configure(hass, result, {"next_step_id": "pick_implementation"})
    await _sign_in(hass, hass_client_no_auth, result)
    result = await _configure(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    data = dict(loaded_entry.data)
    token = data.pop("token")
    assert data == {
        CONF_AUTH_METHOD: AUTH_METHOD_OAUTH,
        "auth_implementation": credential,
        CONF_REGION: REGION_CUSTOM,
        CONF_API_URL: simulator.base_url,
        CONF_LWA_URL: simulator.base_url,
        CONF_ORGANIZATION_ID: simulator.credentials.organization_id,
    }
    assert _is_active(simulator, token["refresh_token"])


@pytest.mark.usefixtures("current_request_with_host", "credential")
async def test_reauth_with_login_with_amazon_refused(
    hass: HomeAssistant,
    simulator: RunningSimulator,
    config_entry: MockConfigEntry,
    hass_client_no_auth: ClientFactory,
) -> None:
    """Signed in, but the client may not manage the organization: nothing changes."""
    before = dict(config_entry.data)
    await _admin(simulator, "PUT", "/client", {"granted": False})
    result = await config_entry.start_reauth_flow(hass)
    result = await _configure(hass, result, {"next_step_id": "pick_implementation"})
    await _sign_in(hass, hass_client_no_auth, result)
    result = await _configure(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "forbidden_organization"
    assert dict(config_entry.data) == before


# --- Reconfigure ----------------------------------------------------------------------------


async def test_reconfigure_custom_endpoint(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A wrong API URL is shown on the form; the entry keeps working; a good one is saved."""
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "region"
    assert _default(result, CONF_REGION) == REGION_CUSTOM
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    assert result["step_id"] == "custom_endpoint"
    assert _suggested(result, CONF_API_URL) == simulator.base_url

    token_before = loaded_entry.data["token"]
    result = await _configure(
        hass, result, {CONF_API_URL: UNREACHABLE, CONF_LWA_URL: simulator.base_url}
    )
    assert result["step_id"] == "custom_endpoint"
    assert result["errors"] == {"base": "cannot_connect"}
    # The check used the entry's still valid token (no refresh, nothing rotated); the
    # entry keeps working at the old endpoint.
    await hass.async_block_till_done()
    assert loaded_entry.data["token"] == token_before
    assert loaded_entry.data[CONF_API_URL] == simulator.base_url
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert _is_active(simulator, loaded_entry.data["token"]["refresh_token"])

    runtime_before = loaded_entry.runtime_data
    result = await _configure(
        hass, result, {CONF_API_URL: simulator.base_url + "/", CONF_LWA_URL: simulator.base_url}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data is not runtime_before
    assert loaded_entry.data[CONF_API_URL] == simulator.base_url
    assert _is_active(simulator, loaded_entry.data["token"]["refresh_token"])


async def test_reconfigure_to_another_region(
    hass: HomeAssistant, config_entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Moving to a region: failures show on the region form; success drops the custom URLs."""
    original = config_entry.data["token"]["refresh_token"]
    result = await config_entry.start_reconfigure_flow(hass)
    _amazon(aioclient_mock, "Atzr|rotated", (403, {"message": "Forbidden."}))
    result = await _configure(hass, result, {CONF_REGION: "eu"})
    assert result["step_id"] == "region"
    assert result["errors"] == {"base": "forbidden_organization"}
    assert _default(result, CONF_REGION) == "eu"
    assert config_entry.data[CONF_REGION] == REGION_CUSTOM
    assert _token_requests(aioclient_mock) == [original]
    # The refresh rotated the entry's token: stored at once, the old one may be dead.
    assert config_entry.data["token"]["refresh_token"] == "Atzr|rotated"

    _amazon(aioclient_mock, None, (200, {"results": []}))
    result = await _configure(hass, result, {CONF_REGION: "eu"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert _token_requests(aioclient_mock) == []  # the stored access token still works
    data = dict(config_entry.data)
    assert data[CONF_REGION] == "EU"
    assert CONF_API_URL not in data
    assert CONF_LWA_URL not in data
    assert data["token"]["refresh_token"] == "Atzr|rotated"
    assert data["token"]["access_token"] == "Atza|access"
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(config_entry.entry_id)


async def _oauth_entry(hass: HomeAssistant, simulator: RunningSimulator) -> MockConfigEntry:
    data = entry_data(simulator)
    for key in ("client_id", "client_secret"):
        data.pop(key)
    data |= {CONF_AUTH_METHOD: AUTH_METHOD_OAUTH, "auth_implementation": "removed"}
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=data[CONF_ORGANIZATION_ID], data=data, title="ASP"
    )
    entry.add_to_hass(hass)
    return entry


async def test_reconfigure_with_removed_credentials(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """The entry's application credential is gone: say so (reauth fixes it)."""
    assert await async_setup_component(hass, "application_credentials", {})
    entry = await _oauth_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["step_id"] == "custom_endpoint"
    assert result["errors"] == {"base": "credentials_removed"}
    assert entry.data["auth_implementation"] == "removed"


async def test_reconfigure_with_credentials_unavailable(
    hass: HomeAssistant, simulator: RunningSimulator
) -> None:
    """A provider of credentials failing is a connection problem, not a reauth."""
    assert await async_setup_component(hass, "application_credentials", {})

    async def failing_provider(
        hass: HomeAssistant, domain: str
    ) -> list[AbstractOAuth2Implementation]:
        raise ImplementationUnavailableError

    config_entry_oauth2_flow.async_add_implementation_provider(hass, "cloud", failing_provider)
    entry = await _oauth_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    result = await _configure(hass, result, {CONF_REGION: REGION_CUSTOM})
    result = await _configure(hass, result, _endpoint_input(simulator))
    assert result["errors"] == {"base": "cannot_connect"}


# --- Options --------------------------------------------------------------------------------

# What the options form must offer: default, minimum, maximum and unit of each number.
NUMBERS = {
    CONF_INVENTORY_INTERVAL: (15, 1, 1440, "min"),
    CONF_OCCUPANCY_INTERVAL: (5, 1, 1440, "min"),
    CONF_ENDPOINT_INTERVAL: (2, 2, 1440, "min"),
    CONF_DEVICE_GRACE: (24, 1, 720, "h"),
    CONF_SKILLS_INTERVAL: (6, 1, 168, "h"),
}


async def test_options_flow(
    hass: HomeAssistant, simulator: RunningSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Communities come from the loaded entry; saving reloads it with the new intervals."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    for key, (default, minimum, maximum, unit) in NUMBERS.items():
        assert _default(result, key) == default
        config = _selector(result, key).config
        assert (config["min"], config["max"], config["unit_of_measurement"], config["mode"]) == (
            minimum,
            maximum,
            unit,
            "box",
        ), key
        # Limits are in the field's description (and its error), not in its label.
        placeholders = result["description_placeholders"] or {}
        assert (placeholders[f"{key}_min"], placeholders[f"{key}_max"]) == (
            str(minimum),
            str(maximum),
        )
        step = EN["options"]["step"]["init"]
        assert "{" + key + "_max}" in step["data_description"][key]
        assert not re.search("minutes|hours", step["data"][key]), key
    assert _default(result, CONF_COMMUNITIES) == []
    selector = _selector(result, CONF_COMMUNITIES)
    communities = {c.id: c.name for c in simulator.sim.state.communities.values()}
    assert {o["value"]: o["label"] for o in selector.config["options"]} == communities

    chosen = next(iter(communities))
    runtime_before = loaded_entry.runtime_data
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_INVENTORY_INTERVAL: 30,
            CONF_OCCUPANCY_INTERVAL: 10,
            CONF_ENDPOINT_INTERVAL: 5,
            CONF_DEVICE_GRACE: 48,
            CONF_SKILLS_INTERVAL: 12,
            CONF_COMMUNITIES: [chosen],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == {
        CONF_INVENTORY_INTERVAL: 30,
        CONF_OCCUPANCY_INTERVAL: 10,
        CONF_ENDPOINT_INTERVAL: 5,
        CONF_DEVICE_GRACE: 48,
        CONF_SKILLS_INTERVAL: 12,
        CONF_COMMUNITIES: [chosen],
    }
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data is not runtime_before
    scheduler = loaded_entry.runtime_data.scheduler
    assert scheduler is not None
    assert scheduler.intervals.inventory.total_seconds() == 30 * 60
    assert scheduler.intervals.skills.total_seconds() == 12 * 3600
    assert loaded_entry.runtime_data.endpoints.absent.grace.total_seconds() == 48 * 3600

    # Shown again: the saved values are the defaults.
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert _default(result, CONF_INVENTORY_INTERVAL) == 30
    assert _default(result, CONF_COMMUNITIES) == [chosen]


async def test_options_out_of_range(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Numbers outside their limits get translated errors naming them; nothing is saved."""
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    typed = {
        CONF_INVENTORY_INTERVAL: 0,
        CONF_OCCUPANCY_INTERVAL: 5,
        CONF_ENDPOINT_INTERVAL: 1,
        CONF_DEVICE_GRACE: 10000,
        CONF_SKILLS_INTERVAL: 6,
        CONF_COMMUNITIES: [],
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        CONF_INVENTORY_INTERVAL: "inventory_interval_out_of_range",
        CONF_ENDPOINT_INTERVAL: "endpoint_interval_out_of_range",
        CONF_DEVICE_GRACE: "device_removal_hours_out_of_range",
    }
    errors = EN["options"]["error"]
    placeholders = result["description_placeholders"] or {}
    assert errors[result["errors"][CONF_DEVICE_GRACE]].format(**placeholders) == (
        "Enter from 1 to 720 hours."
    )
    assert errors[result["errors"][CONF_ENDPOINT_INTERVAL]].format(**placeholders) == (
        "Enter from 2 to 1440 minutes."
    )
    # What was typed is kept, so only the wrong number needs fixing.
    assert _suggested(result, CONF_INVENTORY_INTERVAL) == 0
    assert _suggested(result, CONF_DEVICE_GRACE) == 10000
    assert config_entry.options == {}

    fixed = {**typed, CONF_INVENTORY_INTERVAL: 1, CONF_ENDPOINT_INTERVAL: 2, CONF_DEVICE_GRACE: 720}
    result = await hass.config_entries.options.async_configure(result["flow_id"], fixed)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == fixed


async def test_options_flow_entry_not_loaded(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Not loaded: intervals can still change, chosen communities stay selectable."""
    chosen = "amzn1.alexa.unit.did.COMMUNITY"
    hass.config_entries.async_update_entry(config_entry, options={CONF_COMMUNITIES: [chosen]})
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    selector = _selector(result, CONF_COMMUNITIES)
    assert selector.config["options"] == [{"value": chosen, "label": chosen}]
