"""Reads of participation; every function is scoped by tenant (or, for public pages, by public code)."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from torg.accounts.models import Tenant
from torg.core.ids import normalize_public_code

from .models import (PUBLIC_STATES, AbuseReport, Activity, Answer, Input, InviteCode, Phase, Process, Question, Survey,
                     TargetGroup)


def process_list(*, tenant, status="", search=""):
    qs = Process.objects.filter(tenant=tenant).select_related("responsible_unit").annotate(
        activity_count=Count("activities", distinct=True))
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(purpose__icontains=search))
    return qs.order_by("-created_at", "-id")


def process_get(*, tenant, pk):
    return get_object_or_404(Process.objects.select_related("responsible_unit"), tenant=tenant, pk=pk)


def _with_plan(qs):
    return qs.select_related("responsible_unit").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "id")),
        Prefetch("target_groups", queryset=TargetGroup.objects.order_by("id")),
        Prefetch("activities", queryset=Activity.objects.select_related("room__building", "room__floor")
                 .prefetch_related("target_groups").order_by("starts_at", "id")),
        "properties", "buildings", "rooms__building")


def process_detail(*, tenant, pk):
    """One process with its phases, stakeholder map, plan and places (a few queries in all)."""
    return get_object_or_404(_with_plan(Process.objects.filter(tenant=tenant)), pk=pk)


def process_by_code(*, code, user=None):
    """A process addressed by its public code: published, or any state for staff of its municipality.
    Anyone else (other municipalities, citizens, anonymous) gets 404 for a draft — never a hint it exists."""
    code = normalize_public_code(code or "")
    if not code:
        raise Http404
    process = get_object_or_404(_with_plan(Process.objects.select_related("tenant")), code=code)
    if not process.is_public and not (user is not None and user.has_perm("participation.view_process", process)):
        raise Http404
    return process


def public_tenant(*, slug):
    return get_object_or_404(Tenant, slug=slug)


def public_processes(*, tenant):
    """The municipality's processes anyone may read (everything but drafts and archived)."""
    return (Process.objects.filter(tenant=tenant, status__in=PUBLIC_STATES)
            .exclude(status=Process.Status.ARCHIVED).select_related("responsible_unit")
            .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "id")))
            .order_by("-created_at", "-id"))


def activity_get(*, tenant, pk):
    return get_object_or_404(Activity.objects.select_related("process", "room__building"), tenant=tenant, pk=pk)


def activity_list(*, process):
    return (Activity.objects.filter(process=process).select_related("room__building", "room__floor")
            .prefetch_related("target_groups").order_by("starts_at", "id"))


def phase_get(*, tenant, pk):
    return get_object_or_404(Phase.objects.select_related("process"), tenant=tenant, pk=pk)


def target_group_get(*, tenant, pk):
    return get_object_or_404(TargetGroup.objects.select_related("process"), tenant=tenant, pk=pk)


def processes_for_building(*, tenant, building, public_only=True):
    """The processes that concerned a building: linked to it, to one of its rooms or to its property."""
    qs = Process.objects.filter(tenant=tenant).filter(
        Q(buildings=building) | Q(rooms__building=building) | Q(properties=building.property_id)).distinct()
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATES)
    return qs.order_by("-created_at", "-id")


def processes_for_property(*, tenant, prop, public_only=True):
    """The processes that concerned a property: linked to it, to one of its buildings or their rooms."""
    qs = Process.objects.filter(tenant=tenant).filter(
        Q(properties=prop) | Q(buildings__property=prop) | Q(rooms__building__property=prop)).distinct()
    if public_only:
        qs = qs.filter(status__in=PUBLIC_STATES)
    return qs.order_by("-created_at", "-id")


# --- Input ------------------------------------------------------------------------------------
def _published_comments():
    return Count("comments", filter=Q(comments__status=Input.Status.PUBLISHED), distinct=True)


def public_ideas(*, process, order="new"):
    """The published ideas of a process with their support and comment counts."""
    qs = Input.objects.filter(process=process, kind=Input.Kind.IDEA, status=Input.Status.PUBLISHED).annotate(
        support_count=Count("supports", distinct=True), comment_count=_published_comments())
    return qs.order_by("-support_count", "-created_at", "-id") if order == "support" else qs.order_by("-created_at", "-id")


def input_by_code(*, process, code, participant="", user=None):
    """One idea or comment by its public code: published, or the participant's own, or for moderators."""
    code = normalize_public_code(code or "")
    item = get_object_or_404(Input.objects.select_related("target_group", "parent").annotate(
        support_count=Count("supports", distinct=True)), process=process, code=code or "")
    if item.status == Input.Status.PUBLISHED or (participant and item.participant == participant):
        return item
    if user is not None and user.has_perm("participation.moderate", item):
        return item
    raise Http404


