from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelocationConfig(AppConfig):
    """Furnishing plans for a target building: needs per room, matching to stock, move lists."""

    name = "torg.reuse.relocation"
    label = "reuse_relocation"
    verbose_name = _("Furnishing plans")

    def ready(self):
        from torg.core.audit import register_action_labels

        from . import rules, states  # noqa: F401  (register the permissions and the plan state machine)

        register_action_labels({
            "plan_match": _("Matched"),
            "line_override": _("Source chosen by the planner"),
            "line_deliver": _("Delivered"),
        })
