"""Demo data for reuse: ~6 500 furniture items across Storvik's six old office locations (the
inventory behind moving 43 services into the renovated town hall with ~80 % reused furniture),
200 pre-printed unassigned labels, and reuse roles for the demo users."""

import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from torg.accounts.models import Membership
from torg.core import audit
from torg.core.ids import format_sequence, new_public_code
from torg.core.photos import random_name
from torg.core.sequences import next_number
from torg.places.models import Room

from .models import Category, Item, ItemPhoto, Label, Product, ProductPhoto, ReuseRole, Status
from .states import ITEM_MACHINE

TARGET_ITEMS = 6500
NO_FURNITURE = (Room.Function.TOILET, Room.Function.TECHNICAL, Room.Function.CORRIDOR)

# category key → list of (manufacturer, model, colour, material, W, D, H, weight, price), share of items
PRODUCTS = {
    "task_chair": ([
        ("HÅG", "Capisco 8106", "Svart", "Plast/stoff", 50, 50, 110, 14, 7900),
        ("HÅG", "H05 5200", "Grå", "Stoff", 48, 48, 105, 15, 8400),
        ("Kinnarps", "Capella 6000", "Svart", "Stoff", 50, 50, 100, 16, 6500),
        ("RH", "Logic 400", "Blå", "Ull", 50, 52, 110, 18, 9800),
        ("Savo", "Maxi", "Svart", "Skinn", 52, 50, 115, 17, 7200),
    ], 26),
    "side_chair": ([
        ("Fora Form", "Kroken", "Bjørk", "Tre", 45, 50, 80, 5, 2900),
        ("Stokke", "Amble", "Eik", "Tre", 46, 50, 81, 6, 3400),
        ("Ikea", "Adde", "Hvit", "Plast", 39, 47, 77, 3, 200),
    ], 16),
    "desk": ([
        ("Kinnarps", "E-skrivebord 160", "Bjørk", "Laminat", 160, 80, 72, 35, 5200),
        ("EFG", "Flex 140", "Hvit", "Laminat", 140, 80, 72, 32, 4600),
    ], 9),
    "sit_stand_desk": ([
        ("Kinnarps", "Oberon 160", "Hvit", "Laminat/stål", 160, 80, 120, 48, 11900),
        ("Ergoline", "Elevate 180", "Eik", "Finér/stål", 180, 80, 120, 52, 13900),
    ], 14),
    "tabletop": ([("Ergoline", "Bordplate 160", "Hvit", "Laminat", 160, 80, 3, 20, 2900)], 2),
    "desk_frame": ([("Conset", "501-33", "Sølv", "Stål", 150, 70, 120, 25, 5900)], 2),
    "meeting_table": ([
        ("Fora Form", "Spin 240", "Eik", "Finér", 240, 110, 72, 60, 14500),
        ("Kinnarps", "Rebus 120", "Hvit", "Laminat", 120, 120, 72, 28, 6200),
    ], 5),
    "storage": ([
        ("Kinnarps", "Skuffeseksjon 3", "Hvit", "Stål", 43, 58, 60, 30, 3200),
        ("EFG", "Pedestal", "Grå", "Stål", 40, 55, 58, 28, 2800),
    ], 11),
    "cabinet": ([("Kinnarps", "Skap 4H", "Bjørk", "Laminat", 80, 44, 160, 55, 6400)], 4),
    "shelf": ([("Ikea", "Billy", "Hvit", "Sponplate", 80, 28, 202, 30, 700),
               ("Lammhults", "Reol 5H", "Eik", "Finér", 90, 35, 190, 40, 5200)], 4),
    "sofa": ([("Varier", "Sofa 2-seter", "Grønn", "Ull", 160, 85, 80, 37, 18900)], 1),
    "screen": ([("Abstracta", "Skjerm 120", "Grå", "Filt", 120, 5, 150, 8, 4200)], 3),
    "whiteboard": ([("Lintex", "Mood 150", "Hvit", "Glass", 150, 2, 100, 12, 3900)], 1),
    "monitor_arm": ([("Ergotron", "LX", "Sølv", "Aluminium", 10, 60, 40, 3, 1900)], 2),
}
# A few products carry their own footprint from an EPD (illustrative demo values, not real EPDs); the
# others are counted with the category's default factor from the impact factor library.
EPD = {
    ("HÅG", "Capisco 8106"): {"co2e_kg": Decimal("72"), "co2e_source": "EPD (demoverdi) – HÅG Capisco"},
    ("Kinnarps", "Oberon 160"): {"co2e_kg": Decimal("148"), "co2e_source": "EPD (demoverdi) – Kinnarps Oberon"},
    ("Fora Form", "Kroken"): {"co2e_kg": Decimal("19"), "co2e_source": "EPD (demoverdi) – Fora Form Kroken"},
}
# About 87 % of the survey is usable stock for the move (in use, marked for relocation or available),
# which is what lets the furnishing plan reuse ~5 200 own pieces.
STATUS_WEIGHTS = [
    (Status.IN_USE, 60), (Status.FOR_RELOCATION, 17), (Status.AVAILABLE, 10), (Status.FOR_REPAIR, 4),
    (Status.FOR_RECYCLING, 4), (Status.RESERVED, 3), (Status.DISPOSED, 2),
]
CONDITION_WEIGHTS = [(0, 10), (1, 48), (2, 31), (3, 11)]
PLACEMENTS = ["", "", "", "ved vinduet", "langs veggen", "bak døra", "i hjørnet", "ved tavla", "midt i rommet",
              "rad 1", "rad 2", "på lageret"]
