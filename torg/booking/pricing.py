"""Prices of bookings: the payer's price category and the price from the price rules (PriceRule).

The rule: the rules of the resource itself, else of the resource it is part of, else of its building,
each time only those for the payer's category (the first level that has any wins). Of those:

- per hour: a rule with a time of day (and weekdays) prices the minutes of the booking inside its
  hours on its days; the minutes no such rule covers are priced by a rule without a time of day
  (for that weekday); minutes no rule covers are free. Where two timed rules overlap, the earlier
  starting rule prices the overlap.
- per booking: the first rule whose days and hours contain the booking's start (a timed rule before
  an untimed one) is added once.

Times are Oslo local time. A booking with no rule for its category costs nothing (internal bookings,
typically). The price is computed when the booking is made and stored on it (Booking.price).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F

from torg.accounts.models import ExternalOrganisation

from .models import Booking, OpeningHours, PriceRule
from .queries import OSLO

CENT = Decimal("0.01")

_ORG_CATEGORY = {
    ExternalOrganisation.Kind.BUSINESS: PriceRule.Category.COMMERCIAL,
    ExternalOrganisation.Kind.VOLUNTEER: PriceRule.Category.VOLUNTEER,
}


def category_for(*, actor_type, organisation=None) -> str:
    """The payer's price category: a business organisation → commercial, a volunteer organisation →
    volunteer, any other organisation → association, a municipal unit or an employee → internal,
    else a private person."""
    if organisation is not None:
        return _ORG_CATEGORY.get(organisation.kind, PriceRule.Category.ASSOCIATION)
    if actor_type in (Booking.ActorType.UNIT, Booking.ActorType.EMPLOYEE):
        return PriceRule.Category.INTERNAL
    return PriceRule.Category.CITIZEN


@dataclass
class Quote:
    category: str
    amount: Decimal = Decimal("0.00")
    late_fee: Decimal = Decimal("0.00")  # due if cancelled after the deadline: each line × its rule's share
    lines: list = field(default_factory=list)  # (rule, minutes or None for per booking, amount)

    @property
    def category_label(self):
        return PriceRule.Category(self.category).label

    @property
    def free(self):
        return self.amount == 0


def rules_for(resource, category) -> list[PriceRule]:
    """The rules that price `resource` for `category` (the most specific level that has any)."""
    levels = [{"resource": resource}]
    if resource.parent_id:
        levels.append({"resource_id": resource.parent_id})
    levels.append({"building_id": resource.building_id, "resource__isnull": True})
    for level in levels:
        rules = list(PriceRule.objects.filter(tenant_id=resource.tenant_id, category=category, **level)
                     .order_by(F("starts").asc(nulls_first=True), "pk"))  # the same on both databases
        if rules:
            return rules
    return []


def _applies_on(rule, day) -> bool:
    return not rule.weekdays or day.weekday() in rule.weekdays


def _window(rule, day):
    return (dt.datetime.combine(day, rule.starts, OSLO), dt.datetime.combine(day, rule.ends, OSLO))


def _minutes(start, end) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def price(*, resource, start, end, category, rules=None) -> Quote:
    """The price of booking `resource` for [start, end) for a payer of `category`."""
    rules = rules_for(resource, category) if rules is None else rules
    quote = Quote(category=category)
    if not rules:
        return quote
    start, end = start.astimezone(OSLO), end.astimezone(OSLO)
    # Per hour: walk day by day (a booking past midnight prices each day by its own rules).
    hourly = [r for r in rules if r.unit == PriceRule.Unit.HOUR]
    day = start.date()
    while dt.datetime.combine(day, dt.time(0), OSLO) < end:
        day_start = max(start, dt.datetime.combine(day, dt.time(0), OSLO))
        day_end = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), OSLO))
        covered = []  # intervals priced by timed rules
        for rule in (r for r in hourly if r.starts is not None and _applies_on(r, day)):
            w_start, w_end = _window(rule, day)
            s, e = max(day_start, w_start), min(day_end, w_end)
            for c_start, c_end in covered:  # an earlier rule priced the overlap
                if c_start <= s < c_end:
                    s = c_end
                if c_start < e <= c_end:
                    e = c_start
            if (minutes := _minutes(s, e)) > 0:
                covered.append((s, e))
                quote.lines.append((rule, minutes, rule.amount * minutes / 60))
        rest = _minutes(day_start, day_end) - sum(_minutes(s, e) for s, e in covered)
        general = next((r for r in hourly if r.starts is None and _applies_on(r, day)), None)
        if general is not None and rest > 0:
            quote.lines.append((general, rest, general.amount * rest / 60))
        day += dt.timedelta(days=1)
    # Per booking: once, by the booking's start.
    per_booking = [r for r in rules if r.unit == PriceRule.Unit.BOOKING and _applies_on(r, start.date())]
    timed = [r for r in per_booking if r.starts is not None
             and _window(r, start.date())[0] <= start < _window(r, start.date())[1]]
    chosen = (timed or [r for r in per_booking if r.starts is None] or [None])[0]
    if chosen is not None:
        quote.lines.append((chosen, None, chosen.amount))
    quote.amount = sum((amount for _rule, _m, amount in quote.lines), Decimal("0")).quantize(CENT, ROUND_HALF_UP)
    quote.late_fee = sum((amount * rule.late_cancel_percent / 100 for rule, _m, amount in quote.lines),
                         Decimal("0")).quantize(CENT, ROUND_HALF_UP)
    return quote


def money(amount) -> str:
    """An amount in Norwegian kroner as people write it: "1 250 kr", "87,50 kr"."""
    amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    whole, cents = divmod(abs(amount), 1)
    text = f"{int(whole):,}".replace(",", "\u00a0")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return ("−" if amount < 0 else "") + text + "\u00a0kr"


def rule_text(rule) -> str:
    """"300 kr per hour, Monday, Tuesday 17:00–22:00" — one rule in words, for lists and the booking form."""
    parts = [f"{money(rule.amount)} {rule.get_unit_display()}"]
    if rule.weekdays:
        parts.append(", ".join(str(OpeningHours.WEEKDAYS[d]) for d in rule.weekdays))
    if rule.starts is not None:
        parts.append(f"{rule.starts:%H:%M}–{rule.ends:%H:%M}")
    return " ".join(parts)


def price_list(resource, categories) -> list[tuple[str, list[str]]]:
    """For the booking form: per category, the rules that would price a booking of `resource`."""
    return [(PriceRule.Category(c).label, [rule_text(r) for r in rules_for(resource, c)]) for c in categories]