def input_comments(*, item):
    return Input.objects.filter(parent=item, status=Input.Status.PUBLISHED).order_by("created_at", "id")


def my_inputs(*, process, participant):
    if not participant:
        return Input.objects.none()
    return Input.objects.filter(process=process, participant=participant).order_by("-created_at", "-id")


def has_supported(*, item, participant):
    return bool(participant) and item.supports.filter(participant=participant).exists()


def moderation_queue(*, process):
    """Input waiting for the moderator: pending (pre-moderation), or flagged — personal data masked,
    or reported by someone — with the reports' reasons."""
    return (Input.objects.filter(process=process).filter(Q(status=Input.Status.PENDING) | Q(needs_review=True))
            .select_related("parent", "target_group")
            .prefetch_related(Prefetch("reports", queryset=AbuseReport.objects.filter(handled=False)))
            .order_by("created_at", "id"))


def input_list(*, process, status=""):
    qs = Input.objects.filter(process=process).select_related("parent", "target_group").annotate(
        support_count=Count("supports", distinct=True))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def input_get(*, tenant, pk):
    return get_object_or_404(Input.objects.select_related("process"), tenant=tenant, pk=pk)


def invite_list(*, process):
    return InviteCode.objects.filter(process=process).select_related("target_group").order_by("id")


def invite_get(*, process, code):
    return InviteCode.objects.filter(process=process, code=normalize_public_code(code or "") or "",
                                     revoked=False).first()


# --- Surveys ----------------------------------------------------------------------------------
def survey_list(*, process):
    return Survey.objects.filter(process=process).annotate(
        question_count=Count("questions", distinct=True), response_count=Count("responses", distinct=True))


def survey_get(*, tenant, pk):
    return get_object_or_404(Survey.objects.select_related("process"), tenant=tenant, pk=pk)


def open_surveys(*, process):
    return Survey.objects.filter(process=process, status=Survey.Status.OPEN).order_by("created_at", "id")


def survey_by_code(*, process, code):
    return get_object_or_404(Survey, process=process, code=normalize_public_code(code or "") or "",
                             status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])


def question_get(*, tenant, pk):
    return get_object_or_404(Question.objects.select_related("survey__process"), tenant=tenant, pk=pk)


def _bar(label, count, total, text=None):
    percent = round(100 * count / total) if total else 0
    return {"label": label, "count": count, "percent": percent, "text": text}


def survey_results(*, survey):
    """Per question, what the answers add up to — counts with percentages for choices, scales and
    places, the average rank, points in total, and the free texts — for the results page and API."""
    from collections import Counter, defaultdict

    from .services import place_choices

    responses = survey.responses.count()
    by_question = defaultdict(list)
    for question_id, value in Answer.objects.filter(response__survey=survey).values_list("question_id", "value"):
        by_question[question_id].append(value)
    places = None
    results = []
    K = Question.Kind
    for q in survey.questions.all():
        values = by_question.get(q.pk, [])
        answered = len(values)
        item = {"question": q, "answered": answered, "bars": [], "texts": [], "average": None}
        if q.kind in (K.SINGLE, K.MULTIPLE):
            counts = Counter(v for value in values for v in (value if isinstance(value, list) else [value]))
            item["bars"] = [_bar(o, counts.get(i, 0), answered) for i, o in enumerate(q.options)]
        elif q.kind == K.SCALE:
            counts = Counter(values)
            item["bars"] = [_bar(str(v), counts.get(v, 0), answered) for v in range(q.scale_min, q.scale_max + 1)]
            item["average"] = round(sum(values) / answered, 2) if answered else None
        elif q.kind == K.RANKING:
            n = len(q.options)
            totals = [0] * n
            for value in values:
                for rank, option in enumerate(value, start=1):
                    totals[option] += rank
            ranked = sorted(range(n), key=lambda i: totals[i])
            # the bar shows how high an option was ranked: first place everywhere = 100 %
            item["bars"] = [_bar(q.options[i], n - totals[i] / answered if answered else 0, n - 1 if n > 1 else 1,
                                 text=round(totals[i] / answered, 2) if answered else None) for i in ranked]
        elif q.kind == K.POINTS:
            totals = [sum(v[i] for v in values) for i in range(len(q.options))]
            grand = sum(totals)
            item["bars"] = sorted((_bar(o, totals[i], grand, text=round(totals[i] / answered, 1) if answered else None)
                                   for i, o in enumerate(q.options)), key=lambda b: -b["count"])
        elif q.kind == K.PLACE:
            places = places if places is not None else dict(place_choices(survey.process))
            counts = Counter(values)
            item["bars"] = sorted((_bar(places.get(k, k), c, answered) for k, c in counts.items()),
                                  key=lambda b: -b["count"])
        elif q.kind == K.TEXT:
            item["texts"] = values[-200:]
        results.append(item)
    return responses, results
