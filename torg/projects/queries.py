"""Reads of projects; every function is scoped by tenant."""

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Decision, DecisionItem, Document, Gate, GateItem, Phase, Project, ProjectModel

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
