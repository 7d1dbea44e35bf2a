"""OpenID Connect login for ID-porten (citizens) and Entra ID (employees).

(Work in progress: completed together with its local test provider.)
"""

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.http import Http404


class _ProviderBackend(BaseBackend):
    provider = ""

    def authenticate(self, request, **kwargs):
        return None


class IdPortenBackend(_ProviderBackend):
    provider = "idporten"


class EntraIdBackend(_ProviderBackend):
    provider = "entra"


def _provider(key):
    conf = settings.TORG_OIDC_PROVIDERS.get(key)
    if conf is None:
        raise Http404
    return conf


def login(request, provider):
    _provider(provider)
    raise Http404


def callback(request, provider):
    _provider(provider)
    raise Http404
