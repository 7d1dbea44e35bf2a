from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "torg.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from torg.core import audit
        from torg.core.tenancy import register_tenant_setup

        from . import services, states  # noqa: F401  (states declares the state machines)

        register_tenant_setup("projects", services.model_seed_defaults)
        audit.register_action_labels({
            "project_phase_enter": _("Entered a new phase"),
            "project_model_copy": _("Project model copied"),
            "project_model_version": _("New version of the project model"),
            "gate_item_add": _("Checklist item added"), "gate_item_remove": _("Checklist item removed"),
            "decision_item_meet": _("Checklist item met"), "decision_item_reopen": _("Checklist item reopened"),
            "decision_item_waive": _("Checklist item waived"),
            "document_version": _("New version of the document"),
            "dependency_remove": _("Dependency removed"),
            "milestone_remove": _("Milestone removed"),
            "decision_participation_link": _("Participation decision linked"),
            "decision_participation_unlink": _("Participation decision unlinked"),
        })
