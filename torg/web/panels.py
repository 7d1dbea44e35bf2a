"""Panels the web layer adds to pages of lower apps (see torg/places/panels.py)."""

from torg.estate import queries as estate_queries
from torg.participation import analysis_queries
from torg.participation import queries as participation_queries
from torg.projects import queries as projects_queries


def _participation_panel(request, tenant, processes, heading):
    """The participation processes that concerned a place, each with its public feedback once
    published (what happened to the input, the decisions) — drafts only for those who may see them."""
    processes = list(processes)
    if not processes:
        return None
    feedback = analysis_queries.feedback_for_processes(processes)
    for p in processes:
        p.public_feedback = feedback.get(p.pk)
    return {"template": "web/partials/building_participation.html", "processes": processes, "heading": heading,
            "staff": request.user.has_perm("participation.view_processes", tenant)}


def participation_for_building(request, building):
    """The processes that concerned a building (linked to it, its rooms or its property)."""
    staff = request.user.has_perm("participation.view_processes", building.tenant)
    return _participation_panel(request, building.tenant, participation_queries.processes_for_building(
        tenant=building.tenant, building=building, public_only=not staff), "building")


def participation_for_property(request, prop):
    """The processes that concerned a property (linked to it, one of its buildings or their rooms)."""
    staff = request.user.has_perm("participation.view_processes", prop.tenant)
    return _participation_panel(request, prop.tenant, participation_queries.processes_for_property(
        tenant=prop.tenant, prop=prop, public_only=not staff), "property")


def estate_for_building(request, building):
    """The building's condition (its latest approved survey), backlog and energy, for those who may see
    estate figures."""
    if not request.user.has_perm("estate.view_estate", building.tenant):
        return None
    return {"template": "web/partials/building_estate.html",
            "condition": estate_queries.building_condition(tenant=building.tenant, building=building),
            "energy": estate_queries.building_energy_summary(tenant=building.tenant, building=building),
            **estate_queries.building_backlog(tenant=building.tenant, building=building)}


def projects_for_building(request, building):
    """The projects that concern a building (linked to it or its property), for staff who may see projects."""
    if not request.user.has_perm("projects.view_projects", building.tenant):
        return None
    projects = list(projects_queries.projects_for_building(tenant=building.tenant, building=building))
    if not projects:
        return None
    return {"template": "web/partials/building_projects.html", "projects": projects}
