"""Forms of the impact app: the report filter (GET), a factor, the deductions."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import OrgUnit
from torg.core.forms import TorgForm, TorgModelForm
from torg.places.models import Building
from torg.reuse.models import Category, ReuseRecord

from .models import Factor, ImpactSettings
from .queries import DIMENSIONS, ReportFilter

MAX_RANGE_DAYS = 366 * 20


class ReportForm(TorgForm):
    """What the report shows. Every field is optional; an empty form is the whole history."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          help_text=_("Inclusive."))
    kind = forms.ChoiceField(label=_("Kind of reuse"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.none(),
                                      empty_label=_("All"))
    building = forms.ModelChoiceField(label=_("Building"), required=False, queryset=Building.objects.none(),
                                      empty_label=_("All"), help_text=_("Reuse from or into the building."))
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=OrgUnit.objects.none(),
                                  empty_label=_("All"), help_text=_("Reuse from or to the unit."))
    by = forms.ChoiceField(label=_("Break down by"), required=False, choices=list(DIMENSIONS.items()))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All"))] + list(ReuseRecord.Kind.choices)
        self.fields["category"].queryset = Category.objects.filter(tenant=tenant).order_by("archived", "sort_order",
                                                                                           "name")
        self.fields["building"].queryset = Building.objects.filter(tenant=tenant).order_by("archived", "name")
        self.fields["unit"].queryset = OrgUnit.objects.filter(tenant=tenant).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        elif start and end and (end - start).days > MAX_RANGE_DAYS:
            self.add_error("end", _("Choose a period of at most 20 years."))
        for name in ("start", "end"):
            value = data.get(name)
            if value and not dt.date(1990, 1, 1) <= value <= dt.date(2100, 12, 31):
                self.add_error(name, _("Give a date between 1990 and 2100."))
        return data

    def report_filter(self, *, buildings=None) -> ReportFilter:
        d = self.cleaned_data if self.is_valid() else {}
        return ReportFilter(start=d.get("start"), end=d.get("end"), kind=d.get("kind") or "",
                            category_id=d["category"].pk if d.get("category") else None,
                            building_id=d["building"].pk if d.get("building") else None,
                            unit_id=d["unit"].pk if d.get("unit") else None, buildings=buildings)

    @property
    def dimension(self):
        by = self.cleaned_data.get("by") if self.is_valid() else ""
        return by if by in DIMENSIONS else "category"


class FactorForm(TorgModelForm):
    class Meta:
        model = Factor
        fields = ["basis", "co2e_kg", "co2e_low_kg", "co2e_high_kg", "default_weight_kg", "default_new_price_nok",
                  "source", "source_year", "boundary", "note"]
        widgets = {"source": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 3})}


class SettingsForm(TorgModelForm):
    class Meta:
        model = ImpactSettings
        fields = ["transport_pct", "refurbishment_pct", "cost_pct", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
