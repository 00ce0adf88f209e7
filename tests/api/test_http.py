"""Request core: errors per status, retries, timeouts, sessions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from custom_components.alexa_smart_properties.api import (
    NO_RETRY,
    AspAuthenticationError,
    AspBadRequestError,
    AspClient,
    AspConnectionError,
    AspError,
    AspForbiddenError,
    AspInvalidResponseError,
    AspNotFoundError,
    AspRateLimitError,
    AspServerError,
    AspTimeoutError,
    Region,
    RetryPolicy,
)
from custom_components.alexa_smart_properties.api.retry import parse_retry_after

from .conftest import FakeAsp, Reply, Sleeps, StaticAuth, free_port, load_fixture

HOME = "amzn1.alexa.unit.did.home1"
HOME_PATH = f"/enterprise/residential/v1/homes/{HOME}"
HOME_BODY = {"id": HOME, "name": "Unit 4", "homeCommunityId": "amzn1.alexa.unit.did.c"}
OCC_PATH = f"{HOME_PATH}/occupancies"


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (400, load_fixture("endpoint_error_400.json"), AspBadRequestError),
        (403, load_fixture("residential_error.json"), AspForbiddenError),
        (404, load_fixture("typed_error.json"), AspNotFoundError),
        (409, {"message": "conflict"}, AspError),
        (501, None, AspServerError),
    ],
)
async def test_error_classes(
    client: AspClient,
    fake: FakeAsp,
    status: int,
    body: object,
    error_class: type[AspError],
) -> None:
    fake.reply("GET", HOME_PATH, status, body)
    with pytest.raises(error_class) as caught:
        await client.get_home(HOME)
    err = caught.value
    assert type(err) is error_class
    assert err.status == status
    assert err.request_id == "req-1"
    assert "req-1" in str(err)
    assert len(fake.requests) == 1


async def test_bad_request_carries_message_and_code(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, 400, load_fixture("endpoint_error_400.json"))
    with pytest.raises(AspBadRequestError) as caught:
        await client.get_home(HOME)
    assert caught.value.code == "INVALID_STRING_LENGTH"
    assert "The property is outside the allowed range." in caught.value.message
    assert caught.value.error_type is None


async def test_typed_error_carries_type(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, 404, load_fixture("typed_error.json"))
    with pytest.raises(AspNotFoundError) as caught:
        await client.get_home(HOME)
    assert caught.value.error_type == "{ErrorType}"


async def test_401_gets_a_fresh_token_once(
    client: AspClient, fake: FakeAsp, auth: StaticAuth
) -> None:
    fake.add("GET", HOME_PATH, Reply(status=401), Reply(json=HOME_BODY))
    home = await client.get_home(HOME)
    assert home.name == "Unit 4"
    assert auth.invalidated == ["test-access-token"]
    assert len(fake.requests) == 2


async def test_401_twice_is_an_authentication_error(
    client: AspClient, fake: FakeAsp, auth: StaticAuth
) -> None:
    fake.reply("POST", OCC_PATH, 401, {"message": "token test-access-token expired"})
    with pytest.raises(AspAuthenticationError) as caught:
        await client.set_occupancy(HOME, "VACANT")
    assert len(fake.requests) == 2
    assert auth.invalidated == ["test-access-token"]
    # An echoed token never reaches the error message.
    assert "test-access-token" not in str(caught.value)
    assert "**REDACTED**" in str(caught.value)


async def test_429_honours_retry_after(client: AspClient, fake: FakeAsp, sleeps: Sleeps) -> None:
    fake.add(
        "GET",
        HOME_PATH,
        Reply(status=429, headers={"Retry-After": "7"}),
        Reply(status=429, headers={"Retry-After": "0"}),
        Reply(json=HOME_BODY),
    )
    await client.get_home(HOME)
    assert sleeps.delays == [7.0, 0.0]
    assert len(fake.requests) == 3


async def test_429_without_retry_after_backs_off_with_jitter_and_cap(
    client: AspClient, fake: FakeAsp, sleeps: Sleeps
) -> None:
    fake.reply("GET", HOME_PATH, 429, {"message": "slow down"})
    with pytest.raises(AspRateLimitError) as caught:
        await client.get_home(HOME)
    assert caught.value.retry_after is None
    assert caught.value.status == 429
    assert len(fake.requests) == 4  # max_attempts of the client fixture
    # base 1 s, doubling, half of each delay random: [0.5, 1], [1, 2], [2, 4].
    assert len(sleeps.delays) == 3
    for delay, ceiling in zip(sleeps.delays, (1, 2, 4), strict=True):
        assert ceiling / 2 <= delay <= ceiling


async def test_429_exhausted_reports_retry_after(
    client: AspClient, fake: FakeAsp, sleeps: Sleeps
) -> None:
    fake.reply("GET", HOME_PATH, 429, headers={"Retry-After": "3"})
    with pytest.raises(AspRateLimitError) as caught:
        await client.get_home(HOME)
    assert caught.value.retry_after == 3.0
    assert sleeps.delays == [3.0, 3.0, 3.0]


async def test_long_retry_after_is_not_waited_for(
    client: AspClient, fake: FakeAsp, sleeps: Sleeps
) -> None:
    fake.reply("GET", HOME_PATH, 429, headers={"Retry-After": "3600"})
    with pytest.raises(AspRateLimitError) as caught:
        await client.get_home(HOME)
    assert caught.value.retry_after == 3600.0
    assert sleeps.delays == []
    assert len(fake.requests) == 1


async def test_post_retries_429_only(client: AspClient, fake: FakeAsp, sleeps: Sleeps) -> None:
    fake.add("POST", OCC_PATH, Reply(status=429), Reply(status=202, json={"occupancyId": "x"}))
    assert await client.set_occupancy(HOME, "VACANT") == "x"
    assert len(fake.requests) == 2
    fake.requests.clear()
    fake.routes.clear()
    fake.reply("POST", OCC_PATH, 500, {"message": "boom"})
    with pytest.raises(AspServerError):
        await client.set_occupancy(HOME, "VACANT")
    assert len(fake.requests) == 1  # the service may have acted: not repeated


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [500, 503])
async def test_idempotent_methods_retry_500_and_503(
    client: AspClient, fake: FakeAsp, method: str, status: int
) -> None:
    fake.add(method, HOME_PATH, Reply(status=status), Reply(status=200, json=HOME_BODY))
    if method == "GET":
        await client.get_home(HOME)
    elif method == "PUT":
        await client.update_home(HOME, home_community_id="amzn1.alexa.unit.did.c", name="n")
    else:
        await client.delete_home(HOME)
    assert len(fake.requests) == 2


async def test_502_is_not_retried(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, 502)
    with pytest.raises(AspServerError):
        await client.get_home(HOME)
    assert len(fake.requests) == 1


async def test_server_error_exhausts_attempts(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, 503)
    with pytest.raises(AspServerError):
        await client.get_home(HOME)
    assert len(fake.requests) == 4


async def test_timeout_retried_for_get_not_for_post(
    fake: FakeAsp, session: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    client = AspClient(
        StaticAuth(),
        session=session,
        base_url=fake.url,
        request_timeout=0.05,
        retry_policy=RetryPolicy(max_attempts=2),
        sleep=sleeps,
    )
    fake.reply("GET", HOME_PATH, json=HOME_BODY, delay=0.5)
    with pytest.raises(AspTimeoutError) as caught:
        await client.get_home(HOME)
    assert isinstance(caught.value, AspConnectionError)
    assert len(fake.requests) == 2
    fake.requests.clear()
    fake.reply("POST", OCC_PATH, 202, {"occupancyId": "x"}, delay=0.5)
    with pytest.raises(AspTimeoutError):
        await client.set_occupancy(HOME, "VACANT")
    assert len(fake.requests) == 1


async def test_connection_error(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    port = free_port()
    sleeps = Sleeps()
    client = AspClient(
        StaticAuth(),
        session=session,
        base_url=f"http://127.0.0.1:{port}",
        retry_policy=RetryPolicy(max_attempts=3),
        sleep=sleeps,
    )
    with pytest.raises(AspConnectionError) as caught:
        await client.get_home(HOME)
    assert not isinstance(caught.value, AspTimeoutError)
    assert len(sleeps.delays) == 2
    with pytest.raises(AspConnectionError):
        await client.delete_timers("amzn1.alexa.endpoint.1")


@pytest.mark.parametrize(
    "body", [b"{not json", b'["a list"]', b'"text"'], ids=["malformed", "list", "string"]
)
async def test_invalid_response(client: AspClient, fake: FakeAsp, body: bytes) -> None:
    fake.reply("GET", HOME_PATH, body=body)
    with pytest.raises(AspInvalidResponseError) as caught:
        await client.get_home(HOME)
    assert caught.value.request_id == "req-1"


async def test_missing_required_field(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, json={"id": HOME, "name": "n"})
    with pytest.raises(AspInvalidResponseError, match="homeCommunityId"):
        await client.get_home(HOME)


async def test_create_without_id_or_location(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("POST", "/enterprise/residential/v1/homes", 201)
    with pytest.raises(AspInvalidResponseError):
        await client.create_home("amzn1.alexa.unit.did.c", "n")


async def test_error_body_that_is_not_json(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", HOME_PATH, 400, body=b"<html>bad</html>")
    with pytest.raises(AspBadRequestError) as caught:
        await client.get_home(HOME)
    assert caught.value.code is None
    assert str(caught.value).startswith(f"GET {HOME_PATH} failed with HTTP 400")


async def test_own_session_is_closed_injected_one_is_not(
    fake: FakeAsp, session: aiohttp.ClientSession
) -> None:
    fake.reply("GET", HOME_PATH, json=HOME_BODY)
    async with AspClient(StaticAuth(), base_url=fake.url) as own:
        await own.get_home(HOME)
        made = own._session
        assert made is not None
    assert made.closed
    await own.close()  # closing twice is harmless
    async with AspClient(StaticAuth(), session=session, base_url=fake.url + "/") as shared:
        assert shared.base_url == fake.url
        await shared.get_home(HOME)
    assert not session.closed


def test_regions_and_repr() -> None:
    assert AspClient(StaticAuth()).base_url == "https://api.amazonalexa.com"
    eu = AspClient(StaticAuth(), region=Region.EU)
    assert eu.base_url == "https://api.eu.amazonalexa.com"
    assert AspClient(StaticAuth(), region="FE").base_url == "https://api.fe.amazonalexa.com"
    assert repr(eu) == "AspClient(base_url='https://api.eu.amazonalexa.com')"


async def test_no_retry_policy(fake: FakeAsp, session: aiohttp.ClientSession) -> None:
    client = AspClient(StaticAuth(), session=session, base_url=fake.url, retry_policy=NO_RETRY)
    fake.reply("GET", HOME_PATH, 429)
    with pytest.raises(AspRateLimitError):
        await client.get_home(HOME)
    assert len(fake.requests) == 1


async def test_default_sleep_really_waits(fake: FakeAsp, session: aiohttp.ClientSession) -> None:
    client = AspClient(StaticAuth(), session=session, base_url=fake.url)
    fake.add(
        "GET", HOME_PATH, Reply(status=429, headers={"Retry-After": "0.01"}), Reply(json=HOME_BODY)
    )
    await client.get_home(HOME)
    assert len(fake.requests) == 2


def test_retry_policy_rules() -> None:
    policy = RetryPolicy(base_delay=2, max_delay=10, jitter=0)
    assert [policy.backoff(n) for n in range(1, 6)] == [2, 4, 8, 10, 10]
    full = RetryPolicy(base_delay=1, jitter=1)
    assert full.backoff(1, rand=lambda: 0.0) == 0
    assert full.backoff(1, rand=lambda: 1.0) == 1
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=2)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_delay=-1)


def test_parse_retry_after() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(None) is None
    assert parse_retry_after(" ") is None
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("soon") is None
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(date, now=lambda: now) == 30.0
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(past, now=lambda: now) == 0.0
    naive = "Wed, 01 Jan 2025 00:00:10 -0000"
    assert parse_retry_after(naive, now=lambda: now) == 10.0
    assert parse_retry_after("Wed, 01 Jan 2025 00:00:10 GMT") is not None


async def test_cancelled_request_propagates(fake: FakeAsp, client: AspClient) -> None:
    fake.reply("GET", HOME_PATH, json=HOME_BODY, delay=1)
    task = asyncio.ensure_future(client.get_home(HOME))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
