from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.accounts.models import OrgUnit
from torg.core import photos
from torg.core.forms import TorgForm, TorgModelForm
from torg.places.models import Building, Property, Room

from . import plans
from .models import Activity, FloorPlan, Input, Phase, Process, Question, Survey, TargetGroup


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # the browser's date input wants ISO dates


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _room_label(room):
    return f"{room.building.name} – {room.number}{' ' + room.name if room.name else ''}"


class ProcessForm(TorgModelForm):
    class Meta:
        model = Process
        fields = ["title", "purpose", "open_for_influence", "already_decided", "responsible_unit", "contact_name",
                  "contact_email", "identity", "moderation", "ask_background", "properties", "buildings", "rooms",
                  "retention", "retention_months"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4}), "open_for_influence": forms.Textarea(attrs={"rows": 3}),
                   "already_decided": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False).order_by("name")
        self.fields["properties"].queryset = Property.objects.filter(tenant=tenant, archived=False).order_by("gnr", "bnr")
        self.fields["buildings"].queryset = Building.objects.filter(tenant=tenant, archived=False).order_by("name")
        self.fields["properties"].help_text = _("Hold Ctrl (or Cmd) to choose more than one.")
        self.fields["buildings"].help_text = _("Hold Ctrl (or Cmd) to choose more than one.")
        self.fields["retention"].required = False
        buildings = self.instance.buildings.all() if self.instance.pk else Building.objects.none()
        rooms = Room.objects.filter(tenant=tenant, archived=False, building__in=buildings).select_related("building")
        if rooms.exists():
            self.fields["rooms"].queryset = rooms.order_by("building__name", "number")
            self.fields["rooms"].label_from_instance = _room_label
            self.fields["rooms"].help_text = _("Rooms of the buildings linked to the process.")
        else:
            del self.fields["rooms"]

    def clean_retention(self):
        return self.cleaned_data.get("retention") or Process.Retention.KEEP

    def save(self, commit=True):  # the services write; the view passes cleaned_data to them
        raise NotImplementedError


class PhaseForm(TorgModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "name", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}


class TargetGroupForm(TorgModelForm):
    class Meta:
        model = TargetGroup
        fields = ["kind", "name", "how_reached", "expected_reach"]
        widgets = {"how_reached": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):  # the service checks (with a message naming the stakeholder map)
        pass


class ActivityForm(TorgModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "title", "starts_at", "ends_at", "room", "location_text", "target_groups", "description"]
        widgets = {"starts_at": DateTimeInput, "ends_at": DateTimeInput,
                   "target_groups": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.fields["room"].queryset = Room.objects.filter(
            tenant=process.tenant, archived=False, building__in=process.buildings.all()
        ).select_related("building").order_by("building__name", "number")
        self.fields["room"].label_from_instance = _room_label
        self.fields["room"].help_text = _("Rooms of the buildings linked to the process.")
        self.fields["target_groups"].queryset = process.target_groups.all()


class ReasonForm(TorgForm):
    status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ProcessFilterForm(TorgForm):
    search = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(Process.Status.choices))


