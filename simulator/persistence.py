"""Optional JSON persistence, so a demo property (and its tokens) survives restarts."""

import asyncio
import contextlib
import json
import os
import random
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aiohttp import web

from .core import SIMULATOR_KEY, Simulator
from .http import JsonObject
from .state import (
    Automation,
    Community,
    Enablement,
    Endpoint,
    Home,
    Occ,
    Occupancy,
    Skill,
    Template,
)

FORMAT_VERSION = 1
SAVE_INTERVAL = 1.0


def dump(sim: Simulator) -> JsonObject:
    """Serialise the whole simulator state."""
    state = sim.state
    return {
        "version": FORMAT_VERSION,
        "seed": state.seed,
        "idCounter": state.id_counter,
        "seqCounter": state.seq_counter,
        "organization": {"id": state.organization_id, "name": state.organization_name},
        "client": {
            "clientId": sim.client_id,
            "clientSecret": sim.client_secret,
            "initialRefreshToken": sim.initial_refresh_token,
        },
        "communities": [asdict(c) for c in state.communities.values()],
        "homes": [asdict(h) for h in state.homes.values()],
        "occupancies": [asdict(o) for o in state.occupancies.values()],
        "endpoints": [asdict(e) for e in state.endpoints.values()],
        "skills": [asdict(s) for s in state.skills.values()],
        "enablements": [asdict(e) for e in state.enablements.values()],
        "templates": [asdict(t) for t in state.templates.values()],
        "automations": [asdict(a) for a in state.automations.values()],
        "lwa": sim.lwa.dump(),
    }


def _occupancy(raw: dict[str, Any]) -> Occupancy:
    requested = raw.get("requested_state")
    return Occupancy(
        **(
            raw
            | {
                "state": Occ(raw["state"]),
                "requested_state": Occ(requested) if requested else None,
            }
        )
    )


def load(sim: Simulator, data: JsonObject) -> None:
    """Replace the simulator's state with a dump."""
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"Unsupported state file version {data.get('version')!r}")
    state = sim.state
    state.seed = data["seed"]
    state.id_counter = data["idCounter"]
    state.seq_counter = data["seqCounter"]
    state.organization_id = data["organization"]["id"]
    state.organization_name = data["organization"]["name"]
    # Carry on deterministically from where the saved run stopped.
    state.rng = random.Random(f"{state.seed}:{state.id_counter}")
    state.communities = {c["id"]: Community(**c) for c in data["communities"]}
    state.homes = {h["id"]: Home(**h) for h in data["homes"]}
    state.occupancies = {o["id"]: _occupancy(o) for o in data["occupancies"]}
    state.endpoints = {e["id"]: Endpoint(**e) for e in data["endpoints"]}
    state.skills = {s["id"]: Skill(**s) for s in data["skills"]}
    state.enablements = {
        (e["skill_id"], e["unit_id"]): Enablement(**e) for e in data["enablements"]
    }
    state.templates = {t["id"]: Template(**t) for t in data["templates"]}
    state.automations = {a["id"]: Automation(**a) for a in data["automations"]}
    client = data["client"]
    sim.client_id = client["clientId"]
    sim.client_secret = client["clientSecret"]
    sim.initial_refresh_token = client["initialRefreshToken"]
    sim.lwa.load(data["lwa"])


def save_file(path: Path, text: str) -> None:
    """Write atomically: a crash never leaves half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def load_file(sim: Simulator, path: Path) -> bool:
    """Load a state file if it exists; tell whether it did."""
    if not path.exists():
        return False
    load(sim, json.loads(path.read_text(encoding="utf-8")))
    return True


class Saver:
    """Saves the state shortly after it changes, and once more at shutdown."""

    def __init__(self, sim: Simulator, path: Path) -> None:
        """Remember where to save."""
        self.sim = sim
        self.path = path
        self.dirty = False
        self._task: asyncio.Task[None] | None = None

    def mark_dirty(self) -> None:
        """Note that the state changed."""
        self.dirty = True

    async def save_now(self) -> None:
        """Snapshot on the event loop, write in a thread."""
        self.dirty = False
        text = json.dumps(dump(self.sim), separators=(",", ":"))
        await asyncio.to_thread(save_file, self.path, text)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(SAVE_INTERVAL)
            if self.dirty:
                await self.save_now()

    async def start(self, _app: web.Application) -> None:
        """on_startup hook."""
        self._task = asyncio.create_task(self._loop())

    async def stop(self, _app: web.Application) -> None:
        """on_cleanup hook: stop the loop and save what is pending."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.save_now()


SAVER_KEY = web.AppKey("saver", Saver)


def attach(app: web.Application, path: Path) -> Saver:
    """Attach a saver to an application."""
    saver = Saver(app[SIMULATOR_KEY], path)
    app[SAVER_KEY] = saver
    app.on_startup.append(saver.start)
    app.on_cleanup.append(saver.stop)
    return saver
