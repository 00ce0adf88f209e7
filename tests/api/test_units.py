"""Units API (asp-facts.md)."""

from __future__ import annotations

import pytest

from custom_components.alexa_smart_properties.api import AspClient, AspInvalidResponseError, Unit

from .conftest import FakeAsp, Reply, load_fixture

ORG = "amzn1.alexa.unit.did.org1"
ROOM = "amzn1.alexa.unit.did.room101"


async def test_list_units(client: AspClient, fake: FakeAsp) -> None:
    named = {"id": ROOM, "parentId": ORG} | load_fixture("unit_name_example.json")
    fake.add(
        "GET",
        "/v2/units",
        Reply(json={"results": [named], "paginationContext": {"nextToken": "u2"}}),
        Reply(json={"units": [{"id": "amzn1.alexa.unit.did.room102", "parent": {"id": ORG}}]}),
    )
    units = await client.list_units(ORG)
    assert units[0] == Unit(id=ROOM, name="Room 101", parent_id=ORG)
    assert units[1].parent_id == ORG
    assert units[1].name is None
    assert [c.query for c in fake.requests] == [
        [("parentId", ORG), ("expand", "all")],
        [("parentId", ORG), ("expand", "all"), ("nextToken", "u2")],
    ]


async def test_list_units_without_a_list(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", "/v2/units", json={"something": []})
    with pytest.raises(AspInvalidResponseError):
        await client.list_units(ORG)


async def test_get_unit(client: AspClient, fake: FakeAsp) -> None:
    fake.reply("GET", f"/v2/units/{ROOM}", json={"id": ROOM, "name": "Room 101", "extra": 1})
    unit = await client.get_unit(ROOM)
    assert unit.name == "Room 101"
    assert unit.raw["extra"] == 1
