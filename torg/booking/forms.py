import datetime as dt
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import ExternalOrganisation, User
from torg.places.models import Building, Room
from torg.core.forms import TorgForm

from .models import (DETAIL_FIELDS, POLICY_FIELDS, Booking, BookingRules, MeraapentAgreement, OpeningHours, PriceRule,
                     Resource)

from .queries import OSLO


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # the browser's date input wants ISO dates


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class BookingForm(TorgForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput)
    end_time = forms.TimeField(label=_("To"), widget=TimeInput)
    title = forms.CharField(label=_("Purpose"), max_length=200, required=False,
                            help_text=_("Shown to staff, not to other users."))
    organisation = forms.ModelChoiceField(label=_("Book on behalf of"), queryset=ExternalOrganisation.objects.none(),
                                          required=False, empty_label=_("Myself"))
    responsible = forms.ModelChoiceField(
        label=_("Responsible person in meråpent hours"), queryset=User.objects.none(), required=False,
        empty_label=_("Me"),
        help_text=_("For an organisation's booking outside staffed hours: someone from the organisation who has "
                    "signed the meråpent agreement for the building."))
    for_unit = forms.BooleanField(label=_("Book for my unit"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, tenant, resource=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        if unit is None:
            del self.fields["for_unit"]
        else:
            self.fields["for_unit"].label = _("Book for my unit (%(unit)s)") % {"unit": unit.name}
        self.fields["organisation"].queryset = ExternalOrganisation.objects.filter(
            tenant=tenant, archived=False, representatives=user)
        if not self.fields["organisation"].queryset.exists():
            del self.fields["organisation"]
            del self.fields["responsible"]
        elif resource is not None:
            with_agreement = MeraapentAgreement.objects.filter(building=resource.building_id).values("user_id")
            self.fields["responsible"].queryset = (
                User.objects.filter(represents__in=self.fields["organisation"].queryset, pk__in=with_agreement)
                .exclude(pk=user.pk).distinct().order_by("first_name", "last_name", "username"))
            self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.username
        else:
            del self.fields["responsible"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))

    def clean(self):
        data = combine_times(super().clean())
        data["org_unit"] = self.unit if data.get("for_unit") else None
        return data


def combine_times(data):
    """date + start_time + end_time → aware start/end in Oslo time (an end of 00:00 is midnight)."""
    if data.get("date") and data.get("start_time") and data.get("end_time"):
        data["start"] = dt.datetime.combine(data["date"], data["start_time"], OSLO)
        end_day = data["date"] + dt.timedelta(days=1) if data["end_time"] == dt.time(0) else data["date"]
        data["end"] = dt.datetime.combine(end_day, data["end_time"], OSLO)
        if data["end"] <= data["start"]:
            raise ValidationError({"end_time": _("The end must be after the start.")})
    return data


SCOPES = [("this", _("Only this booking")), ("following", _("This and the following bookings in the series"))]


class MoveForm(TorgForm):
    scope = forms.ChoiceField(label=_("Change"), choices=SCOPES, widget=forms.RadioSelect, initial="this")
    date = forms.DateField(label=_("New date"), widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput)
    end_time = forms.TimeField(label=_("To"), widget=TimeInput,
                               help_text=_("Later bookings in the series move by as much and get the same length."))

    def __init__(self, *args, series=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not series:
            del self.fields["scope"]
            self.fields["end_time"].help_text = ""

    def clean(self):
        data = combine_times(super().clean())
        data.setdefault("scope", "this")
        return data


class ReasonForm(TorgForm):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


FREQUENCIES = [("weekly", _("Every week")), ("biweekly", _("Every other week")),
               ("monthly", _("Every month on the same weekday"))]


class SeriesForm(BookingForm):
    frequency = forms.ChoiceField(label=_("Repeat"), choices=FREQUENCIES)
    until = forms.DateField(label=_("Until (date)"), required=False, widget=DateInput)
    count = forms.IntegerField(label=_("Or number of times"), required=False, min_value=1, max_value=200)

    def clean(self):
        data = super().clean()
        if not data.get("until") and not data.get("count"):
            raise ValidationError(_("Give an end date or a number of times."))
        return data


class AgreementForm(TorgForm):
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput)
    accept_terms = forms.BooleanField(
        label=_("I accept the terms for using the building without staff (meråpent)"), required=True)


class FilterForm(TorgForm):
    capacity = forms.IntegerField(label=_("At least this many people"), required=False, min_value=1)
    equipment = forms.ChoiceField(label=_("Equipment"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)

    def __init__(self, *args, equipment=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].choices = [("", _("Any"))] + [(e, e) for e in equipment]
        if not equipment:
            del self.fields["equipment"]


class FreeRoomForm(FilterForm):
    """Find a free room: a date and a time (from–to), and optionally size, equipment, step-free."""

    date = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput, required=False)
    end_time = forms.TimeField(label=_("To"), widget=TimeInput, required=False)

    field_order = ["date", "start_time", "end_time", "capacity", "equipment", "step_free"]

    def clean(self):
        data = super().clean()
        parts = [data.get(f) for f in ("date", "start_time", "end_time")]
        if any(parts) and not all(parts):
            raise ValidationError(_("Give a date and both times to see which rooms are free."))
        if all(parts):
            data["start"] = dt.datetime.combine(data["date"], data["start_time"], OSLO)
            data["end"] = dt.datetime.combine(data["date"], data["end_time"], OSLO)
            if data["end"] <= data["start"]:
                self.add_error("end_time", _("The end must be after the start."))
            elif data["start"] < timezone.now():
                self.add_error("start_time", _("This time has passed. Choose a later time."))
        return data


def _field(model, name, widget=None):
    """The form field of a model field, as the model declares it (label, help text, validators)."""
    return forms.fields_for_model(model, fields=[name], widgets={name: widget} if widget else None)[name]


class DetailsForm(TorgForm):
    """What describes one resource: capacity, equipment, description, accessibility."""

    capacity = _field(Resource, "capacity")
    step_free = _field(Resource, "step_free")
    description = _field(Resource, "description", forms.Textarea(attrs={"rows": 3}))
    accessibility_info = _field(Resource, "accessibility_info", forms.Textarea(attrs={"rows": 2}))
    entrance = _field(Resource, "entrance")
    equipment = forms.CharField(label=_("Equipment"), max_length=1000, required=False,
                                help_text=_("Separate with commas, for example: projector, whiteboard, kitchen."))

    def clean_equipment(self):
        return parse_equipment(self.cleaned_data.get("equipment", ""))


class PolicyForm(TorgForm):
    """The booking policy of a building, or a resource's own (every field of POLICY_FIELDS)."""

    allow_citizens = _field(BookingRules, "allow_citizens")
    allow_associations = _field(BookingRules, "allow_associations")
    allow_units = _field(BookingRules, "allow_units")
    allow_employees = _field(BookingRules, "allow_employees")
    requires_approval = _field(BookingRules, "requires_approval")
    window_days = _field(BookingRules, "window_days")
    min_minutes = _field(BookingRules, "min_minutes")
    max_minutes = _field(BookingRules, "max_minutes")
    step_minutes = _field(BookingRules, "step_minutes")
    buffer_before = _field(BookingRules, "buffer_before")
    buffer_after = _field(BookingRules, "buffer_after")
    cancel_deadline_hours = _field(BookingRules, "cancel_deadline_hours")
    checkin_minutes = _field(BookingRules, "checkin_minutes")
    age_limit = _field(BookingRules, "age_limit")


RULE_SOURCES = [("building", _("Use the building's rules")), ("own", _("Own rules for this resource"))]


class RulesEditForm(DetailsForm, PolicyForm):
    """A resource's details and where its booking policy comes from: the building or its own rules."""

    source = forms.ChoiceField(label=_("Booking rules"), choices=RULE_SOURCES, widget=forms.RadioSelect,
                               initial="building",
                               help_text=_("With the building's rules, the fields below follow the building's "
                                           "rules and changes to them here are not saved."))

    field_order = ["capacity", "step_free", "equipment", "description", "accessibility_info", "entrance", "source",
                   *POLICY_FIELDS]

    def __init__(self, *args, resource=None, building_name="", **kwargs):
        super().__init__(*args, **kwargs)
        if building_name:
            self.fields["source"].choices = [
                ("building", _("Use the rules of %(building)s") % {"building": building_name}),
                ("own", _("Own rules for this resource"))]
        if resource is not None and not self.is_bound:
            rules = resource.rules
            self.initial.update(rules.policy())
            self.initial.update({f: getattr(resource, f) for f in DETAIL_FIELDS})
            self.initial["equipment"] = ", ".join(resource.equipment or [])
            self.initial["source"] = "building" if rules.inherited else "own"
        self.order_fields(self.field_order)


def parse_equipment(text) -> list[str]:
    """"Projector, whiteboard ,projector" → ["projector", "whiteboard"] (lower case, no repeats)."""
    seen = []
    for item in str(text or "").split(","):
        item = " ".join(item.split()).lower()[:60]
        if item and item not in seen:
            seen.append(item)
    return seen


class PhotoForm(TorgForm):
    photo = forms.ImageField(label=_("Photo"), help_text=_("JPEG or PNG. It is shrunk and location data removed."))
    alt = forms.CharField(label=_("Description of the photo"), max_length=200,
                          help_text=_("What the photo shows, for people who use a screen reader."))


class ResourceForm(RulesEditForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False,
                                  help_text=_("The room in the places register, if any."))
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=Resource.objects.none(), required=False,
                                    help_text=_("For a part of a divisible room: the whole room."))

    field_order = ["name", "kind", "building", "room", "parent", *RulesEditForm.field_order]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = _("A new resource normally follows the building's rules. Choose own rules "
                                            "to set them below.")
        self.fields["building"].queryset = Building.objects.filter(tenant=tenant, archived=False)
        self.fields["room"].queryset = Room.objects.filter(tenant=tenant, archived=False).select_related("building")
        self.fields["room"].label_from_instance = lambda r: f"{r.building.name}: {r}"
        self.fields["parent"].queryset = Resource.objects.filter(tenant=tenant, archived=False)
        self.order_fields(self.field_order)


