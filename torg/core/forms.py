"""Form rendering with Designsystemet markup, shared by every app's forms (FORM_RENDERER)."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

DJANGO_BLANK = "---------"


class TorgFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class StyledFormMixin:
    """Adds Designsystemet classes to widgets. Mix into every Torg form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self, names=None):
        """Style the fields `names` (default: all); a form that adds fields in its own __init__ calls
        it again for those."""
        for name in names if names is not None else list(self.fields):
            field = self.fields[name]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "ds-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            _name_blank_choice(field)


def _name_blank_choice(field):
    """The empty choice of a select in words ("Choose …" when a value is required, "(none)" when not)
    instead of Django's "---------"."""
    label = _("Choose …") if field.required else _("(none)")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField) and not isinstance(field.widget, forms.RadioSelect):
        choices = list(field.choices)
        if any(value == "" and text == DJANGO_BLANK for value, text in choices):
            field.choices = [(value, label if value == "" and text == DJANGO_BLANK else text)
                             for value, text in choices]


class TorgForm(StyledFormMixin, forms.Form):
    pass


class TorgModelForm(StyledFormMixin, forms.ModelForm):
    pass
