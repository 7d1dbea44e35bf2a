"""Form rendering with Designsystemet markup, shared by every app's forms (FORM_RENDERER)."""

from django import forms
from django.forms.renderers import DjangoTemplates


class TorgFormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class StyledFormMixin:
    """Adds Designsystemet classes to widgets. Mix into every Torg form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "ds-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class TorgForm(StyledFormMixin, forms.Form):
    pass


class TorgModelForm(StyledFormMixin, forms.ModelForm):
    pass
