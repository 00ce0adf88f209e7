"""Fault injection: latency, throttling, server errors, hangs, malformed bodies, lost answers.

Rates draw from a seeded generator, so a given sequence of requests meets the same faults
on every run; scripted faults (a queue consumed by matching requests) are fully
deterministic and are what tests should prefer.
"""

import asyncio
import random
import re
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import ApiError
from .http import JsonObject


@dataclass(slots=True)
class FaultSettings:
    """Probabilities are fractions of requests (0 to 1)."""

    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    rate_429: float = 0.0  # 429 with Retry-After
    rate_429_bare: float = 0.0  # 429 without Retry-After
    retry_after_seconds: int = 2
    rate_500: float = 0.0
    rate_503: float = 0.0
    rate_hang: float = 0.0
    hang_seconds: float = 600.0
    rate_malformed: float = 0.0
    early_expiry_seconds: float | None = None
    path_pattern: str | None = None  # only paths matching this regex get faults
    include_lwa: bool = False  # also disturb /auth/o2/token
    seed: int = 0


@dataclass(slots=True)
class ScriptedFault:
    """One fault for the next matching request.

    kind is "status" (with status and optional retry_after), "hang", "malformed" or
    "apply_then_drop" (the request is carried out, then the connection is closed without
    an answer: the client can't tell whether its write was applied).
    """

    kind: str
    status: int = 500
    retry_after: int | None = None
    path_pattern: str | None = None
    hang_seconds: float | None = None


RATE_FIELDS = ("rate_429", "rate_429_bare", "rate_500", "rate_503", "rate_hang", "rate_malformed")


@dataclass(slots=True)
class Decision:
    """What to do to one request."""

    delay: float = 0.0
    error: ApiError | None = None
    hang: float | None = None
    malformed: bool = False
    drop_answer: bool = False


@dataclass(slots=True)
class FaultInjector:
    """Holds the fault settings and decides per request."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    script: deque[ScriptedFault] = field(default_factory=deque)
    injected: dict[str, int] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def configure(self, changes: dict[str, Any]) -> FaultSettings:
        """Apply a partial update; unknown keys or bad values raise ValueError."""
        known = {f.name for f in fields(FaultSettings)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"Unknown fault settings: {sorted(unknown)}")
        merged = asdict(self.settings) | changes
        for name in RATE_FIELDS:
            value = merged[name]
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a number from 0 to 1")
        if sum(merged[name] for name in RATE_FIELDS) > 1:
            raise ValueError("The fault rates add up to more than 1")
        if merged["path_pattern"] is not None:
            try:
                re.compile(merged["path_pattern"])
            except re.error as err:
                raise ValueError(f"path_pattern isn't a regular expression: {err}") from err
        self.settings = FaultSettings(**merged)
        self._rng = random.Random(self.settings.seed)
        return self.settings

    def reset(self) -> None:
        """Remove every fault."""
        self.settings = FaultSettings()
        self.script.clear()
        self._rng = random.Random(0)

    def add_script(self, items: list[JsonObject]) -> int:
        """Queue scripted faults; raise ValueError on a malformed item."""
        parsed: list[ScriptedFault] = []
        for item in items:
            kind = item.get("kind", "status")
            if kind not in {"status", "hang", "malformed", "apply_then_drop"}:
                raise ValueError(f"Unknown fault kind {kind!r}")
            status = item.get("status", 500)
            if kind == "status" and status not in {429, 500, 503, 400, 401, 403, 404}:
                raise ValueError(f"Unsupported scripted status {status!r}")
            pattern = item.get("path_pattern")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as err:
                    raise ValueError(f"path_pattern isn't a regular expression: {err}") from err
            parsed.append(
                ScriptedFault(
                    kind=kind,
                    status=status,
                    retry_after=item.get("retry_after"),
                    path_pattern=item.get("path_pattern"),
                    hang_seconds=item.get("hang_seconds"),
                )
            )
        self.script.extend(parsed)
        return len(self.script)

    def _rates_apply(self, path: str) -> bool:
        if path.startswith("/auth/") and not self.settings.include_lwa:
            return False
        pattern = self.settings.path_pattern
        return pattern is None or re.search(pattern, path) is not None

    def _count(self, name: str) -> None:
        self.injected[name] = self.injected.get(name, 0) + 1

    def _from_script(self, path: str) -> Decision | None:
        lwa_ok = self.settings.include_lwa or not path.startswith("/auth/")
        for index, item in enumerate(self.script):
            pattern = item.path_pattern
            if (pattern is None and lwa_ok) or (pattern and re.search(pattern, path)):
                del self.script[index]
                if item.kind == "hang":
                    self._count("hang")
                    return Decision(hang=item.hang_seconds or self.settings.hang_seconds)
                if item.kind == "malformed":
                    self._count("malformed")
                    return Decision(malformed=True)
                if item.kind == "apply_then_drop":
                    self._count("apply_then_drop")
                    return Decision(drop_answer=True)
                self._count(str(item.status))
                return Decision(error=_status_error(item.status, item.retry_after))
        return None

    def decide(self, path: str) -> Decision:
        """Pick the fault (if any) for one request."""
        if path.startswith(("/_admin", "/ap/")):
            return Decision()
        scripted = self._from_script(path)
        if scripted is not None:
            return scripted
        if not self._rates_apply(path):
            return Decision()
        s = self.settings
        decision = Decision(delay=(s.latency_ms + s.latency_jitter_ms * self._rng.random()) / 1000)
        draw = self._rng.random()
        for name in RATE_FIELDS:
            rate: float = getattr(s, name)
            if draw < rate:
                self._count(name)
                if name == "rate_hang":
                    decision.hang = s.hang_seconds
                elif name == "rate_malformed":
                    decision.malformed = True
                else:
                    status = {"rate_429": 429, "rate_429_bare": 429, "rate_500": 500}.get(name, 503)
                    retry = s.retry_after_seconds if name == "rate_429" else None
                    decision.error = _status_error(status, retry)
                return decision
            draw -= rate
        return decision


def _status_error(status: int, retry_after: int | None) -> ApiError:
    messages = {
        429: "The request is throttled.",
        500: "The request couldn't be handled because of an internal service error.",
        503: "The service is currently unavailable to handle the request.",
    }
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return ApiError(status, messages.get(status, "Injected fault."), headers=headers)


async def hang(seconds: float, client_gone: Callable[[], bool]) -> bool:
    """Keep a request open; return early (True) once the client gives up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if client_gone():
            return True
        await asyncio.sleep(min(0.05, deadline - loop.time()))
    return False


def corrupt(body: bytes) -> bytes:
    """Truncate a JSON body so no parser accepts it."""
    if len(body) < 2:
        return b'{"results": ['
    return body[: max(1, len(body) // 2)]