class OpeningHoursForm(TorgForm):
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, choices=[
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday")), (6, _("Sunday"))])
    kind = forms.ChoiceField(label=_("Kind"), choices=OpeningHours.Kind.choices)
    opens = forms.TimeField(label=_("Opens"), widget=TimeInput)
    closes = forms.TimeField(label=_("Closes"), widget=TimeInput)


class OpeningExceptionForm(TorgForm):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=OpeningHours.Kind.choices)
    opens = forms.TimeField(label=_("Opens"), widget=TimeInput, required=False)
    closes = forms.TimeField(label=_("Closes"), widget=TimeInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class HolidaysForm(TorgForm):
    year = forms.IntegerField(label=_("Holidays of the year"), min_value=2000, max_value=2100)


class DoorForm(TorgForm):
    name = forms.CharField(label=_("Door name"), max_length=100)
    identifier = forms.SlugField(label=_("Identifier"), max_length=50,
                                 help_text=_("The name the lock controller uses for this door, e.g. main-entrance."))


class ControllerForm(TorgForm):
    name = forms.CharField(label=_("Controller name"), max_length=100)


QUICK_LENGTHS = [(30, _("30 minutes")), (60, _("1 hour")), (120, _("2 hours")), (240, _("4 hours")),
                 (480, _("8 hours"))]


class QuickFilterForm(TorgForm):
    """Quick booking: where, from when (now, or a time later today) and for how long."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("All buildings"))
    date = forms.DateField(label=_("Date"), widget=DateInput, required=False, help_text=_("Empty: today."))
    start_time = forms.TimeField(label=_("From"), widget=TimeInput, required=False,
                                 help_text=_("Empty: now (another day: 08:00)."))
    minutes = forms.TypedChoiceField(label=_("For"), choices=QUICK_LENGTHS, coerce=int, initial=60,
                                     required=False)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class QuickBookForm(TorgForm):
    resource = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.DateTimeField(widget=forms.HiddenInput)
    minutes = forms.IntegerField(widget=forms.HiddenInput, min_value=5, max_value=24 * 60)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_start(self):
        start = self.cleaned_data["start"]
        return start.astimezone(OSLO) if start.tzinfo else start.replace(tzinfo=OSLO)


SORT_CHOICES = [("start", _("Start, earliest first")), ("-start", _("Start, latest first")),
                ("resource", _("Resource")), ("status", _("Status")), ("booker", _("Booked by")),
                ("-created", _("Newest booking first"))]


class StaffBookingFilterForm(TorgForm):
    """Staff search of every booking: dates, status, who, where; sorting."""

    first = forms.DateField(label=_("From date"), required=False, widget=DateInput)
    last = forms.DateField(label=_("To date"), required=False, widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Booker or organisation"), required=False, max_length=100,
                        help_text=_("Name, username, e-mail, organisation or organisation number, or purpose."))
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("All buildings"))
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=Resource.objects.none(), required=False,
                                      empty_label=_("All resources"))
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, tenant, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + list(Booking.Status.choices)
        self.fields["building"].queryset = buildings
        self.fields["resource"].queryset = (Resource.objects.filter(tenant=tenant).select_related("building")
                                            .order_by("building__name", "name"))
        self.fields["resource"].label_from_instance = lambda r: f"{r.building.name}: {r.name}"

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise ValidationError({"last": _("The end date must not be before the start date.")})
        return data


WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(OpeningHours.WEEKDAYS)]


class PriceRuleForm(TorgForm):
    """A price rule for a building's resources or for one resource."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False,
                                      empty_label=_("Choose a building or a resource"),
                                      help_text=_("The price applies to every resource in the building without "
                                                  "a price of its own for the category."))
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=Resource.objects.none(), required=False,
                                      empty_label=_("Choose a building or a resource"))
    category = forms.ChoiceField(label=_("Price category"), choices=PriceRule.Category.choices)
    amount = forms.DecimalField(label=_("Amount (NOK)"), min_value=0, max_digits=10, decimal_places=2)
    unit = forms.ChoiceField(label=_("Charged"), choices=PriceRule.Unit.choices)
    weekdays = forms.MultipleChoiceField(label=_("Weekdays"), choices=WEEKDAY_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Leave empty for every day."))
    starts = forms.TimeField(label=_("From (time of day)"), required=False, widget=TimeInput)
    ends = forms.TimeField(label=_("Until (time of day)"), required=False, widget=TimeInput,
                           help_text=_("Leave both times empty for the whole day."))
    late_cancel_percent = forms.IntegerField(label=_("Share due on late cancellation (%)"), min_value=0,
                                             max_value=100, initial=100)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(
            tenant=tenant, pk__in=Resource.objects.filter(tenant=tenant).values("building_id")).order_by("name")
        self.fields["resource"].queryset = (Resource.objects.filter(tenant=tenant, archived=False)
                                            .select_related("building").order_by("building__name", "name"))
        self.fields["resource"].label_from_instance = lambda r: f"{r.building.name}: {r.name}"

    def clean(self):
        data = super().clean()
        if bool(data.get("building")) == bool(data.get("resource")):
            raise ValidationError({"resource": _("Choose a building or a resource.")})
        return data


class InvoicingForm(TorgForm):
    """The invoicing basis: a period and, optionally, one organisation."""

    first = forms.DateField(label=_("From date"), widget=DateInput)
    last = forms.DateField(label=_("To date"), widget=DateInput)
    organisation = forms.ModelChoiceField(label=_("Payer"), queryset=ExternalOrganisation.objects.none(),
                                          required=False, empty_label=_("Every payer"))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = ExternalOrganisation.objects.filter(tenant=tenant).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last"):
            if data["last"] < data["first"]:
                raise ValidationError({"last": _("The end date must not be before the start date.")})
            if (data["last"] - data["first"]).days > 366:
                raise ValidationError({"last": _("Choose a period of at most a year.")})
        return data
