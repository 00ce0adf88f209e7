"""Home Occupancy API and its state machine: every allowed and refused transition."""

import itertools

import pytest

from simulator import ManualClock
from simulator.core import Simulator
from simulator.state import Home, Occ

from .conftest import Api, assert_request_id, homes_in, vacant_home

BASE = "/enterprise/residential/v1/homes"
UNKNOWN = "amzn1.alexa.unit.did.UNKNOWN0000000000000000000000"
DELAY = 2.0  # the default occupancy delay


async def _latest(api: Api, home: Home) -> dict[str, object]:
    reply = await api.get(f"{BASE}/{home.id}/occupancies/~latest")
    assert reply.status == 200, reply.text
    body: dict[str, object] = reply.json
    return body


async def _set(api: Api, home: Home, state: str, **extra: object) -> tuple[int, dict[str, str]]:
    reply = await api.post(f"{BASE}/{home.id}/occupancies", {"state": state} | extra)
    assert_request_id(reply)
    return reply.status, reply.json


async def _settle(api: Api, clock: ManualClock, home: Home, expected: Occ) -> None:
    clock.advance(DELAY)
    body = await _latest(api, home)
    assert body["state"] == expected
    assert "requestedState" not in body


async def _bring_to(api: Api, anon: Api, clock: ManualClock, home: Home, target: Occ) -> None:
    """Drive a never-occupied vacant home into the target state."""
    if target is Occ.VACANT:
        return
    assert (await _set(api, home, "OCCUPIED"))[0] == 202
    await _settle(api, clock, home, Occ.OCCUPIED)
    if target is Occ.LINKED:
        assert (await anon.post(f"/_admin/homes/{home.id}/resident/link")).status == 200
        await _settle(api, clock, home, Occ.LINKED)


async def test_move_in_shows_requested_state_then_settles(
    api: Api, sim: Simulator, clock: ManualClock
) -> None:
    home = vacant_home(sim, with_history=False)
    status, body = await _set(api, home, "OCCUPIED")
    assert status == 202
    occupancy_id = body["occupancyId"]
    assert set(body) == {"occupancyId"}
    latest = await _latest(api, home)
    assert latest == {"occupancyId": occupancy_id, "state": "VACANT", "requestedState": "OCCUPIED"}
    clock.advance(DELAY - 0.1)
    assert (await _latest(api, home))["requestedState"] == "OCCUPIED"
    clock.advance(0.1)
    assert await _latest(api, home) == {"occupancyId": occupancy_id, "state": "OCCUPIED"}
    reply = await api.get(f"{BASE}/{home.id}/occupancies/{occupancy_id}")
    assert reply.json == {"occupancyId": occupancy_id, "state": "OCCUPIED"}


async def test_each_move_in_gets_a_new_occupancy_id(
    api: Api, sim: Simulator, clock: ManualClock
) -> None:
    home = vacant_home(sim)
    seen = set()
    for _ in range(3):
        status, body = await _set(api, home, "OCCUPIED")
        assert status == 202
        assert body["occupancyId"] not in seen
        seen.add(body["occupancyId"])
        await _settle(api, clock, home, Occ.OCCUPIED)
        status, body = await _set(api, home, "VACANT")
        assert status == 202
        await _settle(api, clock, home, Occ.VACANT)


TRANSITIONS = {
    (Occ.VACANT, Occ.OCCUPIED): True,  # move in
    (Occ.OCCUPIED, Occ.VACANT): True,  # move out
    (Occ.LINKED, Occ.OCCUPIED): True,  # unlink by the enterprise
    (Occ.LINKED, Occ.VACANT): True,  # move out while linked
    (Occ.VACANT, Occ.VACANT): False,
    (Occ.VACANT, Occ.LINKED): False,  # only the resident links
    (Occ.OCCUPIED, Occ.OCCUPIED): False,
    (Occ.OCCUPIED, Occ.LINKED): False,
    (Occ.LINKED, Occ.LINKED): False,
}


