"""Login with Amazon: refresh, single flight, rotation, errors, secrecy."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from custom_components.alexa_smart_properties.api import (
    AspAuthenticationError,
    AspClient,
    AspConnectionError,
    AspError,
    AspInvalidResponseError,
    AspRateLimitError,
    AspServerError,
    AspTimeoutError,
    LwaAuth,
    RetryPolicy,
)

from .conftest import FakeAsp, Recorded, Reply, Sleeps, free_port, load_fixture

TOKEN_PATH = "/auth/o2/token"
HOME = "amzn1.alexa.unit.did.home1"
HOME_PATH = f"/enterprise/residential/v1/homes/{HOME}"
HOME_BODY = {"id": HOME, "name": "Unit 4", "homeCommunityId": "amzn1.alexa.unit.did.c"}
CLIENT_SECRET = "test-client-secret"
REFRESH_TOKEN = "test-refresh-token-1"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def token_reply(n: int, refresh: str | None = None, expires_in: float = 3600) -> Reply:
    body: dict[str, object] = {
        "access_token": f"test-access-token-{n}",
        "token_type": "bearer",
        "expires_in": expires_in,
    }
    if refresh is not None:
        body["refresh_token"] = refresh
    return Reply(json=body)


def make_auth(fake: FakeAsp, session: aiohttp.ClientSession | None, **kwargs: object) -> LwaAuth:
    return LwaAuth(
        client_id="amzn1.application-oa2-client.test",
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        session=session,
        lwa_base_url=fake.url + "/",
        **kwargs,  # type: ignore[arg-type]
    )


async def test_refresh_request_and_token_reuse(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.reply("POST", TOKEN_PATH, json=load_fixture("lwa_token_response.json"))
    clock = Clock()
    auth = make_auth(fake, session, clock=clock)
    assert await auth.async_get_access_token() == "test-access-token-1"
    assert await auth.async_get_access_token() == "test-access-token-1"
    (call,) = fake.requests
    assert (call.method, call.path) == ("POST", TOKEN_PATH)
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.form == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
        "client_id": "amzn1.application-oa2-client.test",
        "client_secret": CLIENT_SECRET,
    }
    assert auth.access_token_expires_at == clock.now + 3600
    assert auth.refresh_token == "test-refresh-token-2"  # rotated by the fixture


async def test_refreshes_a_minute_before_expiry(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.add("POST", TOKEN_PATH, token_reply(1), token_reply(2))
    clock = Clock()
    auth = make_auth(fake, session, clock=clock)
    assert await auth.async_get_access_token() == "test-access-token-1"
    clock.now += 3600 - 61
    assert await auth.async_get_access_token() == "test-access-token-1"
    clock.now += 1  # 60 s left: refresh now
    assert await auth.async_get_access_token() == "test-access-token-2"
    assert len(fake.requests) == 2


async def test_stored_token_is_reused(fake: FakeAsp, session: aiohttp.ClientSession) -> None:
    clock = Clock()
    auth = make_auth(
        fake,
        session,
        clock=clock,
        access_token="test-access-token-stored",
        access_token_expires_at=clock.now + 600,
    )
    assert auth.has_valid_token
    assert await auth.async_get_access_token() == "test-access-token-stored"
    assert fake.requests == []


async def test_single_flight_refresh_under_50_concurrent_requests(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    async def slow_token(_: Recorded) -> Reply:
        await asyncio.sleep(0.05)  # every request is waiting by now
        return token_reply(1, refresh="test-refresh-token-2")

    fake.add("POST", TOKEN_PATH, slow_token)
    fake.reply("GET", HOME_PATH, json=HOME_BODY)
    stored: list[str] = []
    auth = make_auth(fake, session, on_refresh_token=stored.append)
    client = AspClient(auth, session=session, base_url=fake.url)
    homes = await asyncio.gather(*(client.get_home(HOME) for _ in range(50)))
    assert len(homes) == 50
    assert len(fake.calls("POST", TOKEN_PATH)) == 1
    api_calls = fake.calls("GET", HOME_PATH)
    assert len(api_calls) == 50
    assert {c.headers["Authorization"] for c in api_calls} == {"Bearer test-access-token-1"}
    assert stored == ["test-refresh-token-2"]


async def test_failed_refresh_fails_every_waiter_once(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    async def refused(_: Recorded) -> Reply:
        await asyncio.sleep(0.05)
        return Reply(status=400, json={"error": "invalid_grant", "error_description": "revoked"})

    fake.add("POST", TOKEN_PATH, refused)
    auth = make_auth(fake, session)
    results = await asyncio.gather(
        *(auth.async_get_access_token() for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, AspAuthenticationError) for r in results)
    assert len(fake.requests) == 1


async def test_rotated_refresh_token_reaches_async_callback(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.add(
        "POST",
        TOKEN_PATH,
        token_reply(1, refresh="test-refresh-token-2"),
        token_reply(2, refresh="test-refresh-token-2"),  # unchanged: no call
        token_reply(3),  # none returned: keep the current one
        token_reply(4, refresh="test-refresh-token-3"),
    )
    stored: list[str] = []

    async def store(token: str) -> None:
        stored.append(token)

    auth = make_auth(fake, session, on_refresh_token=store)
    for _ in range(4):
        await auth.async_refresh()
    assert stored == ["test-refresh-token-2", "test-refresh-token-3"]
    assert auth.refresh_token == "test-refresh-token-3"
    # Each refresh used the latest refresh token.
    assert [c.form["refresh_token"] for c in fake.requests] == [
        REFRESH_TOKEN,
        "test-refresh-token-2",
        "test-refresh-token-2",
        "test-refresh-token-2",
    ]


async def test_failing_callback_does_not_fail_the_refresh(
    fake: FakeAsp, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add("POST", TOKEN_PATH, token_reply(1, refresh="test-refresh-token-2"))

    def broken(token: str) -> None:
        raise RuntimeError("disk full")

    auth = make_auth(fake, session, on_refresh_token=broken)
    with caplog.at_level(logging.ERROR):
        assert await auth.async_get_access_token() == "test-access-token-1"
    assert "Storing the rotated LWA refresh token failed" in caplog.text
    assert "test-refresh-token-2" not in caplog.text


@pytest.mark.parametrize(
    "error", ["invalid_grant", "invalid_client", "unauthorized_client", "invalid_request"]
)
async def test_oauth_errors_are_authentication_errors(
    fake: FakeAsp, session: aiohttp.ClientSession, error: str
) -> None:
    fake.reply(
        "POST",
        TOKEN_PATH,
        400,
        {
            "error": error,
            "error_description": f"bad refresh token {REFRESH_TOKEN} for secret {CLIENT_SECRET}",
        },
    )
    auth = make_auth(fake, session)
    with pytest.raises(AspAuthenticationError) as caught:
        await auth.async_get_access_token()
    err = caught.value
    assert err.code == error
    assert err.status == 400
    text = f"{err} {err!r} {err.args} {auth!r}"
    assert REFRESH_TOKEN not in text
    assert CLIENT_SECRET not in text
    assert "**REDACTED**" in str(err)


async def test_401_without_body_is_an_authentication_error(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.reply("POST", TOKEN_PATH, 401)
    with pytest.raises(AspAuthenticationError, match="HTTP 401"):
        await make_auth(fake, session).async_get_access_token()


async def test_lwa_429_is_reported_with_its_retry_after(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.reply("POST", TOKEN_PATH, 429, {"error": "slow_down"}, headers={"Retry-After": "9"})
    with pytest.raises(AspRateLimitError) as caught:
        await make_auth(fake, session).async_get_access_token()
    assert caught.value.retry_after == 9.0
    assert len(fake.calls("POST")) == 1  # the auth itself never retries


async def test_client_retries_a_throttled_refresh(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    """The client's one retry loop waits out LWA's 429 as it would the API's."""
    sleeps = Sleeps()
    fake.add(
        "POST",
        TOKEN_PATH,
        Reply(status=429, headers={"Retry-After": "2"}),
        Reply(status=429),
        token_reply(1),
    )
    fake.reply("GET", HOME_PATH, json=HOME_BODY)
    policy = RetryPolicy(max_attempts=3, jitter=0)
    client = AspClient(
        make_auth(fake, session),
        session=session,
        base_url=fake.url,
        retry_policy=policy,
        sleep=sleeps,
    )
    await client.get_home(HOME)
    assert sleeps.delays == [2.0, policy.backoff(2)]
    assert [c.headers["Authorization"] for c in fake.calls("GET")] == ["Bearer test-access-token-1"]

    fake.routes.clear()
    fake.reply("POST", TOKEN_PATH, 429, headers={"Retry-After": "1"})
    client = AspClient(
        make_auth(fake, session),
        session=session,
        base_url=fake.url,
        retry_policy=RetryPolicy(max_attempts=2),
        sleep=sleeps,
    )
    with pytest.raises(AspRateLimitError):
        await client.get_home(HOME)


