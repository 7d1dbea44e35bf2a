"""Forms of seasonal allocation. Applications use flat fields (three choices, two primary and two
secondary windows) so the page works without JavaScript and on a phone."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.accounts.models import ExternalOrganisation, OrgUnit
from torg.booking.forms import DateInput, TimeInput
from torg.booking.models import Resource
from torg.core.forms import DJANGO_BLANK, TorgForm

from .models import WEEKDAYS, Application, PriorityRung

WEEKDAY_CHOICES = [(n, label) for n, label in enumerate(WEEKDAYS)]
CHOICE_FIELDS = ["choice_1", "choice_2", "choice_3"]
WINDOW_FIELDS = [("w1", True), ("w2", True), ("w3", False), ("w4", False)]


class RoundForm(TorgForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    season_start = forms.DateField(label=_("Season starts"), widget=DateInput)
    season_end = forms.DateField(label=_("Season ends"), widget=DateInput)
    application_deadline = forms.DateField(label=_("Application deadline"), widget=DateInput)
    complaint_deadline = forms.DateField(label=_("Complaint deadline"), widget=DateInput, required=False)
    day_start = forms.TimeField(label=_("Earliest start"), widget=TimeInput)
    day_end = forms.TimeField(label=_("Latest end"), widget=TimeInput)
    resources = forms.ModelMultipleChoiceField(label=_("Resources"), queryset=Resource.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    rules_text = forms.CharField(label=_("Allocation rules"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("The rules of this round in words, shown to applicants."))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = (Resource.objects.filter(tenant=tenant, archived=False)
                                             .select_related("building").order_by("building__name", "name"))
        self.fields["resources"].label_from_instance = lambda r: f"{r.name} ({r.building.name})"


class LadderForm(TorgForm):
    """The priority ladder as up to six rows; an empty label drops the row."""

    ROWS = 6

    def __init__(self, *args, rungs=(), **kwargs):
        super().__init__(*args, **kwargs)
        before = set(self.fields)
        rungs = list(rungs)
        for n in range(1, self.ROWS + 1):
            rung = rungs[n - 1] if n <= len(rungs) else None
            self.fields[f"label_{n}"] = forms.CharField(
                label=_("Priority %(n)s: name") % {"n": n}, required=False, max_length=200,
                initial=rung.label if rung else "")
            self.fields[f"criterion_{n}"] = forms.ChoiceField(
                label=_("Priority %(n)s: who") % {"n": n}, choices=PriorityRung.Criterion.choices, required=False,
                initial=rung.criterion if rung else PriorityRung.Criterion.ANY)
            self.fields[f"description_{n}"] = forms.CharField(
                label=_("Priority %(n)s: rule in words") % {"n": n}, required=False,
                initial=rung.description if rung else "", widget=forms.Textarea(attrs={"rows": 2}))
        self.style_fields([n for n in self.fields if n not in before])

    def rungs(self):
        data = self.cleaned_data
        return [{"rank": n, "label": data[f"label_{n}"], "criterion": data[f"criterion_{n}"] or "any",
                 "description": data[f"description_{n}"]}
                for n in range(1, self.ROWS + 1) if data.get(f"label_{n}")]


class ApplicationForm(TorgForm):
    organisation = forms.ModelChoiceField(label=pgettext_lazy("applicant", "Organisation"),
                                          queryset=ExternalOrganisation.objects.none(), required=False)
    org_unit = forms.ModelChoiceField(label=_("Municipal unit"), queryset=OrgUnit.objects.none(), required=False,
                                      help_text=_("Staff only: apply for a municipal unit instead."))
    activity = forms.CharField(label=_("Activity"), max_length=200,
                               help_text=_("E.g. “Handball, girls 12 years”."))
    group_size = forms.IntegerField(label=_("Group size"), min_value=1, max_value=10000)
    age_group = forms.ChoiceField(label=_("Age group"), choices=Application.AgeGroup.choices)
    sessions_per_week = forms.IntegerField(label=_("Sessions per week"), min_value=1, max_value=7, initial=1)
    minutes = forms.IntegerField(label=_("Duration of a session (minutes)"), min_value=30, max_value=480,
                                 initial=90)
    frame_time = forms.BooleanField(
        label=_("Frame time for member clubs"), required=False,
        help_text=_("For umbrella bodies (e.g. the sports council): you pass the time on to your clubs."))

    def __init__(self, *args, tenant, user, rnd, staff, **kwargs):
        super().__init__(*args, **kwargs)
        before = set(self.fields)
        orgs = ExternalOrganisation.objects.filter(tenant=tenant, archived=False)
        self.fields["organisation"].queryset = orgs if staff else orgs.filter(representatives=user)
        if staff:
            self.fields["org_unit"].queryset = OrgUnit.objects.filter(tenant=tenant)
        else:
            del self.fields["org_unit"]
        resources = rnd.resources.select_related("building").order_by("building__name", "name")
        for n, name in enumerate(CHOICE_FIELDS, 1):
            self.fields[name] = forms.ModelChoiceField(
                label=_("Choice %(n)s") % {"n": n}, queryset=resources, required=n == 1,
                help_text=_("The resource you want most.") if n == 1 else "")
            self.fields[name].label_from_instance = lambda r: f"{r.name} ({r.building.name})"
        for key, primary in WINDOW_FIELDS:
            n = int(key[1:])
            kind = _("Primary window %(n)s") % {"n": n} if primary else _("Secondary window %(n)s") % {"n": n - 2}
            self.fields[f"{key}_weekday"] = forms.TypedChoiceField(
                label=_("%(window)s: weekday") % {"window": kind}, coerce=int, empty_value=None,
                choices=[("", DJANGO_BLANK)] + WEEKDAY_CHOICES, required=key == "w1")
            self.fields[f"{key}_starts"] = forms.TimeField(label=_("%(window)s: from") % {"window": kind},
                                                           widget=TimeInput, required=key == "w1")
            self.fields[f"{key}_ends"] = forms.TimeField(label=_("%(window)s: to") % {"window": kind},
                                                         widget=TimeInput, required=key == "w1")
        self.style_fields([n for n in self.fields if n not in before])

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("org_unit"):
            self.add_error("organisation", _("Choose the organisation you apply for."))
        return data

    def choices(self):
        return [self.cleaned_data[f] for f in CHOICE_FIELDS if self.cleaned_data.get(f)]

    def windows(self):
        rows = []
        for key, primary in WINDOW_FIELDS:
            d = self.cleaned_data
            if d.get(f"{key}_weekday") is not None and d.get(f"{key}_starts") and d.get(f"{key}_ends"):
                rows.append({"weekday": d[f"{key}_weekday"], "starts": d[f"{key}_starts"], "ends": d[f"{key}_ends"],
                             "primary": primary})
        return rows

    def service_kwargs(self):
        d = self.cleaned_data
        return {"organisation": d.get("organisation"), "org_unit": d.get("org_unit"), "activity": d["activity"],
                "group_size": d["group_size"], "age_group": d["age_group"],
                "sessions_per_week": d["sessions_per_week"], "minutes": d["minutes"], "choices": self.choices(),
                "frame_time": d.get("frame_time", False),
                "windows": self.windows()}


class AdjustForm(TorgForm):
    granted = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Grant this time")), ("0", _("Do not grant"))])
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=Resource.objects.none(), required=False)
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, empty_value=None,
                                     choices=[("", DJANGO_BLANK)] + WEEKDAY_CHOICES, required=False)
    starts = forms.TimeField(label=_("From"), widget=TimeInput, required=False)
    ends = forms.TimeField(label=_("To"), widget=TimeInput, required=False)
    reason = forms.CharField(label=_("Reason (the applicant sees it)"), max_length=500)

    def __init__(self, *args, rnd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = rnd.resources.order_by("name")


class ComplaintForm(TorgForm):
    text = forms.CharField(label=_("Your complaint"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(TorgForm):
    reason = forms.CharField(label=_("Answer to the applicant"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class PassOnForm(TorgForm):
    club = forms.ModelChoiceField(label=_("Club"), queryset=ExternalOrganisation.objects.none())
    first = forms.DateField(label=_("First date"), widget=DateInput, required=False)
    last = forms.DateField(label=_("Last date"), widget=DateInput, required=False)

    def __init__(self, *args, tenant, umbrella, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["club"].queryset = ExternalOrganisation.objects.filter(
            tenant=tenant, archived=False, kind__in=["association", "volunteer"]).exclude(pk=umbrella.pk)


class ReleaseForm(TorgForm):
    first = forms.DateField(label=_("First date"), widget=DateInput, required=False)
    last = forms.DateField(label=_("Last date"), widget=DateInput, required=False)

