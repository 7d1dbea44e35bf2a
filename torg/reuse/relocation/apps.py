from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelocationConfig(AppConfig):
    """Furnishing plans for a target building: needs per room, matching to stock, move lists."""

    name = "torg.reuse.relocation"
    label = "reuse_relocation"
    verbose_name = _("Furnishing plans")

    def ready(self):
        from . import rules  # noqa: F401  (registers the permissions)
