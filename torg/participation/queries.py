"""Reads of participation; every function is scoped by tenant (or, for public pages, by public code)."""

from collections import Counter, defaultdict

from django.db.models import Count, IntegerField, Prefetch, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from torg.accounts.models import Tenant
from torg.core.ids import normalize_public_code
from torg.places.models import Building, Room

from .models import (PUBLIC_STATES, AbuseReport, Activity, ActivityPhoto, Answer, FloorPlan, Input, InviteCode, News,
                     Phase, PlanArea, Process, Question, Subscription, Survey, TargetGroup)


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
    item = get_object_or_404(Input.objects.select_related("target_group", "parent", "plan", "area").annotate(
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


def place_choices(process):
    """The places a place question offers: the process's buildings and their rooms ("building:<id>")."""
    buildings = Building.objects.filter(tenant=process.tenant, pk__in=process.buildings.values("pk")).order_by("name")
    rooms = (Room.objects.filter(tenant=process.tenant, archived=False, building__in=buildings)
             .select_related("building").order_by("building__name", "number"))
    return ([(f"building:{b.pk}", b.name) for b in buildings]
            + [(f"room:{r.pk}", f"{r.building.name}, {r.number}{' ' + r.name if r.name else ''}") for r in rooms])


def survey_results(*, survey):
    """Per question, what the answers add up to — counts with percentages for choices, scales and
    places, the average rank, points in total, and the latest free texts — for the results page
    and API. The database does the counting: answers are grouped by value (a choice, a scale step,
    a set of choices, an order of options) and counted, points are summed per option, so the work
    here is proportional to the number of distinct answers, not to the number of responses."""
    responses = survey.responses.count()
    answers = Answer.objects.filter(question__survey=survey)
    groups = defaultdict(list)  # question id -> [(value, count)]
    for question_id, value, n in (answers.exclude(question__kind__in=[Question.Kind.TEXT, Question.Kind.POINTS])
                                  .exclude(question__kind=Question.Kind.PLACE, question__plan__isnull=False)
                                  .values("question_id", "value").annotate(n=Count("id"))
                                  .values_list("question_id", "value", "n")):
        groups[question_id].append((value, n))
    answered = dict(answers.values("question_id").annotate(n=Count("id")).values_list("question_id", "n"))
    places = None
    results = []
    K = Question.Kind
    for q in survey.questions.select_related("plan"):
        count = answered.get(q.pk, 0)
        values = groups.get(q.pk, [])
        item = {"question": q, "answered": count, "bars": [], "texts": [], "average": None}
        if q.kind in (K.SINGLE, K.MULTIPLE):
            counts = Counter()
            for value, n in values:
                for v in (value if isinstance(value, list) else [value]):
                    counts[v] += n
            item["bars"] = [_bar(o, counts.get(i, 0), count) for i, o in enumerate(q.options)]
        elif q.kind == K.SCALE:
            counts = dict(values)
            item["bars"] = [_bar(str(v), counts.get(v, 0), count) for v in range(q.scale_min, q.scale_max + 1)]
            item["average"] = round(sum(v * n for v, n in values) / count, 2) if count else None
        elif q.kind == K.RANKING:
            n_opt = len(q.options)
            totals = [0] * n_opt
            for value, n in values:
                for rank, option in enumerate(value, start=1):
                    totals[option] += rank * n
            ranked = sorted(range(n_opt), key=lambda i: totals[i])
            # the bar shows how high an option was ranked: first place everywhere = 100 %
            item["bars"] = [_bar(q.options[i], n_opt - totals[i] / count if count else 0, n_opt - 1 if n_opt > 1 else 1,
                                 text=round(totals[i] / count, 2) if count else None) for i in ranked]
        elif q.kind == K.POINTS:
            sums = answers.filter(question=q).aggregate(**{
                f"o{i}": Sum(Cast(KT(f"value__{i}"), IntegerField())) for i in range(len(q.options))})
            totals = [sums[f"o{i}"] or 0 for i in range(len(q.options))]
            grand = sum(totals)
            item["bars"] = sorted((_bar(o, totals[i], grand, text=round(totals[i] / count, 1) if count else None)
                                   for i, o in enumerate(q.options)), key=lambda b: -b["count"])
        elif q.kind == K.PLACE and q.plan_id:
            areas = dict(q.plan.areas.values_list("pk", "name"))
            by_area = (answers.filter(question=q).annotate(area=KT("value__area")).values("area")
                       .annotate(n=Count("id")).values_list("area", "n"))
            item["bars"] = sorted((_bar(areas.get(int(a), "?") if a not in (None, "", "null") else _("No named area"),
                                        n, count) for a, n in by_area), key=lambda b: -b["count"])
            item["pins"] = list(answers.filter(question=q).values_list("value", flat=True).order_by("-id")[:500])
        elif q.kind == K.PLACE:
            places = places if places is not None else dict(place_choices(survey.process))
            item["bars"] = sorted((_bar(places.get(k, k), n, count) for k, n in values), key=lambda b: -b["count"])
        elif q.kind == K.TEXT:
            item["texts"] = list(reversed(answers.filter(question=q).order_by("-id")
                                          .values_list("value", flat=True)[:200]))
        results.append(item)
    return responses, results


# --- Input channels: meeting photos, plans and pins, news ---------------------------------------
def activity_photos(*, activity):
    return ActivityPhoto.objects.filter(activity=activity).order_by("pk")


def activity_photo_get(*, tenant, pk):
    return get_object_or_404(ActivityPhoto.objects.select_related("activity__process"), tenant=tenant, pk=pk)


def recorded_inputs(*, process, activity=None):
    """What staff recorded from meetings and on paper, newest first."""
    qs = Input.objects.filter(process=process, kind=Input.Kind.NOTE).select_related("activity", "target_group")
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs.order_by("-created_at", "-id")


def plan_list(*, process):
    return FloorPlan.objects.filter(process=process).select_related("activity").annotate(
        pin_count=Count("pins", filter=Q(pins__status=Input.Status.PUBLISHED), distinct=True)).order_by("id")


def plan_get(*, tenant, pk):
    return get_object_or_404(FloorPlan.objects.select_related("process", "activity"), tenant=tenant, pk=pk)


def public_plan(*, process, pk):
    return get_object_or_404(FloorPlan.objects.prefetch_related("areas"), process=process, pk=pk)


def area_get(*, tenant, pk):
    return get_object_or_404(PlanArea.objects.select_related("plan__process"), tenant=tenant, pk=pk)


def plan_pins(*, plan, participant="", everything=False):
    """The pins of a plan with their area, oldest first: the published ones and the participant's own
    (or every pin, for staff)."""
    qs = Input.objects.filter(plan=plan, kind=Input.Kind.PIN).select_related("area")
    if not everything:
        qs = qs.filter(Q(status=Input.Status.PUBLISHED) | Q(participant=participant) if participant
                       else Q(status=Input.Status.PUBLISHED))
    return qs.order_by("created_at", "id")


def public_news(*, process):
    return News.objects.filter(process=process).order_by("-created_at", "-id")


def subscriber_counts(*, process):
    """How many follow the process (confirmed), for its staff page."""
    return Subscription.objects.filter(process=process, confirmed_at__isnull=False).aggregate(
        news=Count("id", filter=Q(news=True)), feedback=Count("id", filter=Q(feedback=True)))
