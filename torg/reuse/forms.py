"""Forms of the reuse inventory (built for a phone in a building)."""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from torg.core.forms import TorgForm, TorgModelForm
from torg.places.models import Building, Room

from .labels import LAYOUTS
from .models import MARKET_STATUSES, Category, Condition, Product, ReuseRole, Status
from .queries import item_by_number
from .services import MAX_LABEL_BATCH, MAX_REGISTER_COUNT
from .states import ITEM_MACHINE, MANUAL_TARGETS

NEW_ITEM_STATUSES = [(v, label) for v, label in Status.choices if v not in (Status.DISPOSED, Status.ORDERED, Status.GIVEN_AWAY)]


def room_choices(tenant, building_id):
    """Rooms of a building grouped by floor, for <optgroup>s."""
    choices = [("", _("No particular room"))]
    if not building_id:
        return choices
    groups = {}
    rooms = Room.objects.filter(tenant=tenant, building_id=building_id, archived=False).select_related("floor") \
        .order_by("floor__level", "number")
    for room in rooms:
        groups.setdefault(str(room.floor), []).append((str(room.pk), str(room)))
    return choices + list(groups.items())


def product_queryset(tenant, category_id=None):
    """The tenant's active products, of one category when it is known."""
    qs = Product.objects.filter(tenant=tenant, archived=False).select_related("category")
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.order_by("category__sort_order", "manufacturer", "model_name", "colour", "pk")


class LocationMixin:
    """A building select and a room select whose options follow the building (HTMX)."""

    def setup_location(self, tenant, building_id):
        self.tenant = tenant
        self.fields["building"].queryset = Building.objects.filter(tenant=tenant, archived=False).order_by("name")
        self.fields["room"].choices = room_choices(tenant, building_id)
        self.fields["building"].widget.attrs.update({
            "hx-get": reverse("reuse:room_options"), "hx-target": "#id_room", "hx-swap": "innerHTML",
            "hx-trigger": "change",
        })

    def clean_room(self):
        value = self.cleaned_data.get("room")
        if not value:
            return None
        room = Room.objects.filter(tenant=self.tenant, pk=value).select_related("building").first()
        if room is None:
            raise forms.ValidationError(_("Choose a room from the list."))
        return room

    def clean(self):
        data = super().clean()
        room, building = data.get("room"), data.get("building")
        if room is not None and building is not None and room.building_id != building.pk:
            self.add_error("room", _("The room is not in the selected building."))
        return data


