"""The aggregate condition grade of a survey — one documented weighting (docs/user-guide/estate.md).

1. The parts are grouped by NS 3451 main group (the first digit of the code: 2 building, 3 HVAC and
   plumbing, 4 electrical power, 5 telecom and automation, 6 other installations, 7 outdoors).
2. Each group's grade is the plain mean of its parts' condition grades (TG0–TG3).
3. The aggregate is the mean of the group grades weighted by `ns3451.GROUP_WEIGHTS` (50, 20, 15, 5,
   5, 5 — the groups' typical shares of a building's replacement cost), over the groups that were
   surveyed only, so a survey of the building body alone is not pulled towards 0 by what it left out.

Example: 23 TG2, 26 TG3, 31 TG1, 43 TG2 → building 2.5 × 50, HVAC 1 × 20, electrical 2 × 15, divided
by 50 + 20 + 15 → 175 / 85 = 2.06.
"""

from decimal import ROUND_HALF_UP, Decimal

from . import ns3451

BANDS = ((Decimal("0.5"), 0), (Decimal("1.5"), 1), (Decimal("2.5"), 2))


def aggregate_grade(parts) -> Decimal | None:
    """`parts`: (ns_code, condition_grade) pairs. None when there are none."""
    groups: dict[str, list[int]] = {}
    for code, grade in parts:
        groups.setdefault(ns3451.group_of(code), []).append(grade)
    if not groups:
        return None
    weighted = sum(Decimal(ns3451.GROUP_WEIGHTS.get(g, 5)) * Decimal(sum(v)) / Decimal(len(v))
                   for g, v in groups.items())
    weights = sum(Decimal(ns3451.GROUP_WEIGHTS.get(g, 5)) for g in groups)
    return (weighted / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band(grade) -> int | None:
    """The TG an aggregate grade reads as: below 0.5 → 0, below 1.5 → 1, below 2.5 → 2, else 3."""
    if grade is None:
        return None
    for limit, value in BANDS:
        if Decimal(grade) < limit:
            return value
    return 3
