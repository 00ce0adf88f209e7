"""Login with Amazon: consent page, PKCE-checked code grant, rotating refresh tokens.

Tokens carry recognisable fake prefixes (``sim.at.``, ``sim.rt.``, ``sim.ac.``) so they can
never be mistaken for real LWA tokens in logs or fixtures.
"""

import base64
import hashlib
import html
import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from .clock import Clock
from .errors import ApiError, ErrorStyle, error_response
from .http import JsonObject, json_response

SCOPE = "alexa::enterprise:management"
ACCESS_PREFIX = "sim.at."
REFRESH_PREFIX = "sim.rt."
CODE_PREFIX = "sim.ac."
CODE_LIFETIME = 300.0
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass(slots=True)
class LwaClient:
    """An LWA security profile granted in the ASP console."""

    client_id: str
    client_secret: str
    redirect_uris: list[str] | None = None  # None: any http(s) URL is accepted
    granted: bool = True  # False: the ASP console no longer lists the client (API 403)


@dataclass(slots=True)
class RefreshToken:
    """A refresh token; a grant is the chain of tokens rotated from one sign-in."""

    token: str
    client_id: str
    grant_id: str
    issued_at: float
    active: bool = True


@dataclass(slots=True)
class AccessToken:
    """An access token and when it stops working."""

    token: str
    client_id: str
    grant_id: str
    issued_at: float
    expires_at: float