async def test_lwa_server_errors_are_not_retried(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.reply("POST", TOKEN_PATH, 503)
    with pytest.raises(AspServerError):
        await make_auth(fake, session).async_get_access_token()
    assert len(fake.requests) == 1


async def test_lwa_other_status(fake: FakeAsp, session: aiohttp.ClientSession) -> None:
    fake.reply("POST", TOKEN_PATH, 418, body=b"teapot")
    with pytest.raises(AspError) as caught:
        await make_auth(fake, session).async_get_access_token()
    assert type(caught.value) is AspError


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"token_type": "bearer"}',
        b'{"access_token": "test-access-token-1", "expires_in": "soon"}',
    ],
)
async def test_lwa_invalid_responses(
    fake: FakeAsp, session: aiohttp.ClientSession, body: bytes
) -> None:
    fake.reply("POST", TOKEN_PATH, body=body)
    with pytest.raises(AspInvalidResponseError):
        await make_auth(fake, session).async_get_access_token()


async def test_lwa_timeout_and_connection_error(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.add("POST", TOKEN_PATH, Reply(json={}, delay=0.5))
    with pytest.raises(AspTimeoutError):
        await make_auth(fake, session, request_timeout=0.05).async_get_access_token()
    auth = LwaAuth(
        client_id="id",
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        session=session,
        lwa_base_url=f"http://127.0.0.1:{free_port()}",
    )
    with pytest.raises(AspConnectionError) as caught:
        await auth.async_get_access_token()
    assert CLIENT_SECRET not in str(caught.value)


async def test_expired_token_refused_by_api_is_refreshed(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.add("POST", TOKEN_PATH, token_reply(1), token_reply(2))
    fake.add("GET", HOME_PATH, Reply(status=401), Reply(json=HOME_BODY))
    auth = make_auth(fake, session)
    client = AspClient(auth, session=session, base_url=fake.url)
    await client.get_home(HOME)
    assert [c.headers["Authorization"] for c in fake.calls("GET")] == [
        "Bearer test-access-token-1",
        "Bearer test-access-token-2",
    ]
    # A stale token does not discard the fresh one.
    await auth.async_invalidate_access_token("test-access-token-1")
    assert await auth.async_get_access_token() == "test-access-token-2"


async def test_cancelled_waiter_does_not_cancel_the_refresh(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    async def slow_token(_: Recorded) -> Reply:
        await asyncio.sleep(0.1)
        return token_reply(1)

    fake.add("POST", TOKEN_PATH, slow_token)
    auth = make_auth(fake, session)
    first = asyncio.ensure_future(auth.async_get_access_token())
    second = asyncio.ensure_future(auth.async_get_access_token())
    await asyncio.sleep(0.02)
    first.cancel()
    assert await second == "test-access-token-1"
    assert first.cancelled()
    assert len(fake.requests) == 1


async def test_own_session_closed(fake: FakeAsp) -> None:
    fake.reply("POST", TOKEN_PATH, json=load_fixture("lwa_token_response.json"))
    async with make_auth(fake, None) as auth:
        await auth.async_get_access_token()
        own = auth._session
        assert own is not None
    assert own.closed
    await auth.close()


def test_requires_credentials() -> None:
    with pytest.raises(ValueError, match="required"):
        LwaAuth(client_id="id", client_secret="", refresh_token=REFRESH_TOKEN)


def test_repr_has_no_secrets() -> None:
    auth = LwaAuth(
        client_id="amzn1.application-oa2-client.test",
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        access_token="test-access-token-9",
        access_token_expires_at=0,
    )
    text = repr(auth)
    assert CLIENT_SECRET not in text
    assert REFRESH_TOKEN not in text
    assert "test-access-token-9" not in text
    assert (
        text == "LwaAuth(token_url='https://api.amazon.com/auth/o2/token', has_access_token=False)"
    )
