"""The two project models every municipality gets, as data (seeded in bokmål by
`services.model_seed_defaults`; a municipality copies and adapts them).

- Prosjektveiviseren (Digdir): idea → concept → planning → execution → closing → benefits
  realisation; the line organisation owns the idea, the concept and the realisation.
- The building projects' early phase (StimuLab, source 000): frameworks and needs → mandate → BP1
  (start / stop (null point) / other measures) → concept phase → BP2 (concept approved), then
  design, construction and hand-over.

Each phase: (name, description, line_owned, closes_project, gate or None); a gate: (code, name,
body, releases, [(kind, text, document_kind, required)]).
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Body, DocumentKind, ItemKind, ProjectModel

D, A, E, P = ItemKind.DOCUMENT, ItemKind.APPROVAL, ItemKind.EVIDENCE, ItemKind.PARTICIPATION
MANDATE, PLAN = DocumentKind.MANDATE, DocumentKind.PLAN
OUTCOMES = _("Go, stop (null point), other measures, or back for more work.")

PROSJEKTVEIVISEREN = {
    "key": "prosjektveiviseren",
    "name": _("Prosjektveiviseren"),
    "kind": ProjectModel.Kind.ADMINISTRATIVE,
    "description": _("Digdir's common project model for administrative and digitalisation projects."),
    "phases": [
        (_("Idea"), _("The line organisation describes the need and the expected benefits."), True, False,
         ("BP1", _("Decision to explore a concept"), Body.PROJECT_OWNER, _("Mandate and resources for the concept phase"), [
             (E, _("The need and the expected benefits are described"), "", True),
             (D, _("Project mandate from the template"), MANDATE, True),
             (A, _("The line organisation has named the benefit owners"), "", True),
         ])),
        (_("Concept"), _("Alternatives, including the zero alternative, are explored and compared."), True, False,
         ("BP2", _("Decision to plan"), Body.STEERING_GROUP, _("Resources for the planning phase"), [
             (E, _("Alternatives analysed, the zero alternative included"), "", True),
             (E, _("Benefits realisation plan drafted with the line organisation"), "", True),
             (A, _("Steering group appointed"), "", True),
         ])),
        (_("Planning"), _("The project plan, the budget and the risk analysis are made."), False, False,
         ("BP3", _("Decision to execute"), Body.STEERING_GROUP, _("The budget for the execution"), [
             (D, _("Project plan"), PLAN, True),
             (E, _("Risk and vulnerability analysis (ROS) done"), "", True),
             (A, _("Budget approved by the project owner"), "", True),
         ])),
        (_("Execution"), _("The project delivers its results; monthly status reports."), False, False,
         ("BP4", _("Decision to close"), Body.STEERING_GROUP, _("Release of the project organisation"), [
             (E, _("The result goals are delivered and accepted"), "", True),
             (E, _("Hand-over to the line organisation agreed"), "", True),
         ])),
        (_("Closing"), _("Final report, lessons learned and hand-over."), False, False,
         ("BP5", _("Benefits handed over to the line"), Body.PROJECT_OWNER, _("Responsibility for the benefits to the line"), [
             (E, _("Final report with lessons learned"), "", True),
             (A, _("The benefit owners accept the benefits realisation plan"), "", True),
         ])),
        (_("Benefits realisation"), _("The line organisation realises and measures the benefits, for years."), True, True,
         None),
    ],
}

BUILDING_EARLY_PHASE = {
    "key": "byggeprosjekt",
    "name": _("Building project with early phase"),
    "kind": ProjectModel.Kind.BUILDING,
    "description": _("The early phase of building projects: frameworks and future needs lead to a mandate; BP1 "
                     "decides start, stop (null point) or other measures; BP2 approves the concept."),
    "phases": [
        (_("Early phase: frameworks, needs and mandate"),
         _("Frameworks in: the services' guidelines, HSE, zoning, sites and portfolio, population forecasts, climate "
           "strategy, economy and political guidance. Future needs and possibilities across services. The mandate."),
         False, False,
         ("BP1", _("Decision to start a building project"), Body.PROJECT_OWNER,
          _("Mandate and money for the concept phase"), [
              (E, _("Frameworks reviewed (guidelines, HSE, zoning, sites, forecasts, climate, economy, politics)"), "", True),
              (E, _("Future needs and possibilities described across the services"), "", True),
              (D, _("Mandate for the building project"), MANDATE, True),
              (P, _("Participation summary attached (employees, users, neighbours)"), "", False),
          ])),
        (_("Concept phase"),
         _("Explore how the need is met by a building within the frames: how it will be experienced, operated and "
           "built."), False, False,
         ("BP2", _("Concept explored and approved"), Body.MUNICIPAL_COUNCIL, _("Money for design and the investment frame"), [
             (E, _("Defined concept"), "", True),
             (P, _("Participation summary attached (employees, users, neighbours)"), "", True),
             (E, _("Cost estimate with P50 and P85"), "", True),
             (D, _("Project plan"), PLAN, True),
         ])),
        (_("Design"), _("Pre-project and detailed design, building permit, contract strategy."), False, False,
         ("BP3", _("Decision to build"), Body.STEERING_GROUP, _("Money for construction"), [
             (E, _("Design approved by the services"), "", True),
             (E, _("Building permit granted"), "", True),
             (A, _("Contract strategy approved"), "", True),
         ])),
        (_("Construction"), _("Building, with monthly status reports."), False, False,
         ("BP4", _("Hand-over accepted"), Body.PROJECT_OWNER, _("Release of the project organisation"), [
             (E, _("Management, operation and maintenance (FDV) documentation delivered"), "", True),
             (E, _("Furnishing plan completed"), "", False),
             (A, _("The users accept the building"), "", True),
         ])),
        (_("Hand-over and operation"), _("The building in use; the benefits are measured."), True, True, None),
    ],
}

DEFAULT_MODELS = [PROSJEKTVEIVISEREN, BUILDING_EARLY_PHASE]


def build_model(classes, tenant, spec, *, key, version=1, name=None, based_on=None):
    """A project model from a spec. `classes` maps "ProjectModel", "Phase", "Gate" and "GateItem" to
    the model classes: the app's own (services) or a migration's historical ones (0007)."""
    ProjectModel_, Phase, Gate, GateItem = (classes[n] for n in ("ProjectModel", "Phase", "Gate", "GateItem"))
    model = ProjectModel_.objects.create(tenant=tenant, key=key, version=version, name=str(name or spec["name"]),
                                         kind=spec["kind"], description=str(spec["description"]), based_on=based_on)
    for position, (name_, description, line_owned, closes, gate) in enumerate(spec["phases"], start=1):
        phase = Phase.objects.create(tenant=tenant, model=model, position=position, name=str(name_),
                                     description=str(description), line_owned=line_owned, closes_project=closes)
        if gate:
            code, gate_name, body, releases, items = gate
            g = Gate.objects.create(tenant=tenant, model=model, phase=phase, code=code, name=str(gate_name), body=body,
                                    releases=str(releases), outcomes_text=str(OUTCOMES))
            GateItem.objects.bulk_create([GateItem(tenant=tenant, gate=g, position=i, kind=kind, text=str(text),
                                                   document_kind=doc, required=required)
                                          for i, (kind, text, doc, required) in enumerate(items, start=1)])
    return model


def seed_defaults(classes, tenant) -> int:
    """The default models a municipality lacks (by key), in bokmål — its own data; idempotent."""
    have = set(classes["ProjectModel"].objects.filter(tenant=tenant).values_list("key", flat=True))
    added = 0
    with translation.override("nb"):
        for spec in DEFAULT_MODELS:
            if spec["key"] not in have:
                build_model(classes, tenant, spec, key=spec["key"])
                added += 1
    return added
