"""The allocation engine: a pure function from a round's claims and resources to one decision per
session, with the explanation of each. No database access, so it is fast, testable on its own and
measured in `bench/allocation.py`.

The rule (also in docs/user-guide/allocation.md):

1. Sessions already fixed by staff (`Claim.fixed`) are placed first and count for their application.
2. Applications are served by priority group (the ladder's rank, 1 first).
3. Within a group, equal claims take turns: every application gets its first session before any gets
   its second. Within a turn, the application submitted first goes first, then the lower number —
   a documented, deterministic rule, so running the proposal again gives the same result.
4. For each session the engine tries the primary windows before the secondary ones; with each kind
   of window, the resource choices in the applicant's order, the windows by weekday and time, and
   in a window the earliest start that is free on every physical unit the resource occupies (a whole hall and its parts
   block each other), including the resource's buffers. Sessions of one application go to
   different weekdays. A resource smaller than the group is not used.
5. Nothing found: the session is not granted, and the explanation says why for each choice.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    weekday: int  # 0 = Monday
    start: int  # minutes after midnight
    end: int
    primary: bool = True


@dataclass
class Resource:
    id: int
    name: str
    units: tuple  # ids of the physical units (leaf resources) a booking occupies
    capacity: int | None = None
    buffer_before: int = 0
    buffer_after: int = 0


@dataclass
class Fixed:
    session: int
    resource_id: int
    weekday: int
    start: int
    end: int


@dataclass
class Claim:
    id: int
    rung: int  # rank on the priority ladder, 1 = first
    submitted: object  # anything sortable: when the application was submitted
    group_size: int
    sessions: int
    minutes: int
    choices: list  # resource ids by rank
    windows: list  # [Window]
    fixed: list = field(default_factory=list)  # [Fixed] sessions set by staff


@dataclass
class Outcome:
    claim_id: int
    session: int
    granted: bool
    resource_id: int | None = None
    weekday: int | None = None
    start: int | None = None
    end: int | None = None
    choice_rank: int | None = None
    primary: bool = False
    manual: bool = False
    notes: list = field(default_factory=list)  # [[code, params]]


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Grid:
    """Occupied time per (unit, weekday) as a bit mask of steps."""

    def __init__(self, step: int):
        self.step = step
        self.masks = {}

    def mask(self, start, end):
        first = max(start, 0) // self.step
        last = -(-min(end, 24 * 60) // self.step)  # ceiling
        return ((1 << (last - first)) - 1) << first

    def free(self, units, weekday, mask):
        return all(not (self.masks.get((u, weekday), 0) & mask) for u in units)

    def take(self, units, weekday, mask):
        for u in units:
            self.masks[(u, weekday)] = self.masks.get((u, weekday), 0) | mask


def _blocked(res, start, end):
    return start - res.buffer_before, end + res.buffer_after


def allocate(claims, resources, *, step=30, day_start=8 * 60, day_end=23 * 60):
    """One Outcome per session of every claim, in the order the claims were served."""
    by_id = {r.id: r for r in resources}
    grid = Grid(step)
    outcomes = {}
    days = {c.id: set() for c in claims}
    # 1. Staff decisions first.
    for c in claims:
        for f in c.fixed:
            res = by_id.get(f.resource_id)
            if res is not None:
                grid.take(res.units, f.weekday, grid.mask(*_blocked(res, f.start, f.end)))
            days[c.id].add(f.weekday)
            rank = c.choices.index(f.resource_id) + 1 if f.resource_id in c.choices else None
            outcomes[(c.id, f.session)] = Outcome(
                c.id, f.session, True, f.resource_id, f.weekday, f.start, f.end, rank, manual=True,
                notes=[["manual", {}]])
    # 2.–3. By rung, then in turns, then by submission.
    ordered = sorted(claims, key=lambda c: (c.rung, c.submitted, c.id))
    position = {c.id: n for n, c in enumerate(ordered, 1)}
    turns = max((c.sessions for c in claims), default=0)
    result = [o for o in outcomes.values()]
    for rung in sorted({c.rung for c in ordered}):
        group = [c for c in ordered if c.rung == rung]
        for turn in range(1, turns + 1):
            for c in group:
                if turn > c.sessions or (c.id, turn) in outcomes:
                    continue
                outcome = _one_session(c, turn, by_id, grid, days[c.id], step, day_start, day_end)
                outcome.notes.insert(0, ["order", {"rung": c.rung, "turn": turn, "position": position[c.id],
                                                   "of": len(ordered)}])
                outcomes[(c.id, turn)] = outcome
                result.append(outcome)
    return result


def _one_session(c, turn, by_id, grid, used_days, step, day_start, day_end):
    notes, usable, same_day = [], [], set()
    for rank, rid in enumerate(c.choices, 1):
        res = by_id.get(rid)
        if res is None:
            notes.append(["not_in_round", {"rank": rank, "resource": rid}])
        elif res.capacity and c.group_size > res.capacity:
            notes.append(["too_small", {"rank": rank, "resource": res.name, "capacity": res.capacity}])
        else:
            usable.append((rank, res))
    # Primary windows on every choice before any secondary window: the wished time counts more than
    # the rank of the resource.
    for primary in (True, False):
        windows = sorted((w for w in c.windows if w.primary == primary), key=lambda w: (w.weekday, w.start))
        for rank, res in usable:
            for w in windows:
                lo = max(w.start, day_start)
                lo += (-lo) % step
                hi = min(w.end, day_end) - c.minutes
                for start in range(lo, hi + 1, step):
                    end = start + c.minutes
                    mask = grid.mask(*_blocked(res, start, end))
                    if not grid.free(res.units, w.weekday, mask):
                        continue
                    if w.weekday in used_days:
                        same_day.add(rank)
                        continue
                    grid.take(res.units, w.weekday, mask)
                    used_days.add(w.weekday)
                    notes.extend(["same_day" if r in same_day else "busy", {"rank": r, "resource": x.name}]
                                 for r, x in usable if r < rank or (not primary and r != rank))
                    notes.append(["granted", {"rank": rank, "resource": res.name, "weekday": w.weekday,
                                              "start": hhmm(start), "end": hhmm(end), "primary": primary}])
                    return Outcome(c.id, turn, True, res.id, w.weekday, start, end, rank, primary, notes=notes)
    notes.extend(["same_day" if r in same_day else "busy", {"rank": r, "resource": x.name}] for r, x in usable)
    notes.append(["denied", {}])
    return Outcome(c.id, turn, False, notes=notes)


def first_choice_share(outcomes) -> float:
    """Share of sessions granted on the first choice in a primary window, of all sessions."""
    if not outcomes:
        return 0.0
    return sum(1 for o in outcomes if o.granted and o.choice_rank == 1 and o.primary) / len(outcomes)
