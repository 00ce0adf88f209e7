"""Login with Amazon: consent page, PKCE, code and refresh grants, rotation, expiry, 401s."""

import base64
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from simulator import ManualClock, RunningSimulator
from simulator.lwa import SCOPE, s256

from .conftest import Api, assert_request_id

REDIRECT = "https://my.home-assistant.io/redirect/oauth"


def _authorize_params(
    server: RunningSimulator, verifier: str | None, **extra: str
) -> dict[str, str]:
    params = {
        "client_id": server.credentials.client_id,
        "scope": SCOPE,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "state": "state-123",
    }
    if verifier is not None:
        params |= {"code_challenge": s256(verifier), "code_challenge_method": "S256"}
    return params | extra


def _query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def _consent(anon: Api, params: dict[str, str], decision: str = "allow") -> dict[str, str]:
    reply = await anon.form("/ap/oa", params | {"decision": decision})
    assert reply.status == 302, reply.text
    assert reply.headers["Location"].startswith(REDIRECT + "?")
    return _query(reply.headers["Location"])


async def _exchange(anon: Api, server: RunningSimulator, **form: str) -> tuple[int, dict[str, Any]]:
    creds = server.credentials
    data = {"client_id": creds.client_id, "client_secret": creds.client_secret} | form
    reply = await anon.form("/auth/o2/token", data)
    assert_request_id(reply)
    return reply.status, reply.json


async def test_consent_page_lists_the_request(anon: Api, server: RunningSimulator) -> None:
    verifier = secrets.token_urlsafe(48)
    reply = await anon.get("/ap/oa", params=_authorize_params(server, verifier))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert 'action="/ap/oa"' in reply.text
    assert "state-123" in reply.text
    assert s256(verifier) in reply.text


async def test_code_grant_with_pkce(anon: Api, server: RunningSimulator) -> None:
    verifier = secrets.token_urlsafe(48)
    query = await _consent(anon, _authorize_params(server, verifier))
    assert query["state"] == "state-123"
    assert query["code"].startswith("sim.ac.")
    status, body = await _exchange(
        anon,
        server,
        grant_type="authorization_code",
        code=query["code"],
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert status == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("sim.at.")
    assert body["refresh_token"].startswith("sim.rt.")
    assert len(body["access_token"]) <= 2048
    api = Api(anon.session, anon.base_url, body["access_token"])
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 200


async def test_code_is_single_use_and_replay_revokes(anon: Api, server: RunningSimulator) -> None:
    verifier = secrets.token_urlsafe(48)
    code = (await _consent(anon, _authorize_params(server, verifier)))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    status, first = await _exchange(anon, server, **form)
    assert status == 200
    status, body = await _exchange(anon, server, **form)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body = await _exchange(
        anon, server, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert (status, body["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_verifier": "x" * 43}, "invalid_grant"),  # wrong verifier
        ({"code_verifier": "short"}, "invalid_grant"),  # not a valid verifier
        ({"code_verifier": ""}, "invalid_request"),  # missing verifier
        ({"redirect_uri": "https://elsewhere.example/cb"}, "invalid_grant"),
        ({"code": "sim.ac.unknown"}, "invalid_grant"),
        ({"code": ""}, "invalid_request"),
    ],
)
async def test_code_grant_failures(
    anon: Api, server: RunningSimulator, change: dict[str, str], error: str
) -> None:
    verifier = secrets.token_urlsafe(48)
    code = (await _consent(anon, _authorize_params(server, verifier)))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    } | change
    status, body = await _exchange(anon, server, **form)
    assert status == 400
    assert body["error"] == error
    assert "error_description" in body


