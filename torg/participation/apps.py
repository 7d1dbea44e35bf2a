from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "torg.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self):
        from torg.core import audit

        from . import states  # noqa: F401  (declares the state machines)

        audit.register_action_labels({
            "phase_create": _("Phase added"), "phase_update": _("Phase changed"), "phase_delete": _("Phase removed"),
            "target_group_create": _("Target group added"), "target_group_update": _("Target group changed"),
            "target_group_delete": _("Target group removed"),
            "input_reviewed": _("Reviewed by the moderator"), "input_report": _("Reported to the moderator"),
            "input_delete_by_author": _("Deleted by its author"), "invites_create": _("Invite codes created"),
            "theme_code": _("Inputs coded into the theme"), "theme_uncode": _("Inputs taken out of the theme"),
            "theme_delete": _("Theme removed"), "decision_delete": _("Decision removed"),
            "response_delete": _("Response removed"),
        })
