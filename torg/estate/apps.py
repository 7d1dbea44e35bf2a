from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstateConfig(AppConfig):
    name = "torg.estate"
    label = "estate"
    verbose_name = _("Estate management")

    def ready(self):
        from torg.core import audit, photos

        from . import states  # noqa: F401  (declares the state machines)
        from .models import SurveyPartPhoto

        photos.register(SurveyPartPhoto, key="estate-part", can_view=photos.member_with("estate.view_estate"))
        audit.register_action_labels({
            "survey_part_add": _("Building part added"), "survey_part_update": _("Building part changed"),
            "survey_part_remove": _("Building part removed"), "survey_part_photo_add": _("Photo added"),
            "survey_part_photo_remove": _("Photo removed"), "condition_survey_correct": _("Correction started"),
            "measure_propose": _("Proposed by a condition survey"),
            "meter_reading_set": _("Reading entered"), "meter_readings_import": _("Readings imported"),
        })
