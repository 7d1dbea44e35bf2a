import datetime as dt
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import ExternalOrganisation
from torg.places.models import Building, Room
from torg.web.forms import TorgForm, TorgModelForm

from .models import BookingRules, OpeningHours, Resource

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
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = ExternalOrganisation.objects.filter(
            tenant=tenant, archived=False, representatives=user)
        if not self.fields["organisation"].queryset.exists():
            del self.fields["organisation"]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(24))

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            data["start"] = dt.datetime.combine(data["date"], data["start_time"], OSLO)
            end_day = data["date"] + dt.timedelta(days=1) if data["end_time"] <= data["start_time"] and \
                data["end_time"] == dt.time(0) else data["date"]
            data["end"] = dt.datetime.combine(end_day, data["end_time"], OSLO)
            if data["end"] <= data["start"]:
                raise ValidationError({"end_time": _("The end must be after the start.")})
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
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)


class RulesForm(TorgModelForm):
    class Meta:
        model = BookingRules
        fields = ["allow_citizens", "allow_associations", "allow_units", "allow_employees", "requires_approval",
                  "window_days", "min_minutes", "max_minutes", "step_minutes", "buffer_before", "buffer_after",
                  "cancel_deadline_hours", "checkin_minutes", "capacity", "age_limit", "step_free", "description",
                  "accessibility_info"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "accessibility_info": forms.Textarea(attrs={"rows": 2})}


class ResourceForm(RulesForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none())
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False,
                                  help_text=_("The room in the places register, if any."))
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=Resource.objects.none(), required=False,
                                    help_text=_("For a part of a divisible room: the whole room."))

    field_order = ["name", "kind", "building", "room", "parent"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
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
