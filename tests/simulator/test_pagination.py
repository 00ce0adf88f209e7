"""Page tokens: opaque, tamper-evident, bound to their listing; no item lost or repeated."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.errors import ApiError
from simulator.pagination import Bounds, Paginator, parse_max_results

# Emitted by Hypothesis under Home Assistant's test plugin; unrelated to these tests.
pytestmark = pytest.mark.filterwarnings("ignore:It looks like `register_random`")

PAGINATOR = Paginator(b"secret")


@given(
    st.lists(st.integers(min_value=1, max_value=10_000), unique=True, max_size=80),
    st.integers(min_value=1, max_value=25),
    st.sets(st.integers(min_value=0, max_value=79)),
)
def test_paging_sees_every_surviving_item_once(
    seqs: list[int], size: int, deleted_positions: set[int]
) -> None:
    items = sorted(seqs)
    seen: list[int] = []
    token: str | None = None
    deleted = {items[i] for i in deleted_positions if i < len(items)}
    first_page = True
    while first_page or token:
        page, token = PAGINATOR.page(items, lambda x: x, scope="s", token=token, max_results=size)
        assert len(page) <= size
        seen += page
        if first_page:
            # Items vanish between pages: later pages must not skip survivors.
            items = [i for i in items if i not in deleted or i in seen]
            first_page = False
    assert seen == sorted(set(seen))
    assert set(items) <= set(seen)


def test_tokens_are_bound_and_tamper_evident() -> None:
    _, token = PAGINATOR.page(list(range(1, 10)), lambda x: x, scope="a", token=None, max_results=2)
    assert token is not None
    with pytest.raises(ApiError):
        PAGINATOR.decode("b", token)
    blob, signature = token.split(".")
    with pytest.raises(ApiError):
        PAGINATOR.decode("a", blob + "." + "0" * len(signature))
    with pytest.raises(ApiError):
        PAGINATOR.decode("a", "!!!." + signature)
    with pytest.raises(ApiError):
        Paginator(b"other").decode("a", token)
    assert PAGINATOR.decode("a", token) == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 10), ("1", 1), ("50", 50), (7, 7)],
)
def test_max_results_within_bounds(raw: object, expected: int) -> None:
    assert parse_max_results(raw, Bounds(1, 50, 10)) == expected


@pytest.mark.parametrize("raw", ["0", "51", "-1", "1.5", "", "ten", True, 2.0, 51])
def test_max_results_outside_bounds(raw: object) -> None:
    with pytest.raises(ApiError) as err:
        parse_max_results(raw, Bounds(1, 50, 10))
    assert err.value.status == 400
