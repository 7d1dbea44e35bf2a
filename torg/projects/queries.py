"""Reads of projects; every function is scoped by tenant."""

import datetime as dt

from django.db.models import (BooleanField, Case, Count, DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value,
                              When)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from torg.participation import analysis_queries as participation_analysis
from torg.participation import queries as participation_queries

from .models import (REMINDER_DAYS_BEFORE, REPORT_DUE_DAY, Benefit, Decision, DecisionItem, Dependency, Document, Gate,
                     GateItem, Measurement, Milestone, Phase, Project, ProjectModel, Risk, StatusReport, Actual)

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=0))


def _released():
    return Coalesce(Subquery(Decision.objects.filter(project=OuterRef("pk"), status=Decision.Status.APPROVED)
                             .values("project").annotate(s=Sum("released_amount")).values("s")), ZERO)


def portfolio(*, tenant, status="", model=None, phase="", search="", programme=None):
    """The municipality's projects and programmes with their phase, model and the money released."""
    qs = (Project.objects.filter(tenant=tenant)
          .select_related("phase", "model", "manager", "owner", "programme")
          .annotate(released=_released()))
    if status:
        qs = qs.filter(status=status)
    if model:
        qs = qs.filter(model__key=model)
    if phase:
        qs = qs.filter(phase__name=phase)
    if programme:
        qs = qs.filter(Q(programme=programme) | Q(pk=programme.pk))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(number__icontains=search) | Q(finance_number__icontains=search))
    return qs.order_by("number")


def phase_names(*, tenant):
    """The phase names of the municipality's models, in model order (for the portfolio filter)."""
    seen, names = set(), []
    for name in Phase.objects.filter(tenant=tenant).order_by("model__kind", "position").values_list("name", flat=True):
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def project_get(*, tenant, pk):
    return get_object_or_404(Project.objects.select_related("phase", "model", "owner", "manager"), tenant=tenant, pk=pk)


def project_detail(*, tenant, pk):
    """One project with its model's phases, its decisions (with the checklist counts), places and
    sub-projects — a few queries in all."""
    decisions = (Decision.objects.select_related("gate__phase", "decided_by")
                 .annotate(open_count=Count("items", filter=Q(items__state=DecisionItem.State.OPEN,
                                                               items__gate_item__required=True)))
                 .order_by("gate__phase__position"))
    return get_object_or_404(
        Project.objects.select_related("phase", "model", "owner", "manager", "programme", "responsible_unit")
        .annotate(released=_released())
        .prefetch_related(Prefetch("model__phases", queryset=Phase.objects.order_by("position")),
                          Prefetch("decisions", queryset=decisions), "steering_group", "properties",
                          "buildings__property",
                          Prefetch("sub_projects", queryset=Project.objects.select_related("phase")
                                   .order_by("number"))),
        tenant=tenant, pk=pk)


def programmes(*, tenant):
    return Project.objects.filter(tenant=tenant, is_programme=True).order_by("number")


def latest_documents(*, project):
    """The newest version of each of the project's documents, by kind."""
    latest = {}
    for document in project.documents.select_related("written_by", "approved_by__gate").order_by("kind", "-version"):
        latest.setdefault(document.kind, document)
    return latest


def document_versions(*, project, kind):
    return project.documents.filter(kind=kind).select_related("written_by", "approved_by__gate").order_by("-version")


def document_get(*, tenant, pk):
    return get_object_or_404(Document.objects.select_related("project", "written_by", "approved_by__gate"),
                             tenant=tenant, pk=pk)


def decision_get(*, tenant, pk):
    return get_object_or_404(Decision.objects.select_related("project__phase", "project__model", "gate__phase",
                                                             "decided_by"), tenant=tenant, pk=pk)


def decision_items(*, decision):
    return decision.items.select_related("gate_item").order_by("gate_item__position", "gate_item_id")


def decision_item_get(*, tenant, pk):
    return get_object_or_404(DecisionItem.objects.select_related("decision__project", "decision__gate", "gate_item"),
                             tenant=tenant, pk=pk)