DAMAGE = ["Slitt trekk", "Riper i bordplaten", "Løs armlene", "Defekt gasspatron", "Flekker på setet",
          "Knekt hjul", "Skjev ramme"]


COLOURS = {"Svart": (40, 40, 40), "Grå": (140, 140, 145), "Blå": (40, 80, 160), "Bjørk": (222, 196, 150),
           "Eik": (190, 150, 100), "Hvit": (245, 245, 240), "Sølv": (190, 190, 200), "Grønn": (70, 120, 80)}


def _product_photo(product):
    """A small generated picture (no downloads): the product's outline in its colour, with its name."""
    img = Image.new("RGB", (480, 360), (236, 238, 240))
    draw = ImageDraw.Draw(img)
    fill = COLOURS.get(product.colour, (120, 120, 120))
    key = product.category.key
    if key in ("task_chair", "side_chair"):
        draw.rectangle((170, 60, 310, 170), fill=fill, outline=(30, 30, 30), width=3)  # back
        draw.rectangle((160, 170, 320, 210), fill=fill, outline=(30, 30, 30), width=3)  # seat
        draw.line((240, 210, 240, 290), fill=(30, 30, 30), width=8)
        draw.line((180, 300, 300, 300), fill=(30, 30, 30), width=8)
    elif key in ("storage", "cabinet", "shelf", "locker"):
        draw.rectangle((170, 50, 310, 300), fill=fill, outline=(30, 30, 30), width=3)
        for y in (110, 170, 230):
            draw.line((170, y, 310, y), fill=(30, 30, 30), width=3)
    else:
        draw.rectangle((70, 120, 410, 150), fill=fill, outline=(30, 30, 30), width=3)  # top
        draw.line((100, 150, 100, 290), fill=(30, 30, 30), width=8)
        draw.line((380, 150, 380, 290), fill=(30, 30, 30), width=8)
    draw.text((16, 326), f"{product.manufacturer} {product.model_name}", fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    name = default_storage.save(random_name(f"reuse/{product.tenant_id}/products"), ContentFile(buf.getvalue()))
    return name, img.size


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def load(ctx):
    rng = random.Random(ctx.seed + 30)
    tenant = ctx.main
    admin = ctx.users["admin"]
    categories = {c.key: c for c in Category.objects.filter(tenant=tenant)}

    products, shares = [], []
    for key, (variants, share) in PRODUCTS.items():
        category = categories[key]
        for manufacturer, model, colour, material, w, d, h, weight, price in variants:
            products.append(Product(
                tenant=tenant, category=category, manufacturer=manufacturer, model_name=model, colour=colour,
                material=material, width_cm=w, depth_cm=d, height_cm=h, weight_kg=Decimal(weight),
                new_price_nok=Decimal(price), **EPD.get((manufacturer, model), {}),
            ))
            shares.append(share / len(variants))
    Product.objects.bulk_create(products)
    audit.record_many(actor=admin, tenant=tenant, objs=products, action=lambda o: audit.code(o, "create"))

    rooms_by_building = {}
    furnishable = {}
    for room in Room.objects.filter(building__in=ctx.old_offices, archived=False).order_by("building_id", "number"):
        rooms_by_building.setdefault(room.building_id, []).append(room)
        if room.function not in NO_FURNITURE:
            furnishable.setdefault(room.building_id, []).append(room)
    # Items per location in proportion to its area.
    offices = list(ctx.old_offices)
    total_area = sum(float(b.gross_area or 1) for b in offices)
    quotas = [round(TARGET_ITEMS * float(b.gross_area or 1) / total_area) for b in offices]
    quotas[0] += TARGET_ITEMS - sum(quotas)

    first = next_number(tenant, "M", TARGET_ITEMS)
    items = []
    for building, quota in zip(offices, quotas, strict=True):
        rooms = rooms_by_building.get(building.pk, [])
        for _i in range(quota):
            product = rng.choices(products, weights=shares)[0]
            room = rng.choice(rooms) if rooms and rng.random() < 0.95 else None
            if room is not None and room.function in NO_FURNITURE:
                # Furniture stands where it is used or stored, never in toilets, technical rooms or
                # corridors: the next such room instead (no extra draw, so the rest of the demo stays).
                usable = furnishable[building.pk]
                room = usable[rooms.index(room) % len(usable)]
            condition = _pick(rng, CONDITION_WEIGHTS)
            items.append(Item(
                tenant=tenant, code=new_public_code(), number=format_sequence("M", first + len(items)),
                product=product, building=building, room=room, placement_text=rng.choice(PLACEMENTS),
                condition=condition, damage_description=rng.choice(DAMAGE) if condition >= 2 and rng.random() < 0.6
                else "", status=_pick(rng, STATUS_WEIGHTS),
            ))
    Item.objects.bulk_create(items, batch_size=1000)
    # Components: as in Vestland's survey, tabletops and frames of sit-stand desks were registered as
    # items of their own; link those to a sit-stand desk in the same building.
    desks = {}
    for item in items:
        if item.product.category.key == "sit_stand_desk":
            desks.setdefault(item.building_id, []).append(item)
    parts = [i for i in items if i.product.category.key in ("tabletop", "desk_frame") and desks.get(i.building_id)]
    for part in parts:
        part.parent = rng.choice(desks[part.building_id])
    Item.objects.bulk_update(parts, ["parent"], batch_size=1000)
    audit.record_many(actor=admin, tenant=tenant, objs=items, action="item_create",
                      comment="Registrert i kartleggingen", changes={"status": [None, Status.IN_USE]})
    # Status history along the item machine (disposed items went via "for recycling"): one entry per step.
    steps = {}
    for item in items:
        path = [Status.IN_USE]
        if item.status == Status.DISPOSED:
            path.append(Status.FOR_RECYCLING)
        if item.status != Status.IN_USE:
            path.append(item.status)
        for step in zip(path, path[1:]):
            steps.setdefault(step, []).append(item)
    for (before, after), group in steps.items():
        audit.record_many(actor=admin, tenant=tenant, objs=group,
                          action=ITEM_MACHINE.action(ITEM_MACHINE.get(before, after).verb),
                          comment="Planlegging av flytting til nye Storvik rådhus",
                          changes={"status": [before, after]})

    # Photos generated locally: one picture per product, as its catalogue photo and on about a fifth
    # of its items.
    pictures = {p.pk: _product_photo(p) for p in products}
    ProductPhoto.objects.bulk_create([ProductPhoto(tenant=tenant, product=p, image=pictures[p.pk][0],
                                                   width=pictures[p.pk][1][0], height=pictures[p.pk][1][1])
                                      for p in products])
    ItemPhoto.objects.bulk_create(
        [ItemPhoto(tenant=tenant, item=item, image=pictures[item.product_id][0], width=pictures[item.product_id][1][0],
                   height=pictures[item.product_id][1][1]) for item in items if rng.random() < 0.2],
        batch_size=2000)

    labels = [Label(tenant=tenant, code=new_public_code(), batch=next_number(tenant, "reuse-label-batch"))]
    labels += [Label(tenant=tenant, code=new_public_code(), batch=labels[0].batch) for _i in range(199)]
    Label.objects.bulk_create(labels)

    # Reuse roles: the employee is a surveyor; the property manager is a location manager by role.
    ansatt = Membership.objects.filter(user=ctx.users["ansatt"], tenant=tenant).first()
    if ansatt is not None:
        ReuseRole.objects.create(tenant=tenant, membership=ansatt, role=ReuseRole.Role.SURVEYOR)
    ctx.reuse_items = len(items)
