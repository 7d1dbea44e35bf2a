"""Participation pages. Thin: parse, check permission, call one query or service, render.

Staff pages address objects by id within the user's municipality (another municipality's id: 404).
Public pages address a process by its unguessable public code and need no login; a draft answers
404 to anyone who may not see it.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.accounts.views import history_context
from torg.core.tabular import write_csv
from torg.core.views import (apply_validation_error, breadcrumbs, download, form_page, paginate, require_perm,
                             tenant_lookup)

from . import identity, queries, services
from .forms import (ActivityForm, AnswerForm, CommentForm, InputForm, InviteForm, PhaseForm, ProcessFilterForm,
                    ProcessForm, QuestionForm, ReasonForm, ReportForm, SurveyForm, TargetGroupForm)
from .models import Input, Process
from .states import ACTIVITY_MACHINE, INPUT_MACHINE, PROCESS_MACHINE, SURVEY_MACHINE


_tenant = tenant_lookup("participation.view_processes")


_crumbs = breadcrumbs((gettext_lazy("Participation"), "participation:process_list"))


def _process_crumb(process):
    return (process.title, reverse("participation:process_detail", args=[process.pk]))


# --- Staff: processes -------------------------------------------------------------------------
@login_required
def process_list(request):
    tenant = _tenant(request)
    form = ProcessFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, queries.process_list(tenant=tenant, status=filters.get("status", ""),
                                                  search=filters.get("search", "")))
    return render(request, "participation/process_list.html", {
        "form": form, "page_obj": page, "public_url": reverse("participation:public_list", args=[tenant.slug]),
        "can_manage": request.user.has_perm("participation.manage_processes", tenant),
        "crumbs": [(_("Participation"), None)],
    })


@login_required
def process_create(request):
    tenant = _tenant(request, "participation.manage_processes")
    form = ProcessForm(request.POST or None, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.process_create(actor=request.user, tenant=tenant, **d),
        success_url=lambda p: reverse("participation:process_detail", args=[p.pk]),
        success_message=_("The process was created as a draft."),
        context={"title": _("New participation process"), "cancel_url": reverse("participation:process_list"),
                 "crumbs": _crumbs((_("New participation process"), None))},
    )


@login_required
def process_detail(request, pk):
    tenant = _tenant(request)
    process = queries.process_detail(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("participation.manage_processes", process)
    return render(request, "participation/process_detail.html", {
        "process": process, "can_manage": can_manage,
        "transitions": PROCESS_MACHINE.available(process, request.user),
        "activity_transitions": {a.pk: ACTIVITY_MACHINE.available(a, request.user) for a in process.activities.all()},
        "public_url": reverse("participation:public_detail", args=[process.code]),
        "can_moderate": request.user.has_perm("participation.moderate", process),
        "waiting": queries.moderation_queue(process=process).count(),
        "input_count": process.inputs.count(),
        "surveys": queries.survey_list(process=process),
        "followers": queries.subscriber_counts(process=process),
        **history_context(request, tenant, process),
        "crumbs": _crumbs((process.title, None)),
    })


@login_required
def process_edit(request, pk):
    tenant = _tenant(request, "participation.manage_processes")
    process = queries.process_get(tenant=tenant, pk=pk)
    form = ProcessForm(request.POST or None, instance=process, tenant=tenant)
    return form_page(
        request, form=form,
        save=lambda d: services.process_update(actor=request.user, process=process, **d),
        success_url=reverse("participation:process_detail", args=[process.pk]),
        success_message=_("The process was saved."),
        context={"title": _("Edit %(title)s") % {"title": process.title},
                 "cancel_url": reverse("participation:process_detail", args=[process.pk]),
                 "crumbs": _crumbs(_process_crumb(process), (_("Edit"), None))},
    )


# One view changes the status of every kind of row, through its state machine: the machine decides
# which changes exist and who may make them (the service applies it), the table says which row,
# which permission to reach it, and where to go back to.
STATUS_CHANGES = {
    "process": ("participation.manage_processes", queries.process_get, services.process_set_status, "process",
                lambda p: reverse("participation:process_detail", args=[p.pk])),
    "activity": ("participation.manage_processes", queries.activity_get, services.activity_set_status, "activity",
                 lambda a: reverse("participation:process_detail", args=[a.process_id])),
    "input": ("participation.moderate", queries.input_get, services.input_set_status, "item",
              lambda i: reverse("participation:moderation", args=[i.process_id])),
    "survey": ("participation.manage_processes", queries.survey_get, services.survey_set_status, "survey",
               lambda s: reverse("participation:survey_detail", args=[s.pk])),
}


@login_required
@require_POST
def status_change(request, entity, pk):
    """Move a process, activity, input or survey to another status (with a reason where the machine
    asks for one); a change the machine does not offer this user is refused with its message."""
    perm, get, change, argument, back = STATUS_CHANGES[entity]
    obj = get(tenant=_tenant(request, perm), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        change(actor=request.user, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"],
               **{argument: obj})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status was changed."))
    return redirect(back(obj))


# --- Staff: phases, stakeholder map, plan -----------------------------------------------------
def _sub_form(request, *, process, form, save, title, message):
    back = reverse("participation:process_detail", args=[process.pk])
    return form_page(request, form=form, save=save, success_url=back, success_message=message,
                     context={"title": title, "cancel_url": back,
                              "crumbs": _crumbs(_process_crumb(process), (title, None))})


def _manage(request, get, pk):
    """A row of a process (phase, target group, activity) the user may manage, within their municipality."""
    return get(tenant=_tenant(request, "participation.manage_processes"), pk=pk)


def _remove(request, obj, delete, message):
    delete(actor=request.user, obj=obj)
    messages.success(request, message)
    return redirect("participation:process_detail", obj.process_id)


@login_required
def phase_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=PhaseForm(request.POST or None),
                     save=lambda d: services.phase_create(actor=request.user, process=process, **d),
                     title=_("Add phase"), message=_("The phase was added."))


@login_required
def phase_edit(request, pk):
    phase = _manage(request, queries.phase_get, pk)
    return _sub_form(request, process=phase.process, form=PhaseForm(request.POST or None, instance=phase),
                     save=lambda d: services.phase_update(actor=request.user, phase=phase, **d),
                     title=_("Edit phase"), message=_("The phase was saved."))


@login_required
@require_POST
def phase_delete(request, pk):
    return _remove(request, _manage(request, queries.phase_get, pk),
                   lambda actor, obj: services.phase_delete(actor=actor, phase=obj), _("The phase was removed."))


@login_required
def target_group_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=TargetGroupForm(request.POST or None),
                     save=lambda d: services.target_group_create(actor=request.user, process=process, **d),
                     title=_("Add target group"), message=_("The target group was added."))


@login_required
def target_group_edit(request, pk):
    group = _manage(request, queries.target_group_get, pk)
    return _sub_form(request, process=group.process, form=TargetGroupForm(request.POST or None, instance=group),
                     save=lambda d: services.target_group_update(actor=request.user, group=group, **d),
                     title=_("Edit target group"), message=_("The target group was saved."))


@login_required
@require_POST
def target_group_delete(request, pk):
    return _remove(request, _manage(request, queries.target_group_get, pk),
                   lambda actor, obj: services.target_group_delete(actor=actor, group=obj),
                   _("The target group was removed."))


@login_required
def activity_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    return _sub_form(request, process=process, form=ActivityForm(request.POST or None, process=process),
                     save=lambda d: services.activity_create(actor=request.user, process=process, **d),
                     title=_("Add activity"), message=_("The activity was added to the plan."))


@login_required
def activity_edit(request, pk):
    activity = _manage(request, queries.activity_get, pk)
    form = ActivityForm(request.POST or None, instance=activity, process=activity.process)
    return _sub_form(request, process=activity.process, form=form,
                     save=lambda d: services.activity_update(actor=request.user, activity=activity, **d),
                     title=_("Edit activity"), message=_("The activity was saved."))


# --- Public pages (no login) ------------------------------------------------------------------
def public_list(request, slug):
    tenant = queries.public_tenant(slug=slug)
    return render(request, "participation/public_list.html", {
        "public_tenant": tenant, "processes": queries.public_processes(tenant=tenant)})


def public_detail(request, code):
    process = queries.process_by_code(code=code, user=request.user)
    staff = request.user.has_perm("participation.view_processes", process.tenant)
    participant, _invite = _who(request, process)
    order = "support" if request.GET.get("order") == "support" else "new"
    return render(request, "participation/public_detail.html", {
        "process": process, "public_tenant": process.tenant, "is_staff": staff,
        "status_label": PROCESS_MACHINE.label(process.status), "order": order,
        "ideas": paginate(request, queries.public_ideas(process=process, order=order), per_page=20),
        "is_open": process.status == Process.Status.OPEN, "may_give_input": participant is not None or (
            process.identity == Process.Identity.ANONYMOUS),
        "has_own": queries.my_inputs(process=process, participant=participant).exists(),
        "surveys": queries.open_surveys(process=process) if process.status == Process.Status.OPEN else [],
        "feedback_visible": process.feedback_published_at is not None,
        "plans": queries.plan_list(process=process), "news": queries.public_news(process=process)[:5],
    })


# --- Giving input (public, by the process's code) ---------------------------------------------
def _who(request, process, create=False):
    """(participant key, invite) of this visitor for the process, or (None, None) when the process's
    identity setting does not let them take part (yet)."""
    try:
        return identity.participant(request, process, create=create)
    except PermissionDenied:
        return None, None


def _open_process(request, code):
    """The process to take part in, and who takes part; refuses politely when that is not possible."""
    process = queries.process_by_code(code=code, user=request.user)
    if process.status != Process.Status.OPEN:
        messages.error(request, _("This process is not open for input."))
        return process, None, None, redirect("participation:public_detail", process.code)
    participant, invite = _who(request, process, create=True)
    if participant is None:
        if process.identity == Process.Identity.LOGGED_IN:
            return process, None, None, redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("This process takes input by invitation. Use the link you were sent."))
    return process, participant, invite, None


def invite_link(request, code, invite):
    """A personal invite link: remembers the code in the session and opens the process."""
    process = queries.process_by_code(code=code, user=request.user)
    found = queries.invite_get(process=process, code=invite)
    if found is None:
        raise Http404
    request.session[identity.invite_session_key(process)] = found.code
    return redirect("participation:public_detail", process.code)


def input_create(request, code):
    process, participant, invite, refusal = _open_process(request, code)
    if refusal:
        return refusal
    form = InputForm(request.POST or None, process=process, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.input_submit(process=process, participant=participant, invite=invite, user=request.user,
                                         title=d["title"], body=d["body"], target_group=d.get("target_group"),
                                         age_band=d.get("age_band", ""), postal_code=d.get("postal_code", ""),
                                         notify_email=d.get("notify_email", ""))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _thank(request, item)
            return redirect("participation:input_detail", process.code, item.code)
    return render(request, "participation/input_form.html", {
        "form": form, "process": process, "public_tenant": process.tenant},
        status=422 if request.method == "POST" else 200)


def _thank(request, item):
    if item.status == Input.Status.PUBLISHED:
        messages.success(request, _("Thank you! Your input is published."))
    else:
        messages.success(request, _("Thank you! Your input will be published when a moderator has read it."))
    if item.masked:
        messages.warning(request, _("We removed personal data (identity numbers, phone numbers or e-mail "
                                    "addresses) from your text before saving it."))


def input_detail(request, code, input_code):
    process = queries.process_by_code(code=code, user=request.user)
    participant, _invite = _who(request, process)
    item = queries.input_by_code(process=process, code=input_code, participant=participant or "", user=request.user)
    is_open = process.status == Process.Status.OPEN
    return render(request, "participation/input_detail.html", {
        "process": process, "public_tenant": process.tenant, "item": item, "is_open": is_open,
        "own": bool(participant) and item.participant == participant,
        "supported": queries.has_supported(item=item, participant=participant),
        "comments": queries.input_comments(item=item), "comment_form": CommentForm(), "report_form": ReportForm(),
    })


def _input_post(request, code, input_code):
    process, participant, invite, refusal = _open_process(request, code)
    item = None
    if not refusal:
        item = queries.input_by_code(process=process, code=input_code, participant=participant, user=request.user)
    return process, participant, invite, item, refusal


@require_POST
def input_support(request, code, input_code):
    process, participant, _invite, item, refusal = _input_post(request, code, input_code)
    if refusal:
        return refusal
    try:
        added = services.support_add(item=item, participant=participant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for your support.") if added
                         else _("You already support this idea."))
    return redirect("participation:input_detail", process.code, item.code)


@require_POST
def input_comment(request, code, input_code):
    process, participant, invite, item, refusal = _input_post(request, code, input_code)
    if refusal:
        return refusal
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.input_submit(process=process, participant=participant, invite=invite,
                                            user=request.user, kind=Input.Kind.COMMENT, parent=item,
                                            body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _thank(request, comment)
    else:
        messages.error(request, _("Write a comment first."))
    return redirect("participation:input_detail", process.code, item.code)


@require_POST
def input_report(request, code, input_code):
    process, participant, _invite, item, refusal = _input_post(request, code, input_code)
    if refusal:
        return refusal
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.report_abuse(item=item, participant=participant, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return redirect("participation:input_detail", process.code, item.code)


def my_input(request, code):
    """The visitor's own input to the process, with its status — and a way to delete it."""
    process = queries.process_by_code(code=code, user=request.user)
    participant, _invite = _who(request, process)
    return render(request, "participation/my_input.html", {
        "process": process, "public_tenant": process.tenant,
        "items": queries.my_inputs(process=process, participant=participant)})


