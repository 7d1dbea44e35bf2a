"""Accounts pages: login, profile and API tokens, and the municipality's administration."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.core import audit
from torg.core.audit_display import describe, object_type_label
from torg.core.views import breadcrumbs, form_page, paginate, require_perm, tenant_lookup

from . import queries, services
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    ExternalOrganisationForm,
    LoginForm,
    MembershipForm,
    OrgUnitForm,
    SetPasswordForm,
    UserCreateForm,
)
from .middleware import SESSION_KEY
from .models import ExternalOrganisation, OrgUnit, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_providers"] = [
            {"key": key, "label": _("Log in with ID-porten") if key == "idporten" else _("Log in with Entra ID (employees)")}
            for key in settings.TORG_OIDC_PROVIDERS
        ]
        return context


def history_context(request, tenant, obj, events=None, limit=20, also_tenants=()) -> dict:
    """The object's latest audit events for `web/partials/history.html`, and for those who may see
    the audit log, a link to all of the object's events there. `also_tenants`: see
    `torg.core.audit_display.describe` (an object shared between municipalities)."""
    events = audit.history_for(obj, tenant) if events is None else events
    context = {"history": describe(events[:limit], also_tenants=also_tenants)}
    if request.user.has_perm("accounts.view_audit", tenant):
        query = urlencode({"type": obj._meta.label_lower, "id": obj.pk})
        context["history_url"] = f"{reverse('accounts:audit_log')}?{query}"
    return context


_crumbs = breadcrumbs((gettext_lazy("Administration"), "accounts:settings"))


_tenant = tenant_lookup(None)


# --- Profile, tenant switch and API tokens --------------------------------------------------
@login_required
def profile(request):
    tenant = request.tenant
    context = {
        "memberships": request.user.memberships.filter(is_active=True).select_related("tenant", "org_unit"),
        "tokens": queries.api_token_list(tenant=tenant, user=request.user) if tenant else [],
        "token_form": ApiTokenForm(),
        "new_token": request.session.pop("torg_new_token", None),
        "now": timezone.now(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def switch_tenant(request):
    wanted = request.POST.get("tenant")
    membership = request.user.memberships.filter(is_active=True, tenant_id=wanted).first() if wanted else None
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.tenant_id
    return redirect("web:dashboard")


@login_required
@require_POST
def api_token_create(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.use_api", tenant)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("accounts:profile")
    expires = form.cleaned_data["expires_at"]
    if expires:
        expires = timezone.make_aware(datetime.combine(expires, time.max))
    _token, secret = services.api_token_create(
        actor=request.user, tenant=tenant, name=form.cleaned_data["name"], expires_at=expires
    )
    request.session["torg_new_token"] = secret
    return redirect("accounts:profile")


@login_required
@require_POST
def api_token_revoke(request, pk):
    tenant = _tenant(request)
    token = queries.api_token_list(tenant=tenant, user=request.user).filter(pk=pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


# --- Administration -------------------------------------------------------------------------
@login_required
def settings_index(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.manage_external_organisations", tenant)
    user = request.user
    return render(request, "accounts/settings.html", {
        "can_view_units": user.has_perm("accounts.view_org_units", tenant),
        "can_manage_users": user.has_perm("accounts.manage_users", tenant),
        "can_view_audit": user.has_perm("accounts.view_audit", tenant),
    })


@login_required
def org_unit_list(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.view_org_units", tenant)
    archived = request.GET.get("archived") == "1"
    return render(request, "accounts/orgunit_list.html", {
        "tree": queries.org_unit_tree(tenant=tenant, include_archived=archived),
        "show_archived": archived,
        "can_manage": request.user.has_perm("accounts.manage_org_units", tenant),
        "crumbs": _crumbs((_("Organisation units"), None)),
    })


@login_required
def org_unit_create(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.manage_org_units", tenant)
    form = OrgUnitForm(request.POST or None, tenant=tenant,
                       initial={"kind": request.GET.get("kind", OrgUnit.Kind.SERVICE), "parent": request.GET.get("parent")})
    return form_page(
        request, form=form,
        save=lambda d: services.org_unit_create(actor=request.user, tenant=tenant, **d),
        success_url=reverse("accounts:org_unit_list"),
        success_message=_("The unit was created."),
        context={"title": _("New organisation unit"), "cancel_url": reverse("accounts:org_unit_list"),
                 "crumbs": _crumbs((_("Organisation units"), reverse("accounts:org_unit_list")), (_("New"), None))},
    )


@login_required
def org_unit_edit(request, pk):
    tenant = _tenant(request)
    unit = queries.org_unit_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_org_units", unit)
    # The form gets its own copy: a bound ModelForm changes its instance while validating.
    form = OrgUnitForm(request.POST or None, instance=queries.org_unit_get(tenant=tenant, pk=pk), tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.org_unit_update(actor=request.user, unit=unit, **d),
        success_url=reverse("accounts:org_unit_list"),
        success_message=_("The unit was saved."),
        context={"title": _("Edit %(name)s") % {"name": unit.name}, "cancel_url": reverse("accounts:org_unit_list"),
                 "crumbs": _crumbs((_("Organisation units"), reverse("accounts:org_unit_list")), (unit.name, None)),
                 "archive_url": reverse("accounts:org_unit_archive", args=[unit.pk]), "object": unit,
                 **history_context(request, tenant, unit)},
        template="accounts/orgunit_form.html",
    )


@login_required
@require_POST
def org_unit_archive(request, pk):
    tenant = _tenant(request)
    unit = queries.org_unit_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_org_units", unit)
    try:
        services.org_unit_set_archived(actor=request.user, unit=unit, archived=not unit.archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The unit was archived.") if unit.archived else _("The unit was restored."))
    return redirect("accounts:org_unit_list")


@login_required
def user_list(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.manage_users", tenant)
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    page = paginate(request, queries.membership_list(tenant=tenant, search=search, role=role))
    return render(request, "accounts/user_list.html", {
        "page_obj": page, "search": search, "role": role, "roles": Role.choices,
        "crumbs": _crumbs((_("Users and roles"), None)),
    })


@login_required
def user_create(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.manage_users", tenant)
    form = UserCreateForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.user_create(actor=request.user, tenant=tenant, **d),
        success_url=reverse("accounts:user_list"),
        success_message=_("The user was created."),
        context={"title": _("New user"), "cancel_url": reverse("accounts:user_list"),
                 "crumbs": _crumbs((_("Users and roles"), reverse("accounts:user_list")), (_("New"), None))},
    )


@login_required
def user_edit(request, pk):
    tenant = _tenant(request)
    membership = queries.membership_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_users", membership)
    user = membership.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
               "role": membership.role, "org_unit": membership.org_unit, "is_active": membership.is_active}
    form = MembershipForm(request.POST or None, tenant=tenant, initial=initial)

    def save(d):
        user_fields = {k: d.pop(k) for k in ("first_name", "last_name", "email")}
        return services.membership_update(actor=request.user, membership=membership, user_fields=user_fields, **d)

    return form_page(
        request, form=form, save=save,
        success_url=reverse("accounts:user_list"),
        success_message=_("The user was saved."),
        template="accounts/user_form.html",
        context={"title": str(user), "object": membership, "cancel_url": reverse("accounts:user_list"),
                 "member": user, "locked_until": queries.login_locked_until(user=user),
                 **history_context(request, tenant, membership,
                                   events=queries.user_history(tenant=tenant, membership=membership)),
                 "crumbs": _crumbs((_("Users and roles"), reverse("accounts:user_list")), (str(user), None))},
    )


@login_required
@require_POST
def user_unlock(request, pk):
    tenant = _tenant(request)
    membership = queries.membership_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_users", membership)
    services.user_unlock(actor=request.user, membership=membership)
    messages.success(request, _("%(user)s can log in again.") % {"user": membership.user})
    return redirect("accounts:user_edit", pk=membership.pk)


@login_required
def user_set_password(request, pk):
    tenant = _tenant(request)
    membership = queries.membership_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_users", membership)
    form = SetPasswordForm(request.POST or None)
    return form_page(
        request, form=form,
        save=lambda d: services.user_set_password(actor=request.user, membership=membership, password=d["password"]),
        success_url=reverse("accounts:user_edit", args=[membership.pk]),
        success_message=_("The password was changed."),
        context={"title": _("New password for %(user)s") % {"user": membership.user},
                 "cancel_url": reverse("accounts:user_edit", args=[membership.pk])},
    )


@login_required
def organisation_list(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.view_external_organisations", tenant)
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    archived = request.GET.get("archived") == "1"
    page = paginate(request, queries.external_organisation_list(
        tenant=tenant, search=search, kind=kind, include_archived=archived))
    return render(request, "accounts/organisation_list.html", {
        "page_obj": page, "search": search, "kind": kind, "kinds": ExternalOrganisation.Kind.choices,
        "show_archived": archived,
        "can_manage": request.user.has_perm("accounts.manage_external_organisations", tenant),
        "crumbs": _crumbs((_("External organisations"), None)),
    })


@login_required
def organisation_create(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.manage_external_organisations", tenant)
    form = ExternalOrganisationForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.external_organisation_create(actor=request.user, tenant=tenant, **d),
        success_url=reverse("accounts:organisation_list"),
        success_message=_("The organisation was registered."),
        context={"title": _("New external organisation"), "cancel_url": reverse("accounts:organisation_list"),
                 "crumbs": _crumbs((_("External organisations"), reverse("accounts:organisation_list")),
                                   (_("New"), None))},
    )


@login_required
def organisation_edit(request, pk):
    tenant = _tenant(request)
    org = queries.external_organisation_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_external_organisations", org)
    form = ExternalOrganisationForm(request.POST or None, instance=queries.external_organisation_get(tenant=tenant, pk=pk),
                                    tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.external_organisation_update(actor=request.user, organisation=org, **d),
        success_url=reverse("accounts:organisation_list"),
        success_message=_("The organisation was saved."),
        template="accounts/organisation_form.html",
        context={"title": org.name, "object": org, "cancel_url": reverse("accounts:organisation_list"),
                 **history_context(request, tenant, org),
                 "crumbs": _crumbs((_("External organisations"), reverse("accounts:organisation_list")),
                                   (org.name, None))},
    )


@login_required
@require_POST
def organisation_archive(request, pk):
    tenant = _tenant(request)
    org = queries.external_organisation_get(tenant=tenant, pk=pk)
    require_perm(request, "accounts.manage_external_organisations", org)
    services.external_organisation_set_archived(actor=request.user, organisation=org, archived=not org.archived)
    messages.success(request, _("The organisation was archived.") if org.archived else _("The organisation was restored."))
    return redirect("accounts:organisation_list")


@login_required
def audit_log(request):
    tenant = _tenant(request)
    require_perm(request, "accounts.view_audit", tenant)
    object_types = sorted(((code, object_type_label(code)) for code in queries.audit_object_types(tenant=tenant)),
                          key=lambda choice: str(choice[1]))
    form = AuditFilterForm(request.GET or None, object_types=object_types, actions=audit.action_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    events = queries.audit_list(
        tenant=tenant, object_type=filters.get("type", ""), action=filters.get("action", ""),
        who=filters.get("who", ""), search=filters.get("q", ""),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"),
        object_id=request.GET.get("id", "") if filters.get("type") else "",
    )
    page = paginate(request, events)
    page.object_list = describe(page.object_list)  # the template iterates over these annotated events
    return render(request, "accounts/audit_list.html", {
        "page_obj": page, "form": form, "crumbs": _crumbs((_("Audit log"), None)),
    }, status=422 if form.errors else 200)


LOCKED_OUT_MESSAGE = gettext_lazy("Too many failed login attempts. Try again in 15 minutes.")
