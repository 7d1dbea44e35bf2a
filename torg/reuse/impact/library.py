"""The default factor library every tenant starts with (see docs/co2-factors.md for the sources).

One row per standard category key of `torg.reuse.taxonomy.DEFAULT_CATEGORIES`. Values are kg CO2e
avoided per item reused (basis per_item) or per kg of the item (per_kg), with the low/high range the
sources give. Where the sources give no category figure, the per-kg fallback is used as a proxy and
the source says so; electronics and "other" get no CO2e default (furniture factors do not fit them),
so their reuses are flagged until the municipality enters a figure.
"""

from decimal import Decimal

WRAP_CHAIR = ("WRAP: 3.0 t CO2e per t of office chairs reused; WRAP UK total 3 500 t CO2e / 295 000 chairs "
              "(≈ 12 kg per chair); Rekomo EPD NEPD-467-327-EN ≈ 100 kg per chair. Central value 35 kg.")
EPD_SIDE_CHAIR = "Product EPDs of side chairs: 11 kg, 34.6 kg and 50.4 kg CO2e per chair (a 6.46 kg chair)."
COGGIN_DESK = "Coggin 2023 impact report: 35 kg per reused desk; Coggin ranges for new desks 90–110 kg."
COGGIN_SIT_STAND = ("Coggin 2023 impact report: 35 kg per reused desk; Coggin ranges for new sit-stand desks "
                    "110–160 kg. Register top and frame separately where you can.")
COGGIN_SPLIT = ("Proxy: Coggin 2023's 35 kg per reused desk split by Torg between tabletop (15 kg) and frame "
                "(20 kg). Not a published split; replace with an EPD where one exists.")
COGGIN_TABLE = "Coggin 2023 impact report: 35 kg; WRAP: 2 800 t CO2e / 100 000 tables (≈ 28 kg per table)."
COGGIN_STORAGE = "Coggin 2023 impact report: 50 kg per storage unit/pedestal; Coggin range 40–120 kg."
COGGIN_CABINET = "Proxy: Coggin 2023's storage/pedestal figure (50 kg, range 40–120 kg) applied to cabinets."
WRAP_SOFA = "WRAP: 1.45 t CO2e per t of sofas (direct reuse); a 37 kg two-seat sofa ≈ 55 kg."
PROXY_CHAIR_KG = ("Proxy: no category figure known. WRAP's per-kg fallback for office chairs (3.0 kg CO2e per kg) "
                  "× the item's weight; the low end uses WRAP's 1.45 kg per kg for sofas.")
PROXY_FURNITURE_KG = ("Proxy: no category figure known. WRAP's lower per-kg figure (1.45 kg CO2e per kg, sofas, "
                      "direct reuse) × the item's weight; the high end uses WRAP's 3.0 kg per kg for office chairs.")
NO_DEFAULT = ("No default: the furniture factors do not apply to this category. Enter the manufacturer's product "
              "carbon footprint or EPD value.")

# key: (basis, co2e, low, high, default weight kg, source, year, boundary)
DEFAULT_FACTORS = {
    "task_chair": ("per_item", "35", "12", "100", "12", WRAP_CHAIR, None, "mixed"),
    "side_chair": ("per_item", "35", "11", "50", "6.5", EPD_SIDE_CHAIR, None, "mixed"),
    "lounge_chair": ("per_kg", "3.0", "1.45", "3.0", None, PROXY_CHAIR_KG, None, "direct_reuse"),
    "stool": ("per_kg", "3.0", "1.45", "3.0", None, PROXY_CHAIR_KG, None, "direct_reuse"),
    "desk": ("per_item", "35", "35", "110", "35", COGGIN_DESK, 2023, "mixed"),
    "sit_stand_desk": ("per_item", "35", "35", "160", "45", COGGIN_SIT_STAND, 2023, "mixed"),
    "tabletop": ("per_item", "15", None, None, None, COGGIN_SPLIT, 2023, "mixed"),
    "desk_frame": ("per_item", "20", None, None, None, COGGIN_SPLIT, 2023, "mixed"),
    "meeting_table": ("per_item", "35", "28", "35", "28", COGGIN_TABLE, 2023, "mixed"),
    "side_table": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "storage": ("per_item", "50", "40", "120", "30", COGGIN_STORAGE, 2023, "mixed"),
    "cabinet": ("per_item", "50", "40", "120", None, COGGIN_CABINET, 2023, "mixed"),
    "shelf": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "locker": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "sofa": ("per_item", "55", "37", "55", "37", WRAP_SOFA, None, "direct_reuse"),
    "screen": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "whiteboard": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "coat_stand": ("per_kg", "1.45", "1.45", "3.0", None, PROXY_FURNITURE_KG, None, "direct_reuse"),
    "monitor": ("per_item", None, None, None, None, NO_DEFAULT, None, "unknown"),
    "monitor_arm": ("per_item", None, None, None, None, NO_DEFAULT, None, "unknown"),
    "lamp": ("per_item", None, None, None, None, NO_DEFAULT, None, "unknown"),
    "kitchen_appliance": ("per_item", None, None, None, None, NO_DEFAULT, None, "unknown"),
}


def _dec(text):
    return Decimal(text) if text is not None else None


def default_fields(key):
    """The model fields of the shipped default for a category key (None when there is none)."""
    row = DEFAULT_FACTORS.get(key)
    if row is None:
        return None
    basis, co2e, low, high, weight, source, year, boundary = row
    return {"basis": basis, "co2e_kg": _dec(co2e), "co2e_low_kg": _dec(low), "co2e_high_kg": _dec(high),
            "default_weight_kg": _dec(weight), "default_new_price_nok": None, "source": source,
            "source_year": year, "boundary": boundary, "note": ""}


def seed_factors(tenant, Category, Factor):  # noqa: N803 - model classes (also the historical ones in migrations)
    """Create the shipped factors for the tenant's standard categories that have none; returns the count."""
    have = set(Factor.objects.filter(tenant=tenant).values_list("category_id", flat=True))
    rows = []
    for category in Category.objects.filter(tenant=tenant, key__in=list(DEFAULT_FACTORS)):
        if category.pk not in have:
            rows.append(Factor(tenant=tenant, category=category, **default_fields(category.key)))
    Factor.objects.bulk_create(rows)
    return len(rows)