@require_POST
def input_delete(request, code, input_code):
    process = queries.process_by_code(code=code, user=request.user)
    participant, _invite = _who(request, process)
    if not participant:
        raise Http404
    item = queries.input_by_code(process=process, code=input_code, participant=participant)
    if item.participant != participant:
        raise Http404
    services.input_delete_own(item=item, participant=participant)
    messages.success(request, _("Your input was deleted."))
    return redirect("participation:my_input", process.code)


# --- Staff: moderation and invite codes -------------------------------------------------------
@login_required
def moderation(request, pk):
    tenant = _tenant(request, "participation.moderate")
    process = queries.process_get(tenant=tenant, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in Input.Status.values else ""
    queue = list(queries.moderation_queue(process=process))
    return render(request, "participation/moderation.html", {
        "process": process, "queue": queue, "status": status, "statuses": Input.Status.choices,
        "transitions": {i.pk: INPUT_MACHINE.available(i, request.user) for i in queue},
        "page_obj": paginate(request, queries.input_list(process=process, status=status)),
        "crumbs": _crumbs(_process_crumb(process), (_("Moderation"), None)),
    })


@login_required
@require_POST
def input_reviewed(request, pk):
    tenant = _tenant(request, "participation.moderate")
    item = queries.input_get(tenant=tenant, pk=pk)
    services.input_mark_reviewed(actor=request.user, item=item)
    messages.success(request, _("Marked as reviewed."))
    return redirect("participation:moderation", item.process_id)


@login_required
def invites(request, pk):
    tenant = _tenant(request, "participation.manage_processes")
    process = queries.process_get(tenant=tenant, pk=pk)
    form = InviteForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invites_create(actor=request.user, process=process, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(n)d invite codes were created.") % {"n": len(created)})
            return redirect("participation:invites", process.pk)
    return render(request, "participation/invites.html", {
        "process": process, "form": form, "invites": paginate(request, queries.invite_list(process=process)),
        "crumbs": _crumbs(_process_crumb(process), (_("Invite codes"), None)),
    }, status=422 if request.method == "POST" else 200)


@login_required
def invites_csv(request, pk):
    tenant = _tenant(request, "participation.manage_processes")
    process = queries.process_get(tenant=tenant, pk=pk)
    rows = [[i.label, str(i.target_group or ""), i.code,
             request.build_absolute_uri(reverse("participation:invite_link", args=[process.code, i.code]))]
            for i in queries.invite_list(process=process) if not i.revoked]
    return download(write_csv([_("Label"), _("Target group"), _("Code"), _("Link")], rows),
                    f"invite-codes-{process.code}.csv")


# --- Surveys ------------------------------------------------------------------------------------
@login_required
def survey_create(request, pk):
    process = _manage(request, queries.process_get, pk)
    form = SurveyForm(request.POST or None)
    title = _("New survey")
    return form_page(request, form=form,
                     save=lambda d: services.survey_create(actor=request.user, process=process, **d),
                     success_url=lambda s: reverse("participation:survey_detail", args=[s.pk]),
                     success_message=_("The survey was created. Add its questions."),
                     context={"title": title, "cancel_url": reverse("participation:process_detail", args=[process.pk]),
                              "crumbs": _crumbs(_process_crumb(process), (title, None))})


def _survey_crumbs(survey, *extra):
    return _crumbs(_process_crumb(survey.process),
                   (survey.title, reverse("participation:survey_detail", args=[survey.pk]) if extra else None), *extra)


@login_required
def survey_detail(request, pk):
    tenant = _tenant(request)
    survey = queries.survey_get(tenant=tenant, pk=pk)
    can_manage = request.user.has_perm("participation.manage_processes", survey)
    form = QuestionForm(request.POST or None, process=survey.process)
    if request.method == "POST":
        require_perm(request, "participation.manage_processes", survey)
        if form.is_valid():
            try:
                services.question_add(actor=request.user, survey=survey, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The question was added."))
                return redirect("participation:survey_detail", survey.pk)
    return render(request, "participation/survey_detail.html", {
        "survey": survey, "process": survey.process, "questions": survey.questions.all(), "form": form,
        "can_manage": can_manage, "transitions": SURVEY_MACHINE.available(survey, request.user),
        "response_count": survey.responses.count(),
        "public_url": reverse("participation:survey_answer", args=[survey.process.code, survey.code]),
        "crumbs": _survey_crumbs(survey),
    }, status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def question_delete(request, pk):
    question = _manage(request, queries.question_get, pk)
    try:
        services.question_delete(actor=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The question was removed."))
    return redirect("participation:survey_detail", question.survey_id)


@login_required
def survey_preview(request, pk):
    survey = queries.survey_get(tenant=_tenant(request), pk=pk)
    return render(request, "participation/survey_answer.html", {
        "survey": survey, "process": survey.process, "public_tenant": survey.process.tenant, "preview": True,
        "form": AnswerForm(survey=survey, places=queries.place_choices(survey.process)),
        "crumbs": _survey_crumbs(survey, (_("Preview"), None)),
    })


@login_required
def survey_results(request, pk):
    survey = queries.survey_get(tenant=_tenant(request), pk=pk)
    responses, results = queries.survey_results(survey=survey)
    return render(request, "participation/survey_results.html", {
        "survey": survey, "responses": responses, "results": results,
        "crumbs": _survey_crumbs(survey, (_("Results"), None)),
    })


def survey_answer(request, code, survey_code):
    """A citizen answers a survey (who may: the process's identity setting, as for ideas)."""
    process = queries.process_by_code(code=code, user=request.user)
    survey = queries.survey_by_code(process=process, code=survey_code)
    context = {"survey": survey, "process": process, "public_tenant": process.tenant}
    if survey.status != survey.Status.OPEN:
        return render(request, "participation/survey_answer.html", {**context, "closed": True})
    _process, participant, _invite, refusal = _open_process(request, code)
    if refusal:
        return refusal
    form = AnswerForm(request.POST or None, survey=survey, places=queries.place_choices(process))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(survey=survey, participant=participant, answers=form.answers())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                if target is None and f"{field}_0" in form.fields:
                    target = f"{field}_0"
                for error in errors:
                    form.add_error(target, error)
        else:
            messages.success(request, _("Thank you for answering!"))
            return redirect("participation:public_detail", process.code)
    return render(request, "participation/survey_answer.html", {**context, "form": form},
                  status=422 if request.method == "POST" else 200)