def model_list(*, tenant):
    return (ProjectModel.objects.filter(tenant=tenant, archived=False)
            .annotate(project_count=Count("projects", distinct=True)).order_by("name", "-version"))


def models_for_new_projects(*, tenant):
    return ProjectModel.objects.filter(tenant=tenant, archived=False, is_current=True).order_by("name")


def model_detail(*, tenant, pk):
    return get_object_or_404(
        ProjectModel.objects.annotate(project_count=Count("projects", distinct=True)).prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("position").select_related("gate")),
            Prefetch("gates", queryset=Gate.objects.select_related("phase").prefetch_related(
                Prefetch("items", queryset=GateItem.objects.order_by("position", "id"))))),
        tenant=tenant, pk=pk)


def gate_get(*, tenant, pk):
    return get_object_or_404(Gate.objects.select_related("model", "phase"), tenant=tenant, pk=pk)


def phase_get(*, tenant, pk):
    return get_object_or_404(Phase.objects.select_related("model"), tenant=tenant, pk=pk)


def gate_item_get(*, tenant, pk):
    return get_object_or_404(GateItem.objects.select_related("gate__model", "gate__phase"), tenant=tenant, pk=pk)


def projects_for_building(*, tenant, building):
    """The projects that concern a building: linked to it or to its property."""
    return (Project.objects.filter(tenant=tenant)
            .filter(Q(buildings=building) | Q(properties=building.property_id)).distinct()
            .select_related("phase").order_by("number"))


# --- Follow-up --------------------------------------------------------------------------------
def _latest_report():
    return StatusReport.objects.filter(project=OuterRef("pk")).order_by("-period")


def _actual_sum():
    """The project's actual costs imported from the finance system, all months (None: none imported)."""
    return Subquery(Actual.objects.filter(project=OuterRef("pk")).values("project").annotate(s=Sum("amount"))
                    .values("s"), output_field=DecimalField(max_digits=16, decimal_places=2))


def actuals(*, project):
    """The project's actual costs by month, each with the running total."""
    rows, total = [], 0
    for actual in project.actuals.order_by("period"):
        total += actual.amount
        actual.running_total = total
        rows.append(actual)
    return rows


def with_latest_report(qs):
    """Annotate each project with its latest status report: month, overall light, late or not,
    spent and forecast. Spent is the sum of the actual costs imported from the finance system when
    there are any (`actual_spent`), else what the latest report says."""
    latest = _latest_report()
    return qs.annotate(
        report_period=Subquery(latest.values("period")[:1]),
        report_overall=Subquery(latest.values("overall")[:1]),
        report_late=Subquery(latest.annotate(late=Case(When(submitted_on__gt=F("due_on"), then=Value(True)),
                                                       default=Value(False), output_field=BooleanField()))
                             .values("late")[:1]),
        actual_spent=_actual_sum(),
        spent=Coalesce(_actual_sum(), Subquery(latest.values("spent")[:1])),
        forecast=Subquery(latest.values("forecast")[:1]),
    )


def month_start(day):
    return day.replace(day=1)


def report_due_on(period):
    """A month's report is due on REPORT_DUE_DAY of the following month."""
    following = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.replace(day=REPORT_DUE_DAY)


def reminder_period(today):
    """The month whose report is due next (on REPORT_DUE_DAY of this month or the next), and whether
    today is in its reminder window (from REMINDER_DAYS_BEFORE days before the due date to the due
    date itself)."""
    this_month = month_start(today)
    period = (this_month - dt.timedelta(days=1)).replace(day=1)
    if today.day > REPORT_DUE_DAY:
        period = this_month
    due = report_due_on(period)
    return period, due, due - dt.timedelta(days=REMINDER_DAYS_BEFORE) <= today <= due


def expected_period(today):
    """The latest month whose report is due by `today`."""
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return previous if today.day > REPORT_DUE_DAY else (previous - dt.timedelta(days=1)).replace(day=1)


