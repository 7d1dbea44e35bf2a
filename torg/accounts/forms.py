from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from torg.core.forms import StyledFormMixin, TorgForm, TorgModelForm

from .models import ExternalOrganisation, OrgUnit, Role, User
from .validators import normalize_orgnr, validate_orgnr

# Django 5.2 changed the msgid of MinimumLengthValidator's message to "%d", and its own bokmål
# catalogue still has the old one, so the message came out in English. Marked here so that the
# translation lives in this app's catalogue (torg/accounts/locale).
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
        "inactive": _("This account is inactive."),
    }


class OrgUnitForm(TorgModelForm):
    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "name", "code"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = OrgUnit.objects.filter(tenant=tenant, kind=OrgUnit.Kind.SECTOR, archived=False)
        self.fields["parent"].help_text = _("Required for a service; leave empty for a sector.")

    def _get_validation_exclusions(self):
        # The service checks the sector/service rule with a clear message on the field; validated
        # here, the model's check constraint would only say "Constraint … is violated".
        exclude = super()._get_validation_exclusions()
        exclude.add("parent")
        return exclude


class UserCreateForm(TorgForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    password = forms.CharField(
        label=_("Initial password"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty if the user signs in with ID-porten or Entra ID."),
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False)

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password)
        return password


class MembershipForm(TorgForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("Active (may sign in to this municipality)"), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(tenant=tenant, archived=False)


class SetPasswordForm(TorgForm):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class ExternalOrganisationForm(TorgModelForm):
    orgnr = forms.CharField(label=_("Organisation number"), max_length=20)

    class Meta:
        model = ExternalOrganisation
        fields = ["orgnr", "name", "kind", "email", "phone", "address", "representatives"]
        widgets = {"representatives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgnr"].help_text = _("9 digits, as in the Central Coordinating Register (Brønnøysund).")
        self.fields["representatives"].queryset = User.objects.filter(
            memberships__tenant=tenant, memberships__role=Role.ASSOCIATION
        ).order_by("last_name", "first_name")
        self.fields["representatives"].required = False

    def clean_orgnr(self):
        value = normalize_orgnr(self.cleaned_data["orgnr"])
        validate_orgnr(value)
        return value

    def validate_unique(self):
        # Uniqueness per tenant is checked by the service with a specific message.
        pass


class ApiTokenForm(TorgForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is used for."))
    expires_at = forms.DateField(
        label=_("Expires"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that lasts until it is revoked."),
    )

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The expiry date has passed; choose today or a later date."))
        return value


class AuditFilterForm(TorgForm):
    """The audit log's filters (a GET form: every field optional)."""

    type = forms.ChoiceField(label=_("Kind of object"), required=False)
    action = forms.ChoiceField(label=_("What"), required=False)
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    q = forms.CharField(label=_("Object"), required=False, max_length=200)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, object_types, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All")), *object_types]
        self.fields["action"].choices = [("", _("All")), *actions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
