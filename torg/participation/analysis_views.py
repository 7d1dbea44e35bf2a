"""Pages of the analysis and feedback half: themes and coding, representation, responses and
decisions (staff), the public "you said — we did" page, and the report (PDF, XLSX).

Thin, like `views.py`: staff pages find the process within the user's municipality (another
municipality's id: 404), reading needs `participation.view_processes`, writing
`participation.manage_processes`. The public page needs no login and shows published feedback of
a published process only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.core.views import (apply_validation_error, breadcrumbs, download, form_page, int_param, paginate,
                             tenant_lookup)

from . import analysis_queries, analysis_services, queries, report
from .analysis_forms import CodingFilterForm, CodingForm, DecisionForm, ResponseForm, ThemeForm
from .models import Theme
from .states import PROCESS_MACHINE

_tenant = tenant_lookup("participation.view_processes")
_crumbs = breadcrumbs((gettext_lazy("Participation"), "participation:process_list"))


def _process(request, pk, perm="participation.view_processes"):
    return queries.process_get(tenant=_tenant(request, perm), pk=pk)


def _manage(request, get, pk):
    """A row (process, theme, decision, response, input) the user may manage, in their municipality."""
    return get(tenant=_tenant(request, "participation.manage_processes"), pk=pk)


def _analysis_url(process):
    return reverse("participation:analysis", args=[process.pk])


def _feedback_url(process):
    return reverse("participation:feedback", args=[process.pk])


def _page_crumbs(process, title, *middle):
    return _crumbs((process.title, reverse("participation:process_detail", args=[process.pk])), *middle,
                   (title, None))


# --- Analysis: themes and counts ------------------------------------------------------------------
@login_required
def analysis(request, pk):
    process = _process(request, pk)
    can_manage = request.user.has_perm("participation.manage_processes", process)
    return render(request, "participation/analysis.html", {
        "process": process, "can_manage": can_manage, "counts": analysis_queries.theme_counts(process=process),
        "suggestions": analysis_queries.theme_suggestions(process=process) if can_manage else [],
        "form": ThemeForm(), "crumbs": _page_crumbs(process, _("Analysis")),
    })


@login_required
def theme_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    form = ThemeForm(request.POST or None)
    return form_page(request, form=form,
                     save=lambda d: analysis_services.theme_create(actor=request.user, process=process, **d),
                     success_url=_analysis_url(process),
                     success_message=_("The theme was added."),
                     context={"title": _("Add theme"), "cancel_url": _analysis_url(process),
                              "crumbs": _page_crumbs(process, _("Add theme"),
                                                     (_("Analysis"), _analysis_url(process)))})


@login_required
def theme_edit(request, pk):
    theme = _manage(request, analysis_queries.theme_get, pk)
    process = theme.process
    form = ThemeForm(request.POST or None, instance=theme)
    return form_page(request, form=form,
                     save=lambda d: analysis_services.theme_update(actor=request.user, theme=theme, **d),
                     success_url=_analysis_url(process), success_message=_("The theme was saved."),
                     context={"title": _("Edit theme"), "cancel_url": _analysis_url(process),
                              "crumbs": _page_crumbs(process, _("Edit theme"),
                                                     (_("Analysis"), _analysis_url(process)))})


def _remove(request, obj, delete, message, back):
    delete(actor=request.user, obj=obj)
    messages.success(request, message)
    return redirect(back)


@login_required
@require_POST
def theme_delete(request, pk):
    theme = _manage(request, analysis_queries.theme_get, pk)
    return _remove(request, theme, lambda actor, obj: analysis_services.theme_delete(actor=actor, theme=obj),
                   _("The theme was removed. Its inputs are kept."), _analysis_url(theme.process))


# --- Coding ---------------------------------------------------------------------------------------
@login_required
def coding(request, pk):
    process = _manage(request, queries.process_get, pk)
    form = CodingForm(request.POST or None, process=process)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                n = analysis_services.theme_code(actor=request.user, theme=d["theme"], inputs=d["inputs"],
                                                 remove=d["remove"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                text = (_("%(n)d inputs taken out of “%(theme)s”.") if d["remove"]
                        else _("%(n)d inputs coded into “%(theme)s”."))
                messages.success(request, text % {"n": n, "theme": d["theme"].name})
                return redirect(request.get_full_path())
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    filters = CodingFilterForm(request.GET or None, process=process)
    f = filters.cleaned_data if filters.is_valid() else {}
    theme = f.get("theme", "")
    page = paginate(request, analysis_queries.coding_inputs(
        process=process, uncoded=theme == "none", theme_id=int_param(theme), search=f.get("search", ""),
        target_group_id=int_param(f.get("target_group")), channel=f.get("channel", "")), per_page=25)
    return render(request, "participation/coding.html", {
        "process": process, "form": form, "filters": filters, "page_obj": page,
        "themes": list(process.themes.order_by("name")),
        "crumbs": _page_crumbs(process, _("Code input"), (_("Analysis"), _analysis_url(process))),
    }, status=422 if request.method == "POST" else 200)


# --- Representation -------------------------------------------------------------------------------
@login_required
def representation(request, pk):
    process = _process(request, pk)
    return render(request, "participation/representation.html", {
        "process": process, "r": analysis_queries.representation(process=process),
        "crumbs": _page_crumbs(process, _("Representation")),
    })


# --- Feedback: responses and decisions (staff) ------------------------------------------------------
@login_required
def feedback(request, pk):
    process = _process(request, pk)
    return render(request, "participation/feedback.html", {
        "process": process, "can_manage": request.user.has_perm("participation.manage_processes", process),
        "themes": analysis_queries.themes(process=process),
        "inputs": analysis_queries.input_responses(process=process),
        "decisions": analysis_queries.decisions(process=process),
        "transitions": [t for t in PROCESS_MACHINE.available(process, request.user) if t.verb == "give_feedback"],
        "blocked": _feedback_blocked(process, request.user),
        "public_url": reverse("participation:public_feedback", args=[process.code]),
        "crumbs": _page_crumbs(process, _("Feedback")),
    })


def _feedback_blocked(process, user):
    """Why feedback cannot be given yet, in words (for staff who may give it once closed)."""
    if process.status != process.Status.CLOSED or not user.has_perm("participation.manage_processes", process):
        return ""
    try:
        PROCESS_MACHINE.check(process, process.Status.FEEDBACK_GIVEN, actor=user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _response_page(request, *, process, subject, save, title, response):
    back = _feedback_url(process)
    form = ResponseForm(request.POST or None, instance=response, process=process)
    return form_page(request, form=form, save=save, success_url=back, success_message=_("The response was saved."),
                     template="participation/response_form.html",
                     context={"title": title, "subject": subject, "process": process, "cancel_url": back,
                              "response": response, "is_theme": isinstance(subject, Theme),
                              "crumbs": _page_crumbs(process, title, (_("Feedback"), back))})


@login_required
def theme_response(request, pk):
    theme = _manage(request, analysis_queries.theme_get, pk)
    return _response_page(
        request, process=theme.process, subject=theme, response=getattr(theme, "response", None),
        title=_("Response to the theme “%(theme)s”") % {"theme": theme.name},
        save=lambda d: analysis_services.response_set(actor=request.user, theme=theme, **d))


@login_required
def input_response(request, pk):
    item = _manage(request, queries.input_get, pk)
    return _response_page(
        request, process=item.process, subject=item, response=getattr(item, "response", None),
        title=_("Response to “%(input)s”") % {"input": str(item)},
        save=lambda d: analysis_services.response_set(actor=request.user, input=item, **d))


@login_required
@require_POST
def response_delete(request, pk):
    response = _manage(request, analysis_queries.response_get, pk)
    return _remove(request, response, lambda actor, obj: analysis_services.response_delete(actor=actor, response=obj),
                   _("The response was removed."), _feedback_url(response.process))


@login_required
def decision_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    back = _feedback_url(process)
    return form_page(request, form=DecisionForm(request.POST or None),
                     save=lambda d: analysis_services.decision_create(actor=request.user, process=process, **d),
                     success_url=back, success_message=_("The decision was recorded."),
                     context={"title": _("Record a decision"), "cancel_url": back,
                              "crumbs": _page_crumbs(process, _("Record a decision"), (_("Feedback"), back))})


@login_required
def decision_edit(request, pk):
    decision = _manage(request, analysis_queries.decision_get, pk)
    back = _feedback_url(decision.process)
    return form_page(request, form=DecisionForm(request.POST or None, instance=decision),
                     save=lambda d: analysis_services.decision_update(actor=request.user, decision=decision, **d),
                     success_url=back, success_message=_("The decision was saved."),
                     context={"title": _("Edit decision"), "cancel_url": back,
                              "crumbs": _page_crumbs(decision.process, _("Edit decision"), (_("Feedback"), back))})


@login_required
@require_POST
def decision_delete(request, pk):
    decision = _manage(request, analysis_queries.decision_get, pk)
    return _remove(request, decision, lambda actor, obj: analysis_services.decision_delete(actor=actor, decision=obj),
                   _("The decision was removed."), _feedback_url(decision.process))


# --- Public: "you said — we did" --------------------------------------------------------------------
def public_feedback(request, code):
    """What people said, what the municipality did with it and the decisions it fed into — for
    anyone, without login, once the feedback is published (staff may preview it before)."""
    process = queries.process_by_code(code=code, user=request.user)
    staff = request.user.has_perm("participation.view_processes", process.tenant)
    visible = analysis_queries.feedback_visible(process)
    return render(request, "participation/public_feedback.html", {
        "process": process, "public_tenant": process.tenant, "visible": visible, "preview": staff and not visible,
        "story": analysis_queries.feedback_story(process=process, public=True) if visible or staff else None,
    })


# --- Report -----------------------------------------------------------------------------------------
def _report_process(request, pk):
    """The process for its report: 404 for anyone who may not read the municipality's processes
    (anonymous, citizens, other municipalities) — the report reveals nothing about a process."""
    tenant = request.tenant
    if tenant is None or not request.user.has_perm("participation.view_processes", tenant):
        raise Http404
    return queries.process_detail(tenant=tenant, pk=pk)


def report_pdf(request, pk):
    process = _report_process(request, pk)
    return download(report.report_pdf(report.report_data(process=process)), f"medvirkning-{process.code}.pdf")


def report_xlsx(request, pk):
    process = _report_process(request, pk)
    return download(report.report_xlsx(report.report_data(process=process)), f"medvirkning-{process.code}.xlsx")
