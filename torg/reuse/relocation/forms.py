"""Forms of the furnishing plans; choices are limited to the tenant's (and plan's) rows, and the
services check again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import ExternalOrganisation, OrgUnit
from torg.core.forms import TorgForm
from torg.places.models import Building
from torg.reuse.models import Category, Condition, Product

from .models import MAX_NEED_QUANTITY, Line, PurchaseRequest


def _buildings(tenant):
    return Building.objects.filter(tenant=tenant, archived=False).order_by("name")


def _products(tenant):
    return Product.objects.filter(tenant=tenant, archived=False).select_related("category") \
        .order_by("category__sort_order", "manufacturer", "model_name", "pk")


def _check_product_category(form, data):
    product, category = data.get("product"), data.get("category")
    if product is not None and category is not None and product.category_id != category.pk:
        form.add_error("product", _("The product is not in the category %(category)s.") % {"category": category.name})


class PlanForm(TorgForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    building = forms.ModelChoiceField(label=_("Target building"), queryset=Building.objects.none())
    target_reuse_percent = forms.IntegerField(label=_("Target reuse share %"), min_value=0, max_value=100, initial=80,
                                              help_text=_("Share of the need to cover with reused furniture (own "
                                                          "and bought used)."))
    source_buildings = forms.ModelMultipleChoiceField(
        label=_("Locations being vacated"), queryset=Building.objects.none(), required=False,
        help_text=_("Items in use at these locations count as stock for the plan: they move with the services."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, tenant, building_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = _buildings(tenant)
        self.fields["source_buildings"].queryset = _buildings(tenant)
        self.fields["source_buildings"].widget.attrs["size"] = 8
        if building_locked:
            self.fields["building"].disabled = True
            self.fields["building"].help_text = _("The target building cannot change once the plan has needs.")


class NeedForm(TorgForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_NEED_QUANTITY, initial=1)
    min_width_cm = forms.IntegerField(label=_("Min. width cm"), min_value=0, max_value=10000, required=False)
    max_width_cm = forms.IntegerField(label=_("Max. width cm"), min_value=0, max_value=10000, required=False)
    min_depth_cm = forms.IntegerField(label=_("Min. depth cm"), min_value=0, max_value=10000, required=False)
    max_depth_cm = forms.IntegerField(label=_("Max. depth cm"), min_value=0, max_value=10000, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=60, required=False)
    max_condition = forms.TypedChoiceField(
        label=_("Worst acceptable condition"), coerce=int, empty_value=None, required=False,
        choices=[("", _("Any"))] + list(Condition.choices))
    product = forms.ModelChoiceField(label=_("Specific product"), queryset=Product.objects.none(), required=False,
                                     help_text=_("Only items of this product (optional)."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(tenant=tenant, archived=False) \
            .order_by("sort_order", "name")
        self.fields["product"].queryset = _products(tenant)

    def clean(self):
        data = super().clean()
        for lo, hi, field in (("min_width_cm", "max_width_cm", "max_width_cm"),
                              ("min_depth_cm", "max_depth_cm", "max_depth_cm")):
            if data.get(lo) is not None and data.get(hi) is not None and data[lo] > data[hi]:
                self.add_error(field, _("The maximum is less than the minimum."))
        _check_product_category(self, data)
        return data


class CopyNeedsForm(TorgForm):
    rooms = forms.ModelMultipleChoiceField(label=_("Copy to the rooms"), queryset=None,
                                           help_text=_("Hold Ctrl (or Cmd) to choose several rooms."))
    replace = forms.BooleanField(label=_("Replace the needs these rooms already have"), required=False)

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooms"].queryset = rooms
        self.fields["rooms"].label_from_instance = lambda r: f"{r.number} {r.name}".strip()
        self.fields["rooms"].widget.attrs["size"] = 12


class OfferForm(TorgForm):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=ExternalOrganisation.objects.none())
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("Manufacturer and model, e.g. “HÅG Capisco, refurbished”."))
    product = forms.ModelChoiceField(label=_("Product in the catalogue"), queryset=Product.objects.none(),
                                     required=False,
                                     help_text=_("When the offer is a model the catalogue has: delivered pieces get "
                                                 "its data and photos."))
    quantity = forms.IntegerField(label=_("Quantity available"), min_value=0, max_value=100_000)
    unit_price_nok = forms.DecimalField(label=_("Unit price NOK"), min_value=0, max_digits=12, decimal_places=2)
    width_cm = forms.IntegerField(label=_("Width cm"), min_value=0, max_value=10000, required=False)
    depth_cm = forms.IntegerField(label=_("Depth cm"), min_value=0, max_value=10000, required=False)
    colour = forms.CharField(label=_("Colour"), max_length=60, required=False)
    condition = forms.TypedChoiceField(label=_("Condition"), coerce=int, choices=Condition.choices,
                                       initial=Condition.GOOD)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = ExternalOrganisation.objects.filter(tenant=tenant, archived=False) \
            .order_by("-kind", "name")
        self.fields["category"].queryset = Category.objects.filter(tenant=tenant, archived=False) \
            .order_by("sort_order", "name")
        self.fields["product"].queryset = _products(tenant)

    def clean(self):
        data = super().clean()
        _check_product_category(self, data)
        return data


class OverrideForm(TorgForm):
    source = forms.ChoiceField(label=_("Where the piece comes from"), choices=Line.Source.choices,
                               widget=forms.RadioSelect)
    item = forms.CharField(label=_("Item number or code"), max_length=40, required=False,
                           help_text=_("For “Reuse own”: e.g. M-000123, or the code on the label."))
    offer = forms.ModelChoiceField(label=_("Offer"), queryset=None, required=False,
                                   help_text=_("For “Buy used”."))
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers


class ImportForm(TorgForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class DeliveryForm(TorgForm):
    code = forms.CharField(label=_("Code on the label"), max_length=80)


class PurchaseRequestForm(TorgForm):
    unit = forms.ModelChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000)
    reason = forms.CharField(label=_("What it is for"), widget=forms.Textarea(attrs={"rows": 2}))


class PurchaseDecisionForm(PurchaseRequestForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=PurchaseRequest.Decision.choices,
                                 widget=forms.RadioSelect)
    decision_reason = forms.CharField(label=_("Why the items in stock cannot be used"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("Needed when you buy although there are items in stock."))
    seen_available = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def purchase_form(cls, *args, tenant, **kwargs):
    form = cls(*args, **kwargs)
    form.fields["unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name")
    form.fields["category"].queryset = Category.objects.filter(tenant=tenant, archived=False) \
        .order_by("sort_order", "name")
    if cls is PurchaseDecisionForm:  # step 2: the request itself was given in step 1
        for name in ("unit", "category", "quantity", "reason"):
            form.fields[name].widget = forms.HiddenInput()
    return form
