from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "torg.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self):
        from torg.core import audit, photos

        from . import states  # noqa: F401  (declares the state machines)
        from .models import ActivityPhoto, FloorPlan
        from .rules import can_see_plan

        audit.register_action_labels({
            "phase_create": _("Phase added"), "phase_update": _("Phase changed"), "phase_delete": _("Phase removed"),
            "target_group_create": _("Target group added"), "target_group_update": _("Target group changed"),
            "target_group_delete": _("Target group removed"),
            "input_reviewed": _("Reviewed by the moderator"), "input_report": _("Reported to the moderator"),
            "input_delete_by_author": _("Deleted by its author"), "process_invites_create": _("Invite codes created"),
            "theme_code": _("Inputs coded into the theme"), "theme_uncode": _("Inputs taken out of the theme"),
            "theme_delete": _("Theme removed"), "decision_delete": _("Decision removed"),
            "response_delete": _("Response removed"),
            "input_record": _("Recorded by staff from a meeting"), "activity_photo_add": _("Photo added"),
            "activity_photo_remove": _("Photo removed"), "plan_image_add": _("Plan added"),
            "plan_image_update": _("Plan changed"), "plan_area_delete": _("Area removed"),
            "news_publish": _("News published"), "process_retention_anonymise": _("Input anonymised after closing"),
            "process_retention_delete": _("Input deleted after closing"),
        })
        # Flipchart photos: the municipality's staff only. Plans: whoever may read the process.
        photos.register(ActivityPhoto, key="participation-activity",
                        can_view=photos.member_with("participation.view_processes"))
        photos.register(FloorPlan, key="participation-plan", can_view=can_see_plan, select_related=("process",))
