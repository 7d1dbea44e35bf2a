"""Panels the web layer adds to pages of lower apps (see torg/places/panels.py)."""

from torg.estate import queries as estate_queries
from torg.participation import queries as participation_queries


def participation_for_building(request, building):
    """The participation processes that concerned a building (linked to it, its rooms or its
    property), with their public pages — drafts only for those who may see them."""
    staff = request.user.has_perm("participation.view_processes", building.tenant)
    processes = list(participation_queries.processes_for_building(tenant=building.tenant, building=building,
                                                                   public_only=not staff))
    if not processes:
        return None
    return {"template": "web/partials/building_participation.html", "processes": processes, "staff": staff}


def estate_for_building(request, building):
    """The building's condition (its latest approved survey), for those who may see estate figures."""
    if not request.user.has_perm("estate.view_estate", building.tenant):
        return None
    return {"template": "web/partials/building_estate.html",
            "condition": estate_queries.building_condition(tenant=building.tenant, building=building)}
