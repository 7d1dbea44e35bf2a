"""The maintained furniture and equipment taxonomy every tenant starts with, with a default weight
per item (kg). The default CO2e factors (with source, year, boundary and range) are kept per
category in the impact factor library, `torg.reuse.impact`; a product's own EPD value is on the
product.
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# key, English name (translated), default weight kg
DEFAULT_CATEGORIES = [
    ("task_chair", _("Task chair"), "12"),
    ("side_chair", _("Side/stacking chair"), "6.5"),
    ("lounge_chair", _("Lounge chair"), "18"),
    ("stool", _("Stool"), "5"),
    ("desk", _("Desk"), "35"),
    ("sit_stand_desk", _("Sit-stand desk"), "45"),
    ("tabletop", _("Tabletop"), "20"),
    ("desk_frame", _("Desk frame"), "25"),
    ("meeting_table", _("Meeting table"), "28"),
    ("side_table", _("Side/coffee table"), "10"),
    ("storage", _("Storage/pedestal"), "30"),
    ("cabinet", _("Cabinet"), "45"),
    ("shelf", _("Shelf/bookcase"), "25"),
    ("locker", _("Locker"), "40"),
    ("sofa", _("Sofa"), "37"),
    ("screen", _("Screen/partition"), "8"),
    ("whiteboard", _("Whiteboard"), "12"),
    ("monitor", _("Monitor"), "5"),
    ("monitor_arm", _("Monitor arm"), "3"),
    ("lamp", _("Lamp"), "3"),
    ("coat_stand", _("Coat stand"), "5"),
    ("kitchen_appliance", _("Kitchen appliance"), "30"),
    ("other", _("Other"), ""),
]


def _dec(text):
    return Decimal(text) if text else None


def seed_categories(tenant, Category):  # noqa: N803 - the model class (also the historical one in migrations)
    """Create the default categories the tenant does not have yet; returns how many were added."""
    have = set(Category.objects.filter(tenant=tenant).values_list("key", flat=True))
    with translation.override("nb"):  # a Norwegian municipality's own data: names in bokmål
        names = {key: str(name) for key, name, *_rest in DEFAULT_CATEGORIES}
    rows = [
        Category(tenant=tenant, key=key, name=names[key], default_weight_kg=_dec(weight), sort_order=(i + 1) * 10)
        for i, (key, _name, weight) in enumerate(DEFAULT_CATEGORIES)
        if key not in have
    ]
    Category.objects.bulk_create(rows)
    return len(rows)
