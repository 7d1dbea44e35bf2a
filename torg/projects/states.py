"""The state machines of projects (torg.core.states): a project's status and a decision point's.

A decision is taken by the body its decision point names: the project owner, the steering group
(its members and the owner, who chairs it), or the municipal council (its resolution recorded by an
administrator of the municipality). The project's manager (or owner, or a portfolio manager)
prepares and submits it. Approving needs every required checklist item met or waived with a reason.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from torg.accounts.models import Role
from torg.accounts.rules import role_in
from torg.core import states

from .models import Body, Decision, DecisionItem, Project

ProjectStatus = Project.Status
DecisionStatus = Decision.Status


def project_roles(actor, obj):
    """"owner": the project's owner (who may resume a stopped project)."""
    return {"owner"} if actor.pk == obj.owner_id and actor.has_perm("projects.view_projects", obj) else set()


def is_decider(actor, decision) -> bool:
    """Whether the actor may record the decision of the body this decision point names."""
    if not actor.has_perm("projects.view_projects", decision):
        return False
    project = decision.project
    body = decision.gate.body
    if body == Body.PROJECT_OWNER:
        return actor.pk == project.owner_id
    if body == Body.STEERING_GROUP:
        return actor.pk == project.owner_id or project.steering_group.filter(pk=actor.pk).exists()
    return role_in(actor, decision) == Role.ADMIN  # the council's resolution, recorded by the secretariat


def decision_roles(actor, obj):
    parts = set()
    if actor.has_perm("projects.manage_project", obj):
        parts.add("manager")
    if is_decider(actor, obj):
        parts.add("decider")
    return parts


def in_current_phase(change):
    decision = change.obj
    project = decision.project
    if project.status != ProjectStatus.ACTIVE:
        raise ValidationError(_("The project is not active."))
    if decision.gate.phase_id != project.phase_id:
        raise ValidationError(_("This decision point ends the phase “%(phase)s”; the project is in “%(current)s”.")
                              % {"phase": decision.gate.phase.name, "current": project.phase.name})


def open_items(decision):
    return [i for i in decision.items.select_related("gate_item")
            if i.gate_item.required and i.state == DecisionItem.State.OPEN]


def checklist_complete(change):
    missing = open_items(change.obj)
    if missing:
        raise ValidationError(_("Not met and not waived: %(items)s.") % {"items": "; ".join(i.gate_item.text for i in missing)})


PROJECT_MACHINE = states.Machine(
    entity="project",
    states=ProjectStatus,
    roles=project_roles,
    transitions=[
        states.Transition(ProjectStatus.ACTIVE, ProjectStatus.STOPPED, "stop", _("Project stopped"), who={states.SYSTEM}),
        states.Transition(ProjectStatus.ACTIVE, ProjectStatus.CLOSED, "close", _("Project closed"), who={states.SYSTEM}),
        states.Transition(ProjectStatus.STOPPED, ProjectStatus.ACTIVE, "resume", _("Project resumed"), who={"owner"},
                          reason=True),
    ],
)

DECISION_MACHINE = states.Machine(
    entity="decision",
    states=DecisionStatus,
    roles=decision_roles,
    transitions=[
        states.Transition((DecisionStatus.DRAFT, DecisionStatus.RETURNED), DecisionStatus.SUBMITTED, "submit",
                          _("Submitted for decision"), who={"manager"}, guards=[in_current_phase]),
        states.Transition(DecisionStatus.SUBMITTED, DecisionStatus.APPROVED, "approve", _("Go: approved"),
                          who={"decider"}, guards=[in_current_phase, checklist_complete]),
        states.Transition(DecisionStatus.SUBMITTED, DecisionStatus.STOPPED, "stop", _("Stop (null point)"),
                          who={"decider"}, reason=True, guards=[in_current_phase]),
        states.Transition(DecisionStatus.SUBMITTED, DecisionStatus.REDIRECTED, "redirect",
                          _("Other measures instead"), who={"decider"}, reason=True, guards=[in_current_phase]),
        states.Transition(DecisionStatus.SUBMITTED, DecisionStatus.RETURNED, "return", _("Sent back for more work"),
                          who={"decider"}, reason=True, guards=[in_current_phase]),
        # A stopped project resumed by its owner: the decision that stopped it is prepared again.
        states.Transition((DecisionStatus.STOPPED, DecisionStatus.REDIRECTED), DecisionStatus.DRAFT, "reopen",
                          _("Prepared again"), who={states.SYSTEM}),
    ],
)
