"""The energy figures' arithmetic, kept apart from the database so that it can be checked by hand
(docs/user-guide/estate.md → Energy).

- **kWh/m²** of a building and year: the delivered energy of all its meters in the year divided by
  the building's gross area (BTA) from the register.
- **Temperature correction** by degree days: the temperature-dependent share of each carrier's energy
  is scaled by normal degree days / the year's degree days (both summed over the twelve months); the
  rest is left as it is. A year is corrected only when the degree-day table has all twelve months.
- **Target**: the base year's kWh/m² reduced by the target percentage per year, compounded.
"""

from decimal import ROUND_HALF_UP, Decimal

# The share of each carrier's delivered energy that goes to space heating (and so depends on the
# weather). A documented assumption, the same for every building; cooling is not corrected.
HEATING_SHARE = {
    "electricity": Decimal("0.5"), "district_heating": Decimal("0.9"), "district_cooling": Decimal("0"),
    "bio": Decimal("0.9"), "oil": Decimal("0.9"), "gas": Decimal("0.9"), "heat_pump": Decimal("0.9"),
    "other": Decimal("0.5"),
}

ONE = Decimal("0.1")


def correction_factor(degree_days, normal):
    """normal / actual degree days of a year (None when the year is not complete or has none)."""
    if not degree_days or normal is None:
        return None
    return Decimal(normal) / Decimal(degree_days)


def corrected_kwh(kwh_by_carrier: dict, factor) -> Decimal | None:
    """The year's energy with its temperature-dependent share scaled by `factor` (None: no correction)."""
    if factor is None:
        return None
    total = Decimal(0)
    for carrier, kwh in kwh_by_carrier.items():
        share = HEATING_SHARE.get(carrier, HEATING_SHARE["other"])
        total += Decimal(kwh) * (1 - share) + Decimal(kwh) * share * factor
    return total


def intensity(kwh, area) -> Decimal | None:
    """kWh per m² with one decimal (None without an area or without energy)."""
    if kwh is None or not area:
        return None
    return (Decimal(kwh) / Decimal(area)).quantize(ONE, ROUND_HALF_UP)


def target_intensity(base, base_year, year, percent) -> Decimal | None:
    """The target kWh/m² of `year`: the base year's intensity less `percent` per year, compounded."""
    if base is None or year < base_year:
        return None
    factor = (1 - Decimal(percent) / 100) ** (year - base_year)
    return (Decimal(base) * factor).quantize(ONE, ROUND_HALF_UP)


def change_percent(now, before) -> Decimal | None:
    """The change from `before` to `now` in per cent, one decimal (negative = less energy)."""
    if now is None or not before:
        return None
    return ((Decimal(now) - Decimal(before)) / Decimal(before) * 100).quantize(ONE, ROUND_HALF_UP)