async def test_code_expires(anon: Api, server: RunningSimulator, clock: ManualClock) -> None:
    verifier = secrets.token_urlsafe(48)
    code = (await _consent(anon, _authorize_params(server, verifier)))["code"]
    clock.advance(301)
    status, body = await _exchange(
        anon,
        server,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert (status, body["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
async def test_authorize_errors_redirect_with_state(
    anon: Api, server: RunningSimulator, extra: dict[str, str], error: str
) -> None:
    params = _authorize_params(server, secrets.token_urlsafe(48), **extra)
    reply = await anon.get("/ap/oa", params=params)
    assert reply.status == 302
    query = _query(reply.headers["Location"])
    assert query["error"] == error
    assert query["state"] == "state-123"


async def test_authorize_requires_pkce(anon: Api, server: RunningSimulator) -> None:
    reply = await anon.get("/ap/oa", params=_authorize_params(server, None))
    assert _query(reply.headers["Location"])["error"] == "invalid_request"


async def test_denied_consent(anon: Api, server: RunningSimulator) -> None:
    query = await _consent(anon, _authorize_params(server, secrets.token_urlsafe(48)), "deny")
    assert query == {"error": "access_denied", "state": "state-123"}


@pytest.mark.parametrize(
    "extra",
    [{"client_id": "amzn1.application-oa2-client.unknown"}, {"redirect_uri": "not-a-url"}],
)
async def test_authorize_never_redirects_to_unverified_targets(
    anon: Api, server: RunningSimulator, extra: dict[str, str]
) -> None:
    params = _authorize_params(server, secrets.token_urlsafe(48), **extra)
    for reply in (
        await anon.get("/ap/oa", params=params),
        await anon.form("/ap/oa", params | {"decision": "allow"}),
    ):
        assert reply.status == 400
        assert "Location" not in reply.headers


async def test_allow_listed_redirect_uris(anon: Api, server: RunningSimulator) -> None:
    reply = await anon.put("/_admin/client", {"redirectUris": ["https://allowed.example/cb"]})
    assert reply.status == 200
    params = _authorize_params(server, secrets.token_urlsafe(48))
    assert (await anon.get("/ap/oa", params=params)).status == 400
    params["redirect_uri"] = "https://allowed.example/cb"
    assert (await anon.get("/ap/oa", params=params)).status == 200


async def test_refresh_rotates(anon: Api, server: RunningSimulator) -> None:
    first = server.sim.new_refresh_token()
    status, body = await _exchange(anon, server, grant_type="refresh_token", refresh_token=first)
    assert status == 200
    second = body["refresh_token"]
    assert second != first
    status, body = await _exchange(anon, server, grant_type="refresh_token", refresh_token=first)
    assert (status, body["error"]) == (400, "invalid_grant")
    status, body = await _exchange(anon, server, grant_type="refresh_token", refresh_token=second)
    assert status == 200


async def test_refresh_with_basic_auth(anon: Api, server: RunningSimulator) -> None:
    creds = server.credentials
    basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
    reply = await anon.form(
        "/auth/o2/token",
        {"grant_type": "refresh_token", "refresh_token": creds.refresh_token},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert reply.status == 200


async def test_revoked_grant(anon: Api, server: RunningSimulator) -> None:
    token = server.sim.new_refresh_token()
    _, body = await _exchange(anon, server, grant_type="refresh_token", refresh_token=token)
    access = body["access_token"]
    assert (await anon.post("/_admin/tokens/revoke", {"refreshToken": token})).json == {
        "revokedGrants": 1
    }
    status, body = await _exchange(
        anon, server, grant_type="refresh_token", refresh_token=body["refresh_token"]
    )
    assert (status, body["error"]) == (400, "invalid_grant")
    api = Api(anon.session, anon.base_url, access)
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 401


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"grant_type": "refresh_token", "client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "refresh_token", "client_id": "other"}, 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": ""}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "sim.rt.nope"}, 400, "invalid_grant"),
    ],
)
async def test_token_endpoint_errors(
    anon: Api, server: RunningSimulator, form: dict[str, str], status: int, error: str
) -> None:
    form = {"refresh_token": server.sim.new_refresh_token()} | form
    got_status, body = await _exchange(anon, server, **form)
    assert (got_status, body["error"]) == (status, error)


