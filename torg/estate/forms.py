from django import forms
from django.utils.translation import gettext_lazy as _

from torg.core.forms import TorgForm, TorgModelForm

from . import ns3451
from .models import ConditionSurvey, EnergyLabel, EnergyTarget, Measure, Meter, SurveyPart


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SurveyForm(TorgModelForm):
    class Meta:
        model = ConditionSurvey
        fields = ["surveyed_on", "surveyor", "level", "note"]
        widgets = {"surveyed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class PhotoInput(forms.ClearableFileInput):
    """Opens the camera on a phone (`capture`), any image file elsewhere."""

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class PartForm(TorgModelForm):
    ns_code = forms.ChoiceField(label=_("Building part (NS 3451)"), choices=[("", "—")] + ns3451.choices())
    photo = forms.ImageField(label=_("Photo"), required=False, widget=PhotoInput,
                             help_text=_("Take a photo of what you see (optional; more can be added later)."))

    class Meta:
        model = SurveyPart
        fields = ["ns_code", "condition_grade", "consequence_grade", "description", "measure", "measure_cost",
                  "measure_year"]
        widgets = {"condition_grade": forms.RadioSelect, "consequence_grade": forms.RadioSelect,
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "measure_cost": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1000}),
                   "measure_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2200})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_grade"].choices = SurveyPart.Grade.choices
        self.fields["consequence_grade"].choices = SurveyPart.Consequence.choices


class StatusForm(TorgForm):
    status = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImportForm(TorgForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class BuildingFilterForm(TorgForm):
    category = forms.ChoiceField(label=_("Strategic category"), required=False,
                                 choices=[("", _("All"))] + [(c, c) for c in "ABC"])


class MeasureForm(TorgModelForm):
    ns_code = forms.ChoiceField(label=_("Building part (NS 3451)"), required=False,
                                choices=[("", "—")] + ns3451.choices())

    class Meta:
        model = Measure
        fields = ["description", "ns_code", "condition_grade", "cost", "due_year", "planned_year", "priority",
                  "category"]
        widgets = {"cost": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1000}),
                   "due_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
                   "planned_year": forms.NumberInput(attrs={"inputmode": "numeric"})}
        help_texts = {"condition_grade": _("The condition grade of the building part; TG2 and TG3 count in the "
                                           "maintenance backlog when the measure is due."),
                      "due_year": _("The year the measure is needed (from the survey)."),
                      "planned_year": _("The year it is planned in the maintenance plan.")}


class MeasureStatusForm(TorgForm):
    status = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    planned_year = forms.IntegerField(label=_("Planned year"), required=False, min_value=1900, max_value=2200)


class MeasureFilterForm(TorgForm):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("open", _("Open (not done or rejected)"))]
                               + list(Measure.Status.choices))
    year = forms.IntegerField(label=_("Planned year"), required=False, min_value=1900, max_value=2200)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All"))] + list(Measure.Category.choices))


class BudgetForm(TorgForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    amount = forms.DecimalField(label=_("Budget (NOK)"), min_value=0, max_digits=14, decimal_places=0)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


# --- Energy -----------------------------------------------------------------------------------
class MeterForm(TorgModelForm):
    class Meta:
        model = Meter
        fields = ["number", "carrier", "description", "active"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class ReadingForm(TorgForm):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%m.%Y", "%Y-%m-%d"], widget=MonthInput,
                            help_text=_("Entering a month again replaces its reading."))
    kwh = forms.DecimalField(label=_("Energy use (kWh)"), min_value=0, max_digits=12, decimal_places=1,
                             widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.1"}))


class LabelForm(TorgModelForm):
    class Meta:
        model = EnergyLabel
        fields = ["grade", "issued_on"]
        widgets = {"issued_on": DateInput()}


class TargetForm(TorgModelForm):
    class Meta:
        model = EnergyTarget
        fields = ["base_year", "reduction_percent"]
        widgets = {"base_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2200})}
