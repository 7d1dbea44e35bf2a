from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from torg.core.tenancy import register_tenant_setup


class ReuseConfig(AppConfig):
    name = "torg.reuse"
    label = "reuse"
    verbose_name = _("Reuse")

    def ready(self):
        from torg.core import photos
        from torg.core.audit import register_action_labels

        from . import services  # models are loaded only now (services imports states: the item machine)
        from .models import ItemPhoto, ProductPhoto

        # Every new tenant starts with the maintained category list.
        register_tenant_setup(self.label, services.category_seed_defaults)
        # Photos are served at /files/<key>/<pk>/ to members who may see the inventory of their tenant.
        photos.register(ItemPhoto, key="reuse-item", can_view=photos.member_with("reuse.view_items"))
        photos.register(ProductPhoto, key="reuse-product", can_view=photos.member_with("reuse.view_items"))
        register_action_labels({
            "item_create": _("Registered"), "item_edit": _("Edited"), "item_move": _("Moved"),
            "item_photo_add": _("Photo added"), "item_photo_remove": _("Photo removed"),
            "product_photo_add": _("Photo added"), "product_photo_remove": _("Photo removed"),
            "reuse_record_create": _("Reuse recorded"), "import_job_confirm": _("Import confirmed"),
        })