@pytest.mark.parametrize(("start", "target"), list(itertools.product(Occ, Occ)))
async def test_enterprise_transitions(
    api: Api, anon: Api, sim: Simulator, clock: ManualClock, start: Occ, target: Occ
) -> None:
    home = vacant_home(sim, with_history=False)
    await _bring_to(api, anon, clock, home, start)
    before = sim.state.latest_occupancy(home)
    status, body = await _set(api, home, str(target))
    if TRANSITIONS[(start, target)]:
        assert status == 202
        latest = await _latest(api, home)
        assert latest["occupancyId"] == body["occupancyId"]
        assert (latest["state"], latest["requestedState"]) == (start, target)
        await _settle(api, clock, home, target)
    else:
        assert status == 400
        assert set(body) == {"type", "message"}
        assert sim.state.latest_occupancy(home) is before


@pytest.mark.parametrize("target", ["VACANT", "OCCUPIED", "LINKED"])
async def test_no_change_while_one_is_in_progress(
    api: Api, sim: Simulator, clock: ManualClock, target: str
) -> None:
    home = vacant_home(sim, with_history=False)
    assert (await _set(api, home, "OCCUPIED"))[0] == 202
    status, body = await _set(api, home, target)
    assert status == 400
    assert body["type"] == "BAD_REQUEST"


async def test_resident_link_and_unlink(
    api: Api, anon: Api, sim: Simulator, clock: ManualClock
) -> None:
    home = vacant_home(sim, with_history=False)
    # Nothing to link in a vacant home.
    assert (await anon.post(f"/_admin/homes/{home.id}/resident/link")).status == 409
    await _bring_to(api, anon, clock, home, Occ.OCCUPIED)
    occupancy_id = (await _latest(api, home))["occupancyId"]
    reply = await anon.post(
        f"/_admin/homes/{home.id}/resident/link", {"occupancyId": "someone-else"}
    )
    assert reply.status == 409
    reply = await anon.post(f"/_admin/homes/{home.id}/resident/link", {"occupancyId": occupancy_id})
    assert reply.status == 200
    # Linking keeps the occupancy and shows the requested state while it runs.
    assert await _latest(api, home) == {
        "occupancyId": occupancy_id,
        "state": "OCCUPIED",
        "requestedState": "LINKED",
    }
    assert (await anon.post(f"/_admin/homes/{home.id}/resident/link")).status == 409
    await _settle(api, clock, home, Occ.LINKED)
    assert (await anon.post(f"/_admin/homes/{home.id}/resident/link")).status == 409
    assert (await anon.post(f"/_admin/homes/{home.id}/resident/unlink")).status == 200
    await _settle(api, clock, home, Occ.OCCUPIED)
    assert (await anon.post(f"/_admin/homes/{home.id}/resident/unlink")).status == 409
    assert (await anon.post(f"/_admin/homes/{UNKNOWN}/resident/link")).status == 404


async def test_zero_delay_settles_at_once(api: Api, anon: Api, sim: Simulator) -> None:
    assert (await anon.put("/_admin/timing", {"occupancyDelay": 0})).status == 200
    home = vacant_home(sim, with_history=False)
    assert (await _set(api, home, "OCCUPIED"))[0] == 202
    assert (await _latest(api, home))["state"] == "OCCUPIED"


async def test_old_occupancies_stay_readable(api: Api, sim: Simulator, clock: ManualClock) -> None:
    home = vacant_home(sim, with_history=False)
    _, first = await _set(api, home, "OCCUPIED")
    await _settle(api, clock, home, Occ.OCCUPIED)
    _, second = await _set(api, home, "VACANT")
    await _settle(api, clock, home, Occ.VACANT)
    reply = await api.get(f"{BASE}/{home.id}/occupancies/{first['occupancyId']}")
    assert reply.json == {"occupancyId": first["occupancyId"], "state": "OCCUPIED"}
    latest = await _latest(api, home)
    assert latest["occupancyId"] == second["occupancyId"]


