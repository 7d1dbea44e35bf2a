from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "torg.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from torg.core.audit import register_action_labels

        register_action_labels({
            "user_password_set": _("Password set"),
            "api_token_revoke": _("Revoked"),
            "user_identity_link": _("Login linked (ID-porten / Entra ID)"),
            "user_unlock": _("Login unlocked"),
        })
