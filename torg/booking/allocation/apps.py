from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    """Seasonal allocation of regular weekly time to associations (fastlån / sesongleie)."""

    name = "torg.booking.allocation"
    label = "booking_allocation"
    verbose_name = _("Seasonal allocation")

    def ready(self):
        from torg.booking.closures import register_closure
        from torg.core.audit import register_action_labels

        from . import queries, rules, states  # noqa: F401 – permissions and machines register themselves

        register_action_labels({
            "allocation_round_propose": _("Allocation proposal made"),
            "decision_adjust": _("Decision adjusted by staff"),
            "application_withdraw": _("Application withdrawn"),
            "decision_frame_time_pass_on": _("Frame time passed on to a club"),
            "decision_frame_time_release": _("Frame time released as drop-in time"),
        })
        # While a round is open, its resources cannot be booked directly in its season (staff excepted).
        register_closure(queries.round_closure)
