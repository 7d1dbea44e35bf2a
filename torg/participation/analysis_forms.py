"""Forms of the analysis and feedback pages: themes, coding, responses and decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from torg.core.forms import TorgForm, TorgModelForm

from .forms import DateInput
from .models import Decision, FeedbackResponse, Input, Theme


class ThemeForm(TorgModelForm):
    class Meta:
        model = Theme
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):  # the service says it in words
        pass


class CodingForm(TorgForm):
    """Code the ticked inputs into a theme, or take them out of it — checkboxes and a select, so it
    works with the keyboard alone and every control has a label."""

    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none())
    inputs = forms.ModelMultipleChoiceField(label=_("Inputs"), queryset=Input.objects.none(),
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Tick at least one input.")})
    remove = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(process=process).order_by("name")
        self.fields["inputs"].queryset = Input.objects.filter(process=process)


class CodingFilterForm(TorgForm):
    search = forms.CharField(label=_("Search in the text"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = ([("", _("All")), ("none", _("Not coded yet"))]
                                        + [(str(t.pk), t.name) for t in process.themes.order_by("name")])
        self.fields["target_group"].choices = [("", _("All"))] + [(str(g.pk), str(g))
                                                                  for g in process.target_groups.order_by("id")]
        self.fields["channel"].choices = [("", _("All"))] + list(Input.Channel.choices)


class ResponseForm(TorgModelForm):
    class Meta:
        model = FeedbackResponse
        fields = ["outcome", "text", "decision"]
        widgets = {"outcome": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"text": _("Required when it was not taken into the decision: say why.")}

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(process=process).order_by("decided_on")
        self.fields["outcome"].choices = FeedbackResponse.Outcome.choices

    def _post_clean(self):  # the service validates (and says why in words)
        pass


class DecisionForm(TorgModelForm):
    document_url = forms.URLField(label=_("document link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Decision
        fields = ["title", "decided_on", "body", "case_number", "document_url", "summary"]
        widgets = {"decided_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}
