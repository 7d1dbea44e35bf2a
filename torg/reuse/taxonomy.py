"""The maintained furniture and equipment taxonomy every tenant starts with.

Default weights and CO2e factors (kg CO2e avoided per item reused) with their sources, from the
field notes: prefer a product's own EPD where it has one.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

WRAP = "WRAP (3.0 t CO2e per t reused); Rekomo EPD NEPD-467-327-EN"
COGGIN = "Coggin 2023 impact report"
EPD_CHAIRS = "Product EPDs: 11 kg, 34.6 kg, 50.4 kg per chair"
WRAP_SOFA = "WRAP 1.45 t CO2e per t (direct reuse)"
PER_KG = "Fallback: 3.0 kg CO2e per kg (WRAP)"

# key, English name (translated), default weight kg, default CO2e kg, source
DEFAULT_CATEGORIES = [
    ("task_chair", _("Task chair"), "12", "35", WRAP),
    ("side_chair", _("Side/stacking chair"), "6.5", "35", EPD_CHAIRS),
    ("lounge_chair", _("Lounge chair"), "18", "40", PER_KG),
    ("stool", _("Stool"), "5", "15", PER_KG),
    ("desk", _("Desk"), "35", "35", COGGIN),
    ("sit_stand_desk", _("Sit-stand desk"), "45", "35", COGGIN),
    ("tabletop", _("Tabletop"), "20", "15", COGGIN),
    ("desk_frame", _("Desk frame"), "25", "20", COGGIN),
    ("meeting_table", _("Meeting table"), "28", "35", COGGIN),
    ("side_table", _("Side/coffee table"), "10", "15", PER_KG),
    ("storage", _("Storage/pedestal"), "30", "50", COGGIN),
    ("cabinet", _("Cabinet"), "45", "50", COGGIN),
    ("shelf", _("Shelf/bookcase"), "25", "40", PER_KG),
    ("locker", _("Locker"), "40", "50", PER_KG),
    ("sofa", _("Sofa"), "37", "55", WRAP_SOFA),
    ("screen", _("Screen/partition"), "8", "12", PER_KG),
    ("whiteboard", _("Whiteboard"), "12", "15", PER_KG),
    ("monitor", _("Monitor"), "5", "", ""),
    ("monitor_arm", _("Monitor arm"), "3", "", ""),
    ("lamp", _("Lamp"), "3", "", ""),
    ("coat_stand", _("Coat stand"), "5", "10", PER_KG),
    ("kitchen_appliance", _("Kitchen appliance"), "30", "", ""),
    ("other", _("Other"), "", "", ""),
]


def _dec(text):
    return Decimal(text) if text else None


def seed_categories(tenant, Category):  # noqa: N803 - the model class (also the historical one in migrations)
    """Create the default categories the tenant does not have yet; returns how many were added."""
    from django.utils import translation

    have = set(Category.objects.filter(tenant=tenant).values_list("key", flat=True))
    with translation.override("nb"):  # a Norwegian municipality's own data: names in bokmål
        names = {key: str(name) for key, name, *_rest in DEFAULT_CATEGORIES}
    rows = [
        Category(tenant=tenant, key=key, name=names[key], default_weight_kg=_dec(weight), default_co2e_kg=_dec(co2),
                 co2e_source=source, sort_order=(i + 1) * 10)
        for i, (key, name, weight, co2, source) in enumerate(DEFAULT_CATEGORIES)
        if key not in have
    ]
    Category.objects.bulk_create(rows)
    return len(rows)