async def test_token_endpoint_wants_a_form(anon: Api) -> None:
    reply = await anon.post("/auth/o2/token", {"grant_type": "refresh_token"})
    assert reply.status == 400
    assert reply.json["error"] == "invalid_request"


async def test_access_token_expires(
    anon: Api, server: RunningSimulator, clock: ManualClock
) -> None:
    _, body = await _exchange(
        anon, server, grant_type="refresh_token", refresh_token=server.sim.new_refresh_token()
    )
    api = Api(anon.session, anon.base_url, body["access_token"])
    clock.advance(3599)
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 200
    clock.advance(1)
    reply = await api.get("/v2/endpoints", params={"owner": "~caller"})
    assert reply.status == 401
    assert "expired" in reply.json["message"]


async def test_admin_expires_tokens(api: Api, anon: Api) -> None:
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 200
    assert (await anon.post("/_admin/tokens/expire")).status == 200
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 401


# Each API family answers 401 in its own error shape.
UNAUTHORIZED_SHAPES = [
    ("GET", "/enterprise/residential/v1/homes/x", {"message"}),
    ("GET", "/enterprise/residential/v1/homes/x/occupancies/~latest", {"type", "message"}),
    ("GET", "/v1/skills/enablements", {"type", "message"}),
    ("POST", "/v1/skills/amzn1.ask.skill.x/enablements/batch", {"errors"}),
    ("GET", "/v2/endpoints", {"message", "code"}),
    ("DELETE", "/v1/alerts/timers", {"message", "code"}),
    ("GET", "/v2/automations/templates", {"type", "message"}),
    ("GET", "/v2/units/x", {"message", "code"}),
]


@pytest.mark.parametrize(("method", "path", "keys"), UNAUTHORIZED_SHAPES)
@pytest.mark.parametrize("token", [None, "sim.at.wrong", "Atza-looking-but-unknown"])
async def test_missing_or_wrong_token_is_401(
    api: Api, method: str, path: str, keys: set[str], token: str | None
) -> None:
    reply = await api.call(method, path, token=token)
    assert reply.status == 401
    assert set(reply.json) == keys
    assert_request_id(reply)
    if "errors" in keys:
        assert reply.json["errors"][0]["status"] == 401
        assert reply.json["errors"][0]["errorCode"] == "INVALID_LWA_TOKEN"


async def test_non_bearer_scheme_is_401(api: Api) -> None:
    reply = await api.get(
        "/v2/endpoints",
        params={"owner": "~caller"},
        token=None,
        headers={"Authorization": "Basic x"},
    )
    assert reply.status == 401


async def test_withdrawn_client_is_403(api: Api, anon: Api) -> None:
    await anon.put("/_admin/client", {"granted": False})
    reply = await api.get("/v2/endpoints", params={"owner": "~caller"})
    assert reply.status == 403
    await anon.put("/_admin/client", {"granted": True})
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 200


async def test_early_expiry_fault(anon: Api, server: RunningSimulator, clock: ManualClock) -> None:
    await anon.put("/_admin/faults", {"early_expiry_seconds": 60})
    _, body = await _exchange(
        anon, server, grant_type="refresh_token", refresh_token=server.sim.new_refresh_token()
    )
    assert body["expires_in"] == 3600  # the token still claims an hour
    api = Api(anon.session, anon.base_url, body["access_token"])
    clock.advance(61)
    assert (await api.get("/v2/endpoints", params={"owner": "~caller"})).status == 401


async def test_tokens_never_look_real(anon: Api, server: RunningSimulator) -> None:
    _, body = await _exchange(
        anon, server, grant_type="refresh_token", refresh_token=server.sim.new_refresh_token()
    )
    for value in (body["access_token"], body["refresh_token"], server.credentials.refresh_token):
        assert not re.match(r"Atz[ar]\|", value)
