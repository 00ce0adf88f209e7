"""The command line: flags map onto the configuration; the server prints how to connect."""

import asyncio
import json
import signal
import sys
from pathlib import Path

import aiohttp

from simulator.__main__ import config_from_args, parse_args

ROOT = Path(__file__).resolve().parents[2]


def test_flags_map_onto_the_config(tmp_path: Path) -> None:
    args = parse_args(
        [
            "--seed", "9", "--homes", "12", "--communities", "2", "--devices-per-home", "3",
            "--latency-ms", "25", "--rate-429", "0.1", "--retry-after", "4",
            "--token-lifetime", "60", "--occupancy-delay", "0", "--no-rotate-refresh-tokens",
            "--redirect-uri", "https://a.example/cb", "--redirect-uri", "https://b.example/cb",
            "--state-file", str(tmp_path / "s.json"), "--early-expiry-seconds", "30",
        ]
    )  # fmt: skip
    config = config_from_args(args)
    assert (config.seed, config.homes, config.communities, config.devices_per_home) == (9, 12, 2, 3)
    assert config.faults.latency_ms == 25
    assert config.faults.rate_429 == 0.1
    assert config.faults.retry_after_seconds == 4
    assert config.faults.early_expiry_seconds == 30
    assert config.access_token_lifetime == 60
    assert config.occupancy_delay == 0
    assert config.rotate_refresh_tokens is False
    assert config.require_pkce is True
    assert config.redirect_uris == ["https://a.example/cb", "https://b.example/cb"]
    assert config.state_file == tmp_path / "s.json"
    defaults = config_from_args(parse_args([]))
    assert (defaults.seed, defaults.homes) == (1, 40)


async def test_cli_serves_and_prints_credentials() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--port", "0", "--homes", "3", "--json",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        details = json.loads(line)
        assert details["baseUrl"].startswith("http://127.0.0.1:")
        assert details["organizationId"].startswith("amzn1.alexa.unit.did.")
        assert details["clientId"].startswith("amzn1.application-oa2-client.")
        assert details["refreshToken"].startswith("sim.rt.")
        async with aiohttp.ClientSession() as session:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": details["refreshToken"],
                "client_id": details["clientId"],
                "client_secret": details["clientSecret"],
            }
            async with session.post(details["tokenUrl"], data=form) as response:
                assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0


async def test_cli_human_output() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--port", "0", "--homes", "2",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [
            (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
            for _ in range(4)
        ]
        assert lines[0].startswith("ASP simulator listening on http://127.0.0.1:")
        assert "2 homes" in lines[1]
        assert "baseUrl" in lines[2]
        assert "organizationId" in lines[3]
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
