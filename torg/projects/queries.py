"""Reads of projects; every function is scoped by tenant."""

import datetime as dt

from django.db.models import (BooleanField, Case, Count, DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value,
                              When)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from torg.participation import analysis_queries as participation_analysis
from torg.participation import queries as participation_queries

from .models import (REPORT_DUE_DAY, Benefit, Decision, DecisionItem, Dependency, Document, Gate, GateItem, Measurement,
                     Phase, Project, ProjectModel, Risk, StatusReport)

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


def with_latest_report(qs):
    """Annotate each project with its latest status report: month, overall light, late or not,
    spent and forecast."""
    latest = _latest_report()
    return qs.annotate(
        report_period=Subquery(latest.values("period")[:1]),
        report_overall=Subquery(latest.values("overall")[:1]),
        report_late=Subquery(latest.annotate(late=Case(When(submitted_on__gt=F("due_on"), then=Value(True)),
                                                       default=Value(False), output_field=BooleanField()))
                             .values("late")[:1]),
        spent=Subquery(latest.values("spent")[:1]),
        forecast=Subquery(latest.values("forecast")[:1]),
    )


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


def process_get(*, tenant, pk):
    return participation_queries.process_get(tenant=tenant, pk=pk)