def report_missing(project, today):
    """An active project whose latest due report has not come (projects started after it excepted)."""
    due = expected_period(today)
    if project.status != Project.Status.ACTIVE or (project.starts_on and project.starts_on > due):
        return False
    return project.report_period is None or project.report_period < due


def benefit_summary(*, projects):
    """{project id: (planned, realised)}: effect goals, and those whose latest measurement reached the target."""
    summary = {}
    latest = Measurement.objects.filter(benefit=OuterRef("pk")).order_by("-measured_on", "-id")
    for b in Benefit.objects.filter(project__in=projects).annotate(latest=Subquery(latest.values("value")[:1])):
        planned, realised = summary.get(b.project_id, (0, 0))
        summary[b.project_id] = (planned + 1, realised + (b.latest is not None and b.reached(b.latest)))
    return summary


def status_reports(*, project):
    return project.status_reports.select_related("submitted_by").order_by("-period")


def report_reminder_latest(*, project):
    """The latest reminder sent to the project's manager about a status report."""
    return project.report_reminders.order_by("-period").first()


def risks(*, project):
    return project.risks.select_related("owner").order_by("closed", "-probability", "-consequence", "id")


def risk_matrix(risk_list):
    """The heat map of open risks: rows consequence 5 → 1, columns probability 1 → 5, each cell the
    risks in it and their level (low, medium, high)."""
    cells = {}
    for risk in risk_list:
        if not risk.closed:
            cells.setdefault((risk.consequence, risk.probability), []).append(risk)
    rows = []
    for c in range(5, 0, -1):
        rows.append((c, [{"probability": p, "risks": cells.get((c, p), []),
                          "level": "high" if p * c >= 15 else "medium" if p * c >= 6 else "low"}
                         for p in range(1, 6)]))
    return rows


def risk_get(*, tenant, pk):
    return get_object_or_404(Risk.objects.select_related("project"), tenant=tenant, pk=pk)


def dependencies(*, project):
    return (project.dependencies.select_related("depends_on__phase").order_by("depends_on__number"),
            project.dependents.select_related("project__phase").order_by("project__number"))


def dependency_get(*, tenant, pk):
    return get_object_or_404(Dependency.objects.select_related("project", "depends_on"), tenant=tenant, pk=pk)


def benefits(*, project):
    return project.benefits.select_related("owner", "owner_unit").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("-measured_on", "-id")))


def benefit_get(*, tenant, pk):
    return get_object_or_404(Benefit.objects.select_related("project", "owner"), tenant=tenant, pk=pk)


def other_projects(*, project):
    return Project.objects.filter(tenant=project.tenant).exclude(pk=project.pk).order_by("number")


# --- Links to participation -------------------------------------------------------------------
FEEDBACK_GIVEN = "feedback_given"  # participation's process status once the municipality has answered


def linked_processes(*, project, ideas=5):
    """The participation processes linked to the project (read through participation's queries), each
    with `feedback_given`, its most supported published ideas (what people said), the municipality's
    responses to single inputs and the decisions the input fed."""
    ids = Project.processes.through.objects.filter(project_id=project.pk).values_list("process_id", flat=True)
    processes = list(participation_queries.process_list(tenant=project.tenant).filter(pk__in=list(ids)))
    for process in processes:
        process.feedback_given = process.status == FEEDBACK_GIVEN
        process.top_ideas, process.responses, process.decisions_fed = [], [], []
        if ideas:
            process.top_ideas = list(participation_queries.public_ideas(process=process, order="support")[:ideas])
            process.responses = list(participation_analysis.input_responses(process=process, public=True)[:ideas])
            process.decisions_fed = list(participation_analysis.decisions(process=process))
    return processes


def process_choices(*, tenant):
    return participation_queries.process_list(tenant=tenant)


def participation_decision_get(*, tenant, pk):
    return participation_analysis.decision_get(tenant=tenant, pk=pk)


def process_get(*, tenant, pk):
    return participation_queries.process_get(tenant=tenant, pk=pk)


