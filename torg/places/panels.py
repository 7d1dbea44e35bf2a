"""Sections other modules add to a building's or a property's page, without the places register
importing them.

The web layer (which may read every module's queries) registers a panel function at start-up
(`torg/web/apps.py`); a panel is `fn(request, building) -> dict | None` (or `fn(request, property)`),
the dict being the context of a template: `{"template": "...", ...}`. The page renders whatever
panels answer.
"""

BUILDING_PANELS = []


def register_building_panel(fn):
    BUILDING_PANELS.append(fn)
    return fn


def building_panels(request, building):
    return [panel for panel in (fn(request, building) for fn in BUILDING_PANELS) if panel]


PROPERTY_PANELS = []


def register_property_panel(fn):
    PROPERTY_PANELS.append(fn)
    return fn


def property_panels(request, prop):
    return [panel for panel in (fn(request, prop) for fn in PROPERTY_PANELS) if panel]