class InputForm(TorgForm):
    """An idea from a participant, with the voluntary background questions."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Your input"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                           help_text=_("Do not write names, identity numbers, phone numbers or e-mail addresses: "
                                       "they are removed before publication."))
    target_group = forms.ModelChoiceField(label=_("I take part as (optional)"), required=False,
                                          queryset=TargetGroup.objects.none(), empty_label=_("Do not want to say"))
    age_band = forms.ChoiceField(label=_("Age (optional)"), required=False,
                                 choices=[("", _("Do not want to say"))] + list(Input.AgeBand.choices))
    postal_code = forms.CharField(label=_("Postal code (optional)"), required=False, max_length=4,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    notify_email = forms.EmailField(label=_("E-mail for notices (optional)"), required=False,
                                    help_text=_("Only to tell you if the moderator hides your input. Never shown."))

    def __init__(self, *args, process, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if process.ask_background:
            self.fields["target_group"].queryset = process.target_groups.all()
        else:
            for name in ("target_group", "age_band", "postal_code"):
                del self.fields[name]
        if getattr(user, "is_authenticated", False) and user.email:
            del self.fields["notify_email"]


class CommentForm(TorgForm):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReportForm(TorgForm):
    reason = forms.CharField(label=_("What is wrong? (optional)"), required=False, max_length=1000)


class InviteForm(TorgForm):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=2000, initial=10)
    label = forms.CharField(label=_("Label"), required=False, max_length=200,
                            help_text=_("E.g. the unit the links are sent to."))
    target_group = forms.ModelChoiceField(label=_("Target group"), required=False, queryset=TargetGroup.objects.none())

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = process.target_groups.all()


class SurveyForm(TorgModelForm):
    class Meta:
        model = Survey
        fields = ["title", "intro"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(TorgForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=pgettext_lazy("survey", "Question"), max_length=500)
    help_text = forms.CharField(label=pgettext_lazy("survey", "Help text"), max_length=500, required=False)
    options = forms.CharField(label=pgettext_lazy("survey", "Options"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("One per line (for single and multiple choice, ranking and points)."))
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1, min_value=0, max_value=10)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5, min_value=1, max_value=20)
    required = forms.BooleanField(label=_("Required"), required=False)
    plan = forms.ModelChoiceField(label=_("Plan (for a place question)"), required=False,
                                  queryset=FloorPlan.objects.none(),
                                  help_text=_("The answer is a pin on this plan instead of a building or room."))

    def __init__(self, *args, process=None, **kwargs):
        super().__init__(*args, **kwargs)
        if process is not None and process.plans.exists():
            self.fields["plan"].queryset = process.plans.all()
        else:
            del self.fields["plan"]

    def clean_options(self):
        return [line for line in self.cleaned_data["options"].splitlines() if line.strip()]


class AnswerForm(TorgForm):
    """The survey as a form: one field per question, or one per option for ranking and points."""

    def __init__(self, *args, survey, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.select_related("plan"))
        self.groups = []
        K = Question.Kind
        for q in self.questions:
            name = f"q{q.pk}"
            options = [(str(i), o) for i, o in enumerate(q.options)]
            names = [name]
            if q.kind == K.SINGLE:
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect(attrs={"class": "ds-input"}))
            elif q.kind == K.MULTIPLE:
                field = forms.MultipleChoiceField(choices=options,
                                                  widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}))
            elif q.kind == K.SCALE:
                field = forms.ChoiceField(choices=[(str(v), str(v)) for v in range(q.scale_min, q.scale_max + 1)],
                                          widget=forms.RadioSelect(attrs={"class": "ds-input"}))
            elif q.kind == K.TEXT:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
            elif q.kind == K.PLACE and q.plan_id:  # a pin: area from the list, or x/y from pointing
                areas = [(str(a.pk), a.name) for a in q.plan.areas.all()]
                self.fields[f"{name}_x"] = forms.FloatField(required=False, min_value=0, max_value=1,
                                                            widget=forms.HiddenInput)
                self.fields[f"{name}_y"] = forms.FloatField(required=False, min_value=0, max_value=1,
                                                            widget=forms.HiddenInput)
                field = forms.ChoiceField(choices=[("", _("Choose a place, or point on the plan"))] + areas)
                q.picker = {"plan": q.plan, "areas": plans.area_dicts(q.plan.areas.all()), "uid": name,
                            "areas_id": f"areas-{name}", "x": f"{name}_x", "y": f"{name}_y",
                            "image_url": photos.url_for(q.plan)}
            elif q.kind == K.PLACE:
                field = forms.ChoiceField(choices=[("", "–")] + list(places))
            else:  # ranking and points: one small number field per option, inside a fieldset
                names = []
                for i, option in enumerate(q.options):
                    sub = f"{name}_{i}"
                    if q.kind == K.RANKING:
                        self.fields[sub] = forms.TypedChoiceField(
                            label=option, required=False, coerce=int,
                            choices=[("", "–")] + [(str(r), str(r)) for r in range(1, len(q.options) + 1)])
                    else:
                        self.fields[sub] = forms.IntegerField(label=option, required=False, min_value=0,
                                                              max_value=100, widget=forms.NumberInput(
                                                                  attrs={"inputmode": "numeric"}))
                    names.append(sub)
                self.groups.append((q, [self[n] for n in names]))
                continue
            field.required = False  # the service checks required questions, with one message per question
            field.label = q.text
            field.help_text = q.help_text
            self.fields[name] = field
            self.groups.append((q, [self[name]]))
        for q in self.questions:  # a form shown again (e.g. another question's error) keeps the pin
            if getattr(q, "picker", None):
                q.picker["x_value"] = self[q.picker["x"]].value()
                q.picker["y_value"] = self[q.picker["y"]].value()

    def answers(self):
        """{question id: raw value} for the service."""
        data, K = self.cleaned_data, Question.Kind
        out = {}
        for q in self.questions:
            if q.kind in (K.RANKING, K.POINTS):
                out[q.pk] = {i: data.get(f"q{q.pk}_{i}") for i in range(len(q.options))
                             if data.get(f"q{q.pk}_{i}") not in (None, "")}
            elif q.kind == K.PLACE and q.plan_id:
                out[q.pk] = {"area": data.get(f"q{q.pk}"), "x": data.get(f"q{q.pk}_x"), "y": data.get(f"q{q.pk}_y")}
            else:
                out[q.pk] = data.get(f"q{q.pk}")
        return out


# --- Input channels ------------------------------------------------------------------------------
CHANNEL_CHOICES = [(Input.Channel.MEETING, Input.Channel.MEETING.label), (Input.Channel.PAPER, Input.Channel.PAPER.label)]


class MeetingForm(TorgForm):
    """What the recorded statements have in common: the activity where they were said, and how."""

    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none(),
                                      help_text=_("The meeting or workshop where it was said."))
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, initial=Input.Channel.MEETING)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = process.activities.all()


class MeetingRowForm(TorgForm):
    """One statement in the bulk entry form (empty rows are left out)."""

    text = forms.CharField(label=_("What was said"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    target_group = forms.ModelChoiceField(label=_("Target group"), required=False, queryset=TargetGroup.objects.none(),
                                          empty_label=_("Not known"))
    age_band = forms.ChoiceField(label=_("Age"), required=False,
                                 choices=[("", _("Not known"))] + list(Input.AgeBand.choices))

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = process.target_groups.all()


class MeetingImportForm(MeetingForm):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))


class PhotoForm(TorgForm):
    photo = forms.ImageField(label=_("Photo"), help_text=_("JPEG or PNG. It is shrunk and location data removed."))
    alt = forms.CharField(label=_("What the photo shows"), max_length=200,
                          help_text=_("E.g. “Flipchart from group 2: wishes for the square”, for screen readers."))


class PlanForm(TorgForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description of the plan"), max_length=500,
                                  help_text=_("What the plan shows, for people who cannot see it."))
    image = forms.ImageField(label=_("Plan image"), help_text=_("JPEG or PNG of the floor or site plan."))
    activity = forms.ModelChoiceField(label=_("Activity (optional)"), required=False, queryset=Activity.objects.none())

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = process.activities.all()


class AreaForm(TorgForm):
    """A named area, in per cent of the plan's width and height from the top left corner."""

    name = forms.CharField(label=_("Name of the area"), max_length=200, help_text=_("E.g. “Room 1.014” or “The square”."))
    x = forms.DecimalField(label=_("From the left (%)"), min_value=0, max_value=100, decimal_places=1)
    y = forms.DecimalField(label=_("From the top (%)"), min_value=0, max_value=100, decimal_places=1)
    w = forms.DecimalField(label=_("Width (%)"), min_value=0.1, max_value=100, decimal_places=1)
    h = forms.DecimalField(label=_("Height (%)"), min_value=0.1, max_value=100, decimal_places=1)

    def box(self):
        return {k: float(self.cleaned_data[k]) / 100 for k in ("x", "y", "w", "h")}


class PinForm(InputForm):
    """A comment pinned on a plan: where (a point from the plan, or an area from the list), and what."""

    area = forms.TypedChoiceField(label=_("Place on the plan"), required=False, coerce=int, empty_value=None,
                                  choices=[])
    x = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)
    y = forms.FloatField(required=False, min_value=0, max_value=1, widget=forms.HiddenInput)

    field_order = ["area", "x", "y", "body"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, process=plan.process, **kwargs)
        del self.fields["title"]
        self.fields["body"].label = _("Your comment")
        self.areas = {a.pk: a for a in plan.areas.all()}
        self.fields["area"].choices = [("", _("Choose a place, or point on the plan"))] + [
            (a.pk, a.name) for a in self.areas.values()]
        self.order_fields(self.field_order)


class SubscribeForm(TorgForm):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    news = forms.BooleanField(label=_("News about the process"), required=False, initial=True)
    feedback = forms.BooleanField(label=_("The feedback: what was done with the input"), required=False, initial=True)


class NewsForm(TorgForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