async def test_get_occupancy_errors(api: Api, sim: Simulator) -> None:
    home = vacant_home(sim, with_history=False)
    other = homes_in(sim, Occ.OCCUPIED)[0]
    other_occupancy = other.occupancy_ids[-1]
    cases = [
        (f"{BASE}/not-a-unit/occupancies/~latest", 400),
        (f"{BASE}/{UNKNOWN}/occupancies/~latest", 404),
        (f"{BASE}/{home.id}/occupancies/~latest", 404),  # never occupied
        (f"{BASE}/{home.id}/occupancies/AedUnknown", 404),
        (f"{BASE}/{home.id}/occupancies/{other_occupancy}", 404),  # another home's
        (f"{BASE}/{other.id}/occupancies/{other_occupancy}", 200),
    ]
    for path, status in cases:
        reply = await api.get(path)
        assert reply.status == status, path
        if status >= 400:
            assert set(reply.json) == {"type", "message"}


SKILL_APP = {"type": "SKILL", "stage": "live", "id": "SKILL"}
LINK = {"redirectUri": "https://example.com", "authCode": "3pauthcode", "type": "AUTH_CODE"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"state": "occupied"}, 400),
        ({"state": "MOVED"}, 400),
        ({"state": "OCCUPIED", "linkedApplications": "x"}, 400),
        ({"state": "OCCUPIED", "linkedApplications": [SKILL_APP | {"type": "APP"}]}, 400),
        ({"state": "OCCUPIED", "linkedApplications": [SKILL_APP | {"stage": "beta"}]}, 400),
        ({"state": "OCCUPIED", "linkedApplications": [SKILL_APP | {"id": "bad"}]}, 400),
        ({"state": "OCCUPIED", "linkedApplications": [SKILL_APP]}, 400),  # links accounts
        (
            {
                "state": "OCCUPIED",
                "linkedApplications": [SKILL_APP | {"accountLinkRequest": LINK | {"type": "X"}}],
            },
            400,
        ),
        (
            {
                "state": "OCCUPIED",
                "linkedApplications": [
                    SKILL_APP | {"accountLinkRequest": {"type": "AUTH_CODE", "authCode": "c"}}
                ],
            },
            400,
        ),
        (
            {"state": "OCCUPIED", "linkedApplications": [SKILL_APP | {"accountLinkRequest": LINK}]},
            202,
        ),
    ],
)
async def test_set_occupancy_validation(
    api: Api, sim: Simulator, body: dict[str, object], status: int
) -> None:
    smart_home = next(s for s in sim.state.skills.values() if s.account_linking)
    if "linkedApplications" in body and isinstance(body["linkedApplications"], list):
        body["linkedApplications"] = [
            app | {"id": smart_home.id} if app.get("id") == "SKILL" else app
            for app in body["linkedApplications"]
        ]
    home = vacant_home(sim, with_history=False)
    reply = await api.post(f"{BASE}/{home.id}/occupancies", body)
    assert reply.status == status, reply.text
    if status == 202:
        latest = await _latest(api, home)
        assert latest["linkedApplications"] == body["linkedApplications"]


async def test_set_occupancy_unknown_home(api: Api) -> None:
    assert (await api.post(f"{BASE}/{UNKNOWN}/occupancies", {"state": "OCCUPIED"})).status == 404
    assert (await api.post(f"{BASE}/bad/occupancies", {"state": "OCCUPIED"})).status == 400


async def test_linked_applications_only_with_move_in(
    api: Api, sim: Simulator, clock: ManualClock
) -> None:
    concierge = next(s for s in sim.state.skills.values() if not s.account_linking)
    home = homes_in(sim, Occ.OCCUPIED)[0]
    app = {"type": "SKILL", "stage": "live", "id": concierge.id}
    status, _ = await _set(api, home, "VACANT", linkedApplications=[app])
    assert status == 400