# --- Milestones and the timeline --------------------------------------------------------------
def milestones(*, project):
    return project.milestones.order_by("due_on", "id")


def milestone_get(*, tenant, pk):
    return get_object_or_404(Milestone.objects.select_related("project"), tenant=tenant, pk=pk)


def milestone_list(*, tenant, overdue=None, today=None, due_from=None, due_to=None):
    """The municipality's milestones across the portfolio, by date (for the API)."""
    qs = Milestone.objects.filter(tenant=tenant).select_related("project").order_by("due_on", "id")
    if overdue is not None:
        late = Q(reached_on__isnull=True, due_on__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if due_from:
        qs = qs.filter(due_on__gte=due_from)
    if due_to:
        qs = qs.filter(due_on__lte=due_to)
    return qs


def _position(day, start, days):
    return round(100 * (day - start).days / days, 2)


TRACK_X, TRACK_WIDTH, ROW_HEIGHT, HEAD_HEIGHT = 230, 760, 28, 26  # the SVG's units (viewBox 1000 wide)


def _x(percent):
    return round(TRACK_X + TRACK_WIDTH * percent / 100, 1)


def timeline(*, projects, today):
    """The Gantt-like view of `projects` (a page of rows, or one project): each project's bar from
    its start to its planned end (today when not set), its milestones (reached, coming or overdue)
    and its decisions taken, placed on one time axis (percent from the left) with a tick per year.
    Two queries for the milestones and the decisions, whatever the number of projects."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    by_project = {pk: [] for pk in ids}
    for m in Milestone.objects.filter(project_id__in=ids).order_by("due_on", "id"):
        by_project[m.project_id].append(m)
    decided = {pk: [] for pk in ids}
    for d in (Decision.objects.filter(project_id__in=ids, decided_on__isnull=False).select_related("gate")
              .order_by("decided_on")):
        decided[d.project_id].append(d)
    rows, dates = [], [today]
    for p in projects:
        start = p.starts_on or min(timezone.localdate(p.created_at), today)
        end = p.ends_on or max(today, start)
        marks = [{"kind": "milestone", "pk": m.pk, "date": m.due_on, "title": m.title, "reached_on": m.reached_on,
                  "comment": m.comment,
                  "state": "reached" if m.reached_on else "overdue" if m.due_on < today else "coming"}
                 for m in by_project[p.pk]]
        marks += [{"kind": "decision", "date": d.decided_on, "title": f"{d.gate.code} {d.gate.name}",
                   "state": d.status, "label": d.get_status_display()} for d in decided[p.pk]]
        marks.sort(key=lambda mark: mark["date"])
        dates += [start, end] + [mark["date"] for mark in marks]
        rows.append({"project": p, "start": start, "end": end, "marks": marks,
                     "overdue": sum(1 for mark in marks if mark["state"] == "overdue")})
    first = dt.date(min(dates).year, 1, 1)
    last = dt.date(max(dates).year, 12, 31)
    days = max((last - first).days, 1)
    for i, row in enumerate(rows):
        row["y"] = HEAD_HEIGHT + i * ROW_HEIGHT
        row["mid"] = row["y"] + ROW_HEIGHT // 2
        row["label"] = f"{row['project'].number} {row['project'].name}"[:34]
        left = _position(row["start"], first, days)
        row["x"], row["width"] = _x(left), max(round(TRACK_WIDTH * (_position(row["end"], first, days) - left) / 100, 1), 2)
        for mark in row["marks"]:
            x, y = _x(_position(mark["date"], first, days)), row["mid"]
            mark["x"] = x
            mark["points"] = f"{x - 6},{y} {x},{y - 7} {x + 6},{y} {x},{y + 7}"  # a milestone's diamond
    years = [{"year": y, "x": _x(_position(dt.date(y, 1, 1), first, days))} for y in range(first.year, last.year + 1)]
    return {"rows": rows, "years": years, "today": _x(_position(today, first, days)), "start": first, "end": last,
            "height": HEAD_HEIGHT + len(rows) * ROW_HEIGHT + 4}
