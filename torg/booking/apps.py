from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "torg.booking"
    label = "booking"
    verbose_name = _("Booking")

    def ready(self):
        # Imported here, not at the top: models and the machine need the app registry ready.
        from torg.core import photos
        from torg.core.audit import register_action_labels

        from . import states  # noqa: F401 – declares the booking machine, which registers its own labels
        from .models import ResourcePhoto

        register_action_labels({
            "booking_reschedule": _("Booking moved"),
            "booking_check_in": _("Checked in"),
            "booking_no_show": _("Marked as no-show"),
            "booking_access_code_issue": _("Door code shown"),
            "booking_access_code_send": _("Door code sent by e-mail"),
            "booking_series_move": _("Rest of the series moved"),
            "booking_hand_over": _("Handed over to another organisation"),
            "resource_rules_inherit": _("Follows the building's rules"),
            "resource_photo_add": _("Photo added"),
            "resource_photo_remove": _("Photo removed"),
            "meraapent_agreement_sign": _("Meråpent agreement signed"),
            "door_controller_revoke": _("Lock controller revoked"),
            "calendar_feed_rotate": _("New calendar address"),
        })
        # Resource photos: for every member who may see the tenant's resources (citizens included).
        photos.register(ResourcePhoto, key="booking-resource", can_view=photos.member_with("booking.view_resources"))