@dataclass(slots=True)
class AuthCode:
    """A one-time authorization code."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str | None
    expires_at: float
    used: bool = False
    grant_id: str | None = None


@dataclass(slots=True)
class LwaSettings:
    """Tunable LWA behaviour."""

    access_token_lifetime: int = 3600
    rotate_refresh_tokens: bool = True
    require_pkce: bool = True
    # Fault: tokens stop working this many seconds after issue while still claiming
    # access_token_lifetime in expires_in.
    early_expiry_seconds: float | None = None


@dataclass(slots=True)
class LwaStore:
    """Everything LWA remembers (persisted with the rest of the state)."""

    clients: dict[str, LwaClient] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)


class TokenProblemError(Exception):
    """Why an access token was refused."""


class LwaService:
    """Issues and checks tokens."""

    def __init__(self, clock: Clock, settings: LwaSettings | None = None) -> None:
        """Start without clients."""
        self.clock = clock
        self.settings = settings or LwaSettings()
        self.store = LwaStore()

    # ----- setup -------------------------------------------------------------------------
    def add_client(self, client: LwaClient) -> None:
        """Register a security profile."""
        self.store.clients[client.client_id] = client

    def issue_refresh_token(self, client_id: str, token: str | None = None) -> str:
        """Start a new grant for a client, as if its admin had signed in."""
        grant_id = secrets.token_hex(8)
        value = token or REFRESH_PREFIX + secrets.token_urlsafe(48)
        self.store.refresh_tokens[value] = RefreshToken(
            value, client_id, grant_id, self.clock.now()
        )
        return value

    # ----- checks ------------------------------------------------------------------------
    def check_access_token(self, token: str) -> AccessToken:
        """Return the token's record or raise TokenProblemError."""
        record = self.store.access_tokens.get(token)
        if record is None:
            raise TokenProblemError("The access token is invalid.")
        now = self.clock.now()
        expires_at = record.expires_at
        early = self.settings.early_expiry_seconds
        if early is not None:
            expires_at = min(expires_at, record.issued_at + early)
        if now >= expires_at:
            raise TokenProblemError("The access token has expired.")
        return record

    def client_granted(self, client_id: str) -> bool:
        """Tell whether the ASP console still grants the client."""
        client = self.store.clients.get(client_id)
        return client is not None and client.granted

    # ----- admin actions -------------------------------------------------------------------
    def expire_access_tokens(self) -> int:
        """Make every current access token expire now."""
        now = self.clock.now()
        for record in self.store.access_tokens.values():
            record.expires_at = min(record.expires_at, now)
        return len(self.store.access_tokens)

    def revoke(self, refresh_token: str | None = None) -> int:
        """Revoke one grant (by any of its refresh tokens) or, without a token, every grant."""
        if refresh_token is None:
            grants = {r.grant_id for r in self.store.refresh_tokens.values()}
        else:
            record = self.store.refresh_tokens.get(refresh_token)
            grants = {record.grant_id} if record else set()
        for record in self.store.refresh_tokens.values():
            if record.grant_id in grants:
                record.active = False
        for token in [t for t, a in self.store.access_tokens.items() if a.grant_id in grants]:
            del self.store.access_tokens[token]
        return len(grants)

    # ----- grants ------------------------------------------------------------------------
    def _client(self, form: dict[str, str], basic: tuple[str, str] | None) -> LwaClient:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        client = self.store.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.client_secret, secret):
            raise ApiError(401, "Client authentication failed.", kind="invalid_client")
        return client

    def _tokens(self, client_id: str, grant_id: str, refresh: str | None) -> JsonObject:
        now = self.clock.now()
        lifetime = self.settings.access_token_lifetime
        access = ACCESS_PREFIX + secrets.token_urlsafe(96)
        self.store.access_tokens[access] = AccessToken(
            access, client_id, grant_id, now, now + lifetime
        )
        if refresh is None:
            refresh = REFRESH_PREFIX + secrets.token_urlsafe(48)
            self.store.refresh_tokens[refresh] = RefreshToken(refresh, client_id, grant_id, now)
        self._forget_expired(now)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": lifetime,
        }

    def _forget_expired(self, now: float) -> None:
        # Keeps memory flat in long benchmark runs; an expired token and an unknown one
        # both answer 401.
        if len(self.store.access_tokens) > 1000:
            for token in [t for t, a in self.store.access_tokens.items() if a.expires_at < now]:
                del self.store.access_tokens[token]

    def exchange(self, form: dict[str, str], basic: tuple[str, str] | None) -> JsonObject:
        """Run the token endpoint's logic; raise ApiError in OAuth2 style."""
        grant_type = form.get("grant_type")
        if not grant_type:
            raise ApiError(400, "grant_type is required.", kind="invalid_request")
        client = self._client(form, basic)
        if grant_type == "authorization_code":
            return self._exchange_code(client, form)
        if grant_type == "refresh_token":
            return self._exchange_refresh(client, form)
        raise ApiError(400, f"Unsupported grant_type {grant_type}.", kind="unsupported_grant_type")

    def _exchange_code(self, client: LwaClient, form: dict[str, str]) -> JsonObject:
        code_value = form.get("code")
        if not code_value:
            raise ApiError(400, "code is required.", kind="invalid_request")
        code = self.store.codes.get(code_value)
        now = self.clock.now()
        if code is None or code.client_id != client.client_id or now >= code.expires_at:
            raise ApiError(
                400, "The authorization code is invalid or expired.", kind="invalid_grant"
            )
        if code.used:
            # A replayed code revokes what it produced (RFC 6749 section 4.1.2).
            if code.grant_id:
                for record in self.store.refresh_tokens.values():
                    if record.grant_id == code.grant_id:
                        self.revoke(record.token)
                        break
            raise ApiError(400, "The authorization code was already used.", kind="invalid_grant")
        if form.get("redirect_uri") != code.redirect_uri:
            raise ApiError(
                400, "redirect_uri doesn't match the authorization request.", kind="invalid_grant"
            )
        if code.code_challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise ApiError(400, "code_verifier is required.", kind="invalid_request")
            if not _VERIFIER.fullmatch(verifier) or s256(verifier) != code.code_challenge:
                raise ApiError(400, "PKCE verification failed.", kind="invalid_grant")
        code.used = True
        code.grant_id = secrets.token_hex(8)
        return self._tokens(client.client_id, code.grant_id, None)

    def _exchange_refresh(self, client: LwaClient, form: dict[str, str]) -> JsonObject:
        value = form.get("refresh_token")
        if not value:
            raise ApiError(400, "refresh_token is required.", kind="invalid_request")
        record = self.store.refresh_tokens.get(value)
        if record is None or not record.active or record.client_id != client.client_id:
            raise ApiError(400, "The refresh token is invalid or revoked.", kind="invalid_grant")
        if self.settings.rotate_refresh_tokens:
            record.active = False
            return self._tokens(client.client_id, record.grant_id, None)
        return self._tokens(client.client_id, record.grant_id, value)

    def authorize(self, params: dict[str, str]) -> AuthCode:
        """Create a code for a consented authorization request (params already checked)."""
        code = AuthCode(
            code=CODE_PREFIX + secrets.token_urlsafe(24),
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            scope=params.get("scope", ""),
            code_challenge=params.get("code_challenge") or None,
            expires_at=self.clock.now() + CODE_LIFETIME,
        )
        self.store.codes[code.code] = code
        return code

    # ----- persistence -------------------------------------------------------------------
    def dump(self) -> JsonObject:
        """Serialise clients and tokens."""
        return asdict(self.store)

    def load(self, data: dict[str, Any]) -> None:
        """Restore clients and tokens."""
        self.store = LwaStore(
            clients={k: LwaClient(**v) for k, v in data.get("clients", {}).items()},
            refresh_tokens={
                k: RefreshToken(**v) for k, v in data.get("refresh_tokens", {}).items()
            },
            access_tokens={k: AccessToken(**v) for k, v in data.get("access_tokens", {}).items()},
            codes={k: AuthCode(**v) for k, v in data.get("codes", {}).items()},
        )