class RegisterForm(LocationMixin, TorgForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.ChoiceField(label=_("Room"), required=False)
    placement_text = forms.CharField(label=_("Placement in the room"), required=False, max_length=200,
                                     help_text=_("E.g. “by the window, left”. Searchable."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    product = forms.ModelChoiceField(label=_("Known product"), queryset=Product.objects.none(), required=False,
                                     help_text=_("Pick a product registered before, or describe it below."))
    manufacturer = forms.CharField(label=_("Manufacturer"), required=False, max_length=100)
    model_name = forms.CharField(label=_("Model"), required=False, max_length=150)
    colour = forms.CharField(label=_("Colour"), required=False, max_length=60)
    condition = forms.TypedChoiceField(label=_("Condition"), choices=Condition.choices, coerce=int,
                                       initial=Condition.GOOD)
    damage_description = forms.CharField(label=_("Damage description"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=NEW_ITEM_STATUSES, initial=Status.IN_USE)
    count = forms.IntegerField(label=_("Number of identical items"), min_value=1, max_value=MAX_REGISTER_COUNT,
                               initial=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    claim_code = forms.CharField(label=_("Pre-printed label code"), required=False, max_length=32,
                                 help_text=_("Type or scan the code on a pre-printed label to use it for this item."),
                                 widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    parent = forms.CharField(label=_("Part of item (number)"), required=False, max_length=16,
                             help_text=_("For a component, e.g. the frame of a sit-stand desk: the whole's number, "
                                         "e.g. M-000123."))

    def __init__(self, *args, tenant, building_id=None, category_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_location(tenant, building_id)
        self.fields["category"].queryset = Category.objects.filter(tenant=tenant, archived=False)
        # The known products follow the category (HTMX), so the list stays short on a phone.
        self.fields["product"].queryset = product_queryset(tenant, category_id)
        self.fields["category"].widget.attrs.update({
            "hx-get": reverse("reuse:product_options"), "hx-target": "#id_product", "hx-swap": "innerHTML",
            "hx-trigger": "change",
        })

    def clean(self):
        data = super().clean()
        product, category = data.get("product"), data.get("category")
        if product is not None and category is not None and product.category_id != category.pk:
            self.add_error("product", _("The product is in another category."))
        if data.get("parent"):
            parent = item_by_number(tenant=self.tenant, number=data["parent"])
            if parent is None:
                self.add_error("parent", _("No item with this number."))
            data["parent"] = parent
        else:
            data["parent"] = None
        if data.get("claim_code") and (data.get("count") or 1) > 1:
            self.add_error("claim_code", _("A pre-printed label can be claimed for one item only."))
        return data


class EditForm(LocationMixin, TorgForm):
    condition = forms.TypedChoiceField(label=_("Condition"), choices=Condition.choices, coerce=int)
    damage_description = forms.CharField(label=_("Damage description"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.ChoiceField(label=_("Room"), required=False)
    placement_text = forms.CharField(label=_("Placement in the room"), required=False, max_length=200)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    photo = forms.FileField(label=_("Add a photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def __init__(self, *args, tenant, item, user, building_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_location(tenant, building_id or item.building_id)
        allowed = {item.status, *(t.target for t in ITEM_MACHINE.available(item, user))}
        if item.status in MARKET_STATUSES:
            self.fields["status"].help_text = _("The marketplace holds the item: withdraw the listing or finish the "
                                                "order there to change its status.")
        self.fields["status"].choices = [(v, label) for v, label in Status.choices if v in allowed]


class StatusForm(TorgForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=[
        (v, label) for v, label in Status.choices if v in MANUAL_TARGETS])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500,
                              help_text=_("Saved in the history of every selected item."))


class MoveForm(LocationMixin, TorgForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.ChoiceField(label=_("Room"), required=False)
    placement_text = forms.CharField(label=_("Placement in the room"), required=False, max_length=200)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)

    def __init__(self, *args, tenant, building_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_location(tenant, building_id)


class LabelBatchForm(TorgForm):
    count = forms.IntegerField(label=_("Number of new codes"), min_value=1, max_value=MAX_LABEL_BATCH, initial=24)
    layout = forms.ChoiceField(label=_("Label sheet"), choices=[(k, v.title) for k, v in LAYOUTS.items()])
    start = forms.IntegerField(label=_("Start at label position"), min_value=1, max_value=24, required=False,
                               help_text=_("For a sheet that is partly used: the first free label, counted row by "
                                           "row from the top left (1)."))


class ImportForm(TorgForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class ReuseRoleForm(TorgForm):
    role = forms.ChoiceField(label=_("Reuse role"), required=False)
    buildings = forms.ModelMultipleChoiceField(
        label=_("Locations (for a location manager)"), queryset=Building.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Default for the member's role"))] + list(ReuseRole.Role.choices)
        self.fields["buildings"].queryset = Building.objects.filter(tenant=tenant, archived=False).order_by("name")


class ProductForm(TorgModelForm):
    photo = forms.FileField(label=_("Add a photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    class Meta:
        model = Product
        fields = ["category", "manufacturer", "model_name", "colour", "material", "width_cm", "depth_cm", "height_cm",
                  "weight_kg", "new_price_nok", "co2e_kg", "co2e_source", "description"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        # An archived category stays selectable for the products that already have it.
        self.fields["category"].queryset = Category.objects.filter(
            Q(archived=False) | Q(pk=self.instance.category_id), tenant=tenant)


class CategoryForm(TorgModelForm):
    class Meta:
        model = Category
        fields = ["name", "default_weight_kg", "sort_order"]
