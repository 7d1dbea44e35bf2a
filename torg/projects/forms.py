import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import OrgUnit, User
from torg.core.forms import TorgForm, TorgModelForm
from torg.places.models import Building, Property

from . import queries
from .models import (MANDATE_SECTIONS, MONEY, Benefit, Decision, Gate, GateItem, Phase, ItemKind, Milestone, Project, Risk,
                     StatusReport)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _members(tenant):
    return User.objects.filter(memberships__tenant=tenant, memberships__is_active=True,
                               memberships__role__in=["admin", "property_manager", "employee"]).order_by(
        "first_name", "last_name", "username").distinct()


MULTI_HELP = _("Hold Ctrl (or Cmd) to choose more than one.")


class ProjectForm(TorgModelForm):
    class Meta:
        model = Project
        fields = ["name", "model", "description", "is_programme", "programme", "owner", "manager", "steering_group",
                  "responsible_unit", "finance_number", "cost_frame", "steering_frame", "starts_on", "ends_on",
                  "properties", "buildings", "processes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "starts_on": DateInput(),
                   "ends_on": DateInput()}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["model"]
        else:
            self.fields["model"].queryset = queries.models_for_new_projects(tenant=tenant)
        programmes = queries.programmes(tenant=tenant)
        if self.instance.pk:
            programmes = programmes.exclude(pk=self.instance.pk)
        self.fields["programme"].queryset = programmes
        for name in ("owner", "manager", "steering_group"):
            self.fields[name].queryset = _members(tenant)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name")
        self.fields["properties"].queryset = Property.objects.filter(tenant=tenant, archived=False).order_by("gnr", "bnr")
        self.fields["buildings"].queryset = Building.objects.filter(tenant=tenant, archived=False).order_by("name")
        self.fields["processes"].queryset = queries.process_choices(tenant=tenant)
        for name in ("steering_group", "properties", "buildings", "processes"):
            self.fields[name].help_text = MULTI_HELP

    def save(self, commit=True):  # the services write; the view passes cleaned_data to them
        raise NotImplementedError


class PortfolioFilterForm(TorgForm):
    search = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    model = forms.ChoiceField(label=_("Project model"), required=False)
    phase = forms.ChoiceField(label=_("Phase"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Project.Status.choices)
        keys = {m.key: m.name for m in queries.model_list(tenant=tenant)}
        self.fields["model"].choices = [("", _("All"))] + sorted(keys.items(), key=lambda kv: kv[1])
        self.fields["phase"].choices = [("", _("All"))] + [(n, n) for n in queries.phase_names(tenant=tenant)]


class DocumentForm(TorgForm):
    """The mandate or project plan, one field per section of the template."""

    def __init__(self, *args, initial_sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in MANDATE_SECTIONS:
            self.fields[key] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                               initial=(initial_sections or {}).get(key, ""))

    def sections(self):
        return {key: self.cleaned_data.get(key, "") for key, _label in MANDATE_SECTIONS}


class ItemMeetForm(TorgForm):
    evidence = forms.CharField(label=_("How it is met"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    link = forms.URLField(label=_("Link to the document"), required=False, assume_scheme="https")


class WaiveForm(TorgForm):
    reason = forms.CharField(label=_("Reason for the waiver"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(TorgForm):
    """One outcome of a decision; the date, minutes and what it releases for a decision taken."""

    status = forms.ChoiceField(choices=Decision.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    minutes_url = forms.URLField(label=_("Minutes or document (link)"), required=False, assume_scheme="https")
    released_amount = forms.DecimalField(label=_("Money released (NOK)"), required=False, min_value=0,
                                         max_digits=MONEY["max_digits"], decimal_places=0)
    released_mandate = forms.CharField(label=_("Mandate released"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(TorgForm):
    status = forms.ChoiceField(choices=Project.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False)


class ModelCopyForm(TorgForm):
    name = forms.CharField(label=_("Name of the copy"), max_length=200)


class PhaseForm(TorgModelForm):
    class Meta:
        model = Phase
        fields = ["name", "description", "line_owned"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def save(self, commit=True):
        raise NotImplementedError


class GateForm(TorgModelForm):
    class Meta:
        model = Gate
        fields = ["name", "body", "releases"]
        widgets = {"releases": forms.Textarea(attrs={"rows": 2})}

    def save(self, commit=True):
        raise NotImplementedError


class GateItemForm(TorgModelForm):
    class Meta:
        model = GateItem
        fields = ["kind", "text", "document_kind", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ItemKind.choices

    def save(self, commit=True):
        raise NotImplementedError


# --- Follow-up --------------------------------------------------------------------------------
def _months(today, n=24):
    month = today.replace(day=1)
    choices = []
    for _i in range(n):
        choices.append((month.isoformat(), date_format(month, "F Y")))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return choices


class StatusReportForm(TorgModelForm):
    period = forms.TypedChoiceField(label=_("Month"), coerce=dt.date.fromisoformat)

    class Meta:
        model = StatusReport
        fields = ["period", "overall", "schedule", "cost", "scope", "risk", "benefits", "comment", "milestones",
                  "spent", "forecast"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3}), "milestones": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _months(timezone.localdate())

    def save(self, commit=True):
        raise NotImplementedError


class RiskForm(TorgModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "probability", "consequence", "owner", "measures", "residual_probability",
                  "residual_consequence", "review_on", "closed"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "measures": forms.Textarea(attrs={"rows": 2}),
                   "review_on": DateInput()}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(tenant)

    def save(self, commit=True):
        raise NotImplementedError


class DependencyForm(TorgForm):
    depends_on = forms.ModelChoiceField(label=_("Depends on"), queryset=Project.objects.none())
    description = forms.CharField(label=_("What it needs"), max_length=300, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = queries.other_projects(project=project)


class BenefitForm(TorgModelForm):
    class Meta:
        model = Benefit
        fields = ["title", "indicator", "unit", "baseline", "target", "owner", "owner_unit", "next_measurement_on",
                  "target_on"]
        widgets = {"next_measurement_on": DateInput(), "target_on": DateInput()}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(tenant)
        self.fields["owner_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name")

    def save(self, commit=True):
        raise NotImplementedError


class MeasurementForm(TorgForm):
    measured_on = forms.DateField(label=_("Measured"), widget=DateInput())
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class MilestoneForm(TorgModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on", "comment"]
        widgets = {"due_on": DateInput(), "reached_on": DateInput()}

    def save(self, commit=True):
        raise NotImplementedError


class ImportForm(TorgForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
