"""The allocation engine on plain data: the ladder, the tie rule, windows, capacity, halls and parts."""

from torg.booking.allocation import engine
from torg.booking.allocation.engine import Claim, Resource, Window, allocate

HALL = Resource(1, "Hall", units=(11, 12), capacity=60)
HALF_A = Resource(2, "Hall A", units=(11,), capacity=30)
HALF_B = Resource(3, "Hall B", units=(12,), capacity=30)
ROOM = Resource(4, "Room", units=(40,), capacity=10)
RESOURCES = [HALL, HALF_A, HALF_B, ROOM]
TUESDAY_EVENING = Window(1, 17 * 60, 19 * 60)


def claim(id, rung, submitted, choices, windows=(TUESDAY_EVENING,), sessions=1, minutes=120, size=20, fixed=()):
    return Claim(id=id, rung=rung, submitted=submitted, group_size=size, sessions=sessions, minutes=minutes,
                 choices=list(choices), windows=list(windows), fixed=list(fixed))


def by_claim(outcomes):
    return {(o.claim_id, o.session): o for o in outcomes}


def test_the_ladder_beats_submission_time():
    late_child = claim(1, rung=1, submitted=9, choices=[2])
    early_adult = claim(2, rung=3, submitted=1, choices=[2])
    out = by_claim(allocate([early_adult, late_child], RESOURCES))
    assert out[(1, 1)].granted and out[(1, 1)].resource_id == 2
    assert not out[(2, 1)].granted
    assert [c for c, _p in out[(2, 1)].notes] == ["order", "busy", "denied"]


def test_equal_claims_take_turns_then_earliest_first():
    """Same group: everyone's first session before anyone's second; within a turn the earliest first."""
    windows = [Window(d, 17 * 60, 19 * 60) for d in range(3)]
    greedy = claim(1, rung=2, submitted=1, choices=[2], windows=windows, sessions=3)
    modest = claim(2, rung=2, submitted=2, choices=[2], windows=windows, sessions=2)
    out = by_claim(allocate([modest, greedy], RESOURCES))
    assert (out[(1, 1)].weekday, out[(2, 1)].weekday, out[(1, 2)].weekday, out[(2, 2)].weekday) == (0, 1, 2, None)
    assert out[(1, 3)].granted is False and out[(2, 2)].granted is False
    # deterministic: the same input gives the same result
    again = by_claim(allocate([greedy, modest], RESOURCES))
    assert {k: (o.granted, o.resource_id, o.weekday, o.start) for k, o in out.items()} == {
        k: (o.granted, o.resource_id, o.weekday, o.start) for k, o in again.items()}


def test_second_choice_and_secondary_window_are_explained():
    first = claim(1, rung=1, submitted=1, choices=[2])
    second = claim(2, rung=2, submitted=2, choices=[2, 3],
                   windows=[TUESDAY_EVENING, Window(3, 18 * 60, 21 * 60, primary=False)])
    out = by_claim(allocate([first, second], RESOURCES))
    o = out[(2, 1)]
    assert (o.resource_id, o.choice_rank, o.weekday, o.primary) == (3, 2, 1, True)
    assert [c for c, _p in o.notes] == ["order", "busy", "granted"]
    third = claim(3, rung=2, submitted=3, choices=[2, 3],
                  windows=[TUESDAY_EVENING, Window(3, 18 * 60, 21 * 60, primary=False)])
    o3 = by_claim(allocate([first, second, third], RESOURCES))[(3, 1)]
    assert (o3.resource_id, o3.weekday, o3.start, o3.primary) == (2, 3, 18 * 60, False)


def test_a_whole_hall_and_its_halves_block_each_other():
    half = claim(1, rung=1, submitted=1, choices=[2])
    whole = claim(2, rung=2, submitted=2, choices=[1], size=50)
    other_half = claim(3, rung=2, submitted=3, choices=[3])
    out = by_claim(allocate([half, whole, other_half], RESOURCES))
    assert out[(1, 1)].granted and not out[(2, 1)].granted and out[(3, 1)].granted


def test_too_small_resources_are_not_used_and_sessions_go_to_different_days():
    big = claim(1, rung=1, submitted=1, choices=[4, 2], size=25, sessions=2,
                windows=[Window(1, 17 * 60, 23 * 60)])
    out = by_claim(allocate([big], RESOURCES))
    assert out[(1, 1)].resource_id == 2 and out[(1, 1)].notes[1][0] == "too_small"
    assert not out[(1, 2)].granted and ["same_day", {"rank": 2, "resource": "Hall A"}] in out[(1, 2)].notes


def test_fixed_sessions_are_kept_and_block_others():
    fixed = engine.Fixed(session=1, resource_id=2, weekday=1, start=17 * 60, end=19 * 60)
    staff_set = claim(1, rung=4, submitted=9, choices=[3], fixed=[fixed])
    child = claim(2, rung=1, submitted=1, choices=[2])
    out = by_claim(allocate([staff_set, child], RESOURCES))
    assert out[(1, 1)].manual and out[(1, 1)].resource_id == 2 and out[(1, 1)].choice_rank is None
    assert not out[(2, 1)].granted


def test_buffers_and_round_hours():
    buffered = Resource(5, "Pool", units=(50,), buffer_after=30)
    a = claim(1, rung=1, submitted=1, choices=[5], windows=[Window(0, 7 * 60, 12 * 60)], minutes=60)
    b = claim(2, rung=1, submitted=2, choices=[5], windows=[Window(0, 7 * 60, 12 * 60)], minutes=60)
    out = by_claim(allocate([a, b], [buffered], day_start=8 * 60))
    assert (out[(1, 1)].start, out[(2, 1)].start) == (8 * 60, 9 * 60 + 30)
    assert engine.first_choice_share(list(out.values())) == 1.0
