"""Forms of the marketplace."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import OrgUnit, Tenant
from torg.core.forms import TorgForm
from torg.core.ids import normalize_public_code
from torg.places.models import Building
from torg.reuse.forms import LocationMixin
from torg.reuse.models import Item

from .models import DeliveryMethod
from .services import MAX_LISTING_ITEMS, MAX_MESSAGE_LENGTH


def limit(field, maximum, help_text):
    """Cap an integer field at `maximum` (validator, the input's max and a help text)."""
    field.max_value = maximum
    field.validators.append(MaxValueValidator(maximum))
    field.widget.attrs["max"] = maximum
    field.help_text = help_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ListingForm(TorgForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LISTING_ITEMS)
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What a buyer should know: dimensions, defects, how to collect. Write no "
                                              "personal data: the public may see the listing."))
    available_from = forms.DateField(label=_("Available from"), widget=DateInput(),
                                     help_text=_("The listing is published on this day."))
    available_until = forms.DateField(label=_("Available until"), required=False, widget=DateInput(),
                                      help_text=_("The listing ends after this day. Empty = until withdrawn."))
    pickup = forms.BooleanField(label=_("Can be picked up"), required=False, initial=True)
    delivery = forms.BooleanField(label=_("Can be delivered"), required=False)
    requires_approval = forms.BooleanField(label=_("Orders need my approval"), required=False)
    to_partners = forms.BooleanField(label=_("Also show to partner municipalities"), required=False, initial=True)
    to_public = forms.BooleanField(label=_("Also show to the public"), required=False)

    def __init__(self, *args, max_quantity=1, conf=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        limit(self.fields["quantity"], max_quantity, _("Up to %(n)d items.") % {"n": max_quantity})
        if editing:
            del self.fields["quantity"]
        if conf is not None and conf.partner_days is None:
            del self.fields["to_partners"]
        if conf is not None and conf.public_days is None:
            del self.fields["to_public"]

    def clean(self):
        data = super().clean()
        if not data.get("pickup") and not data.get("delivery"):
            self.add_error("pickup", _("Choose pickup, delivery or both."))
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("“Available until” cannot be before “available from”."))
        return data


class OrderForm(LocationMixin, TorgForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    delivery_method = forms.ChoiceField(label=_("Pickup or delivery"), choices=DeliveryMethod.choices,
                                        widget=forms.RadioSelect)
    building = forms.ModelChoiceField(label=_("Deliver to building"), queryset=Building.objects.none())
    room = forms.ChoiceField(label=_("Room"), choices=(),
                             help_text=_("Where the items will be used. On receipt they are moved here."))
    to_unit = forms.ModelChoiceField(label=_("For unit"), queryset=OrgUnit.objects.none(),
                                     help_text=_("The unit that will own the items."))
    note = forms.CharField(label=_("Note to the seller"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tenant, listing, available, building_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit(self.fields["quantity"], available, _("%(n)d available.") % {"n": available})
        methods = [(v, label) for v, label in DeliveryMethod.choices
                   if (v == DeliveryMethod.PICKUP and listing.pickup) or (v == DeliveryMethod.DELIVERY
                                                                           and listing.delivery)]
        self.fields["delivery_method"].choices = methods
        if len(methods) == 1:
            self.fields["delivery_method"].initial = methods[0][0]
        self.setup_location(tenant, building_id)
        self.fields["to_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name")

    def clean_room(self):
        room = super().clean_room()
        if room is None:
            raise forms.ValidationError(_("Choose the room the items are going to."))
        return room


class ReasonForm(TorgForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(TorgForm):
    body = forms.CharField(label=_("Message"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class ReceiveForm(TorgForm):
    code = forms.CharField(label=_("Scan or type the code on one of the items"), max_length=200)


class SettingsForm(TorgForm):
    unit_days = forms.IntegerField(label=_("Days for the owning unit only"), min_value=0, max_value=365,
                                   help_text=_("A new listing is first shown to the unit that owns the items; after "
                                               "this many days to the whole municipality. 0 = the whole "
                                               "municipality at once."))
    partner_days = forms.IntegerField(label=_("Days until partner municipalities"), min_value=0, max_value=365,
                                      required=False,
                                      help_text=_("Days after publication when partner municipalities see the "
                                                  "listing. Empty = never."))
    public_days = forms.IntegerField(label=_("Days until the public"), min_value=0, max_value=365, required=False,
                                     help_text=_("Days after publication when anyone can see the listing on the "
                                                 "public page. Empty = never."))
    approve_buyer_orders = forms.BooleanField(label=_("Orders by buyers need approval"), required=False,
                                              help_text=_("Orders by members with the reuse role “Buyer” wait for "
                                                          "the seller's approval."))
    partners = forms.ModelMultipleChoiceField(label=_("Partner municipalities"), queryset=Tenant.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple,
                                              help_text=_("A partnership counts when both municipalities have "
                                                          "chosen each other."))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Tenant.objects.exclude(pk=tenant.pk).order_by("name")


class SaveSearchForm(TorgForm):
    name = forms.CharField(label=_("Name of the search"), max_length=100, required=False)
    email = forms.BooleanField(label=_("Also by e-mail"), required=False, initial=True)


class GiveAwayForm(TorgForm):
    recipient = forms.ModelChoiceField(label=_("Recipient organisation"), queryset=None,
                                       help_text=_("Associations and other organisations are registered under "
                                                   "Administration → External organisations."))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, recipients, max_quantity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients
        if max_quantity is None:
            del self.fields["quantity"]
        else:
            limit(self.fields["quantity"], max_quantity, _("%(n)d available.") % {"n": max_quantity})


class GiveAwayItemsForm(TorgForm):
    items = forms.CharField(label=_("Items"), widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Item numbers (M-000123) or codes from the labels, one per line."))
    recipient = forms.ModelChoiceField(label=_("Recipient organisation"), queryset=None,
                                       help_text=_("Associations and other organisations are registered under "
                                                   "Administration → External organisations."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tenant, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["recipient"].queryset = recipients

    def clean_items(self):
        found, unknown = [], []
        for text in (t.strip() for t in self.cleaned_data["items"].replace(",", "\n").splitlines()):
            if not text:
                continue
            text = text.rstrip("/").rsplit("/q/", 1)[-1]
            code = normalize_public_code(text)
            item = (Item.objects.filter(tenant=self.tenant, code=code).first() if code else None) \
                or Item.objects.filter(tenant=self.tenant, number__iexact=text).first()
            if item is None:
                unknown.append(text)
            elif item not in found:
                found.append(item)
        if unknown:
            raise forms.ValidationError(_("No item with this number or code: %(list)s") % {"list": ", ".join(unknown)})
        if not found:
            raise forms.ValidationError(_("Enter at least one item."))
        return found