def s256(verifier: str) -> str:
    """Compute a PKCE S256 code challenge."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# ----- HTTP handlers -------------------------------------------------------------------------
LWA_KEY = web.AppKey("lwa", LwaService)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}
button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = _PAGE.format(title=html.escape(title), body=body)
    return web.Response(text=text, status=status, content_type="text/html")


def _redirect(redirect_uri: str, params: dict[str, str]) -> NoReturn:
    separator = "&" if urlsplit(redirect_uri).query else "?"
    raise web.HTTPFound(redirect_uri + separator + urlencode(params))


def _check_client_and_redirect(service: LwaService, params: dict[str, str]) -> str | None:
    """Return an error text when the request can't even be redirected back."""
    client = service.store.clients.get(params.get("client_id", ""))
    if client is None:
        return "Unknown client_id."
    redirect_uri = params.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "redirect_uri must be an absolute http(s) URL."
    if client.redirect_uris is not None and redirect_uri not in client.redirect_uris:
        return "redirect_uri isn't an allowed return URL of this security profile."
    return None


def _redirect_error(service: LwaService, params: dict[str, str]) -> tuple[str, str] | None:
    """Return the OAuth2 error to send back to the redirect URI, if any."""
    if params.get("response_type") != "code":
        return "unsupported_response_type", "response_type must be code."
    if SCOPE not in params.get("scope", "").split():
        return "invalid_scope", f"scope must include {SCOPE}."
    challenge = params.get("code_challenge")
    if challenge:
        if params.get("code_challenge_method") != "S256":
            return "invalid_request", "code_challenge_method must be S256."
        if not re.fullmatch(r"[A-Za-z0-9\-_]{43}", challenge):
            return "invalid_request", "code_challenge isn't an S256 challenge."
    elif service.settings.require_pkce:
        return "invalid_request", "PKCE is required: send code_challenge (S256)."
    return None


_FIELDS = (
    "client_id",
    "scope",
    "response_type",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
)


async def authorize_page(request: web.Request) -> web.Response:
    """GET /ap/oa: show the consent page (or bounce an invalid request)."""
    service = request.app[LWA_KEY]
    params = {k: request.query[k] for k in _FIELDS if k in request.query}
    problem = _check_client_and_redirect(service, params)
    if problem:
        return _page("Login with Amazon (simulated)", f"<p>{html.escape(problem)}</p>", 400)
    error = _redirect_error(service, params)
    if error:
        _redirect(
            params["redirect_uri"],
            _with_state({"error": error[0], "error_description": error[1]}, params),
        )
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">'
        for k, v in params.items()
    )
    client = html.escape(params["client_id"])
    body = (
        f"<p>The application <code>{client}</code> asks to manage your Alexa Smart "
        "Properties organization (scope <code>alexa::enterprise:management</code>).</p>"
        f'<form method="post" action="/ap/oa">{hidden}'
        '<button name="decision" value="allow" type="submit">Allow</button>'
        '<button name="decision" value="deny" type="submit">Cancel</button></form>'
        "<p><small>This is the ASP simulator, not Amazon.</small></p>"
    )
    return _page("Login with Amazon (simulated)", body)


def _with_state(values: dict[str, str], params: dict[str, str]) -> dict[str, str]:
    if "state" in params:
        values["state"] = params["state"]
    return values


async def authorize_submit(request: web.Request) -> web.Response:
    """POST /ap/oa: the admin's decision; redirect back with a code or an error."""
    service = request.app[LWA_KEY]
    form = await request.post()
    params = {k: str(form[k]) for k in _FIELDS if k in form}
    problem = _check_client_and_redirect(service, params)
    if problem:
        return _page("Login with Amazon (simulated)", f"<p>{html.escape(problem)}</p>", 400)
    error = _redirect_error(service, params)
    if error:
        _redirect(
            params["redirect_uri"],
            _with_state({"error": error[0], "error_description": error[1]}, params),
        )
    if form.get("decision") != "allow":
        _redirect(params["redirect_uri"], _with_state({"error": "access_denied"}, params))
    code = service.authorize(params)
    _redirect(params["redirect_uri"], _with_state({"code": code.code, "scope": code.scope}, params))


def _basic_auth(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:]).decode()
    except ValueError:
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


async def token_endpoint(request: web.Request) -> web.Response:
    """POST /auth/o2/token."""
    service = request.app[LWA_KEY]
    if request.content_type != "application/x-www-form-urlencoded":
        return error_response(
            ErrorStyle.OAUTH,
            ApiError(400, "The body must be form-encoded.", kind="invalid_request"),
        )
    form = {k: str(v) for k, v in (await request.post()).items()}
    body = service.exchange(form, _basic_auth(request))
    response = json_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def add_routes(app: web.Application) -> None:
    """Register the LWA routes."""
    app.router.add_get("/ap/oa", authorize_page)
    app.router.add_post("/ap/oa", authorize_submit)
    app.router.add_post("/auth/o2/token", token_endpoint)
