"""OpenID Connect login for ID-porten (citizens) and Entra ID (employees).

mozilla-django-oidc is the protocol engine (state, nonce, PKCE, token exchange, RS256 signature
check against the provider's JWKS, userinfo). Torg adds what it does not do:

- several providers at once: every setting comes from one entry of
  ``settings.TORG_OIDC_PROVIDERS`` (``get_settings`` is overridden; the global ``OIDC_*``
  settings are never read), and the redirect URI is ``/accounts/oidc/<provider>/callback/``;
- ID token checks beyond the signature and nonce: audience, expiry, issued-at and issuer;
- the mapping of people to Torg users, always inside the provider's tenant (``TENANT`` slug):

  ID-porten: claim ``pid`` (national identity number) → ``User.national_id_hash``, an HMAC-SHA256
  of the number with a server-side pepper; the number itself is never stored. A first login
  creates the user with a ``citizen`` membership of the provider's tenant.

  Entra ID: claim ``oid`` → ``User.oidc_subject``; otherwise a *verified* e-mail
  (``email_verified`` or ``xms_edov``) of an existing member of the provider's tenant, which is
  then linked. Anybody else from the directory becomes a new ``employee`` of the tenant.

A login never creates or changes a membership of any other tenant, and a user whose membership
of the provider's tenant is deactivated cannot log in through it. Each backend authenticates only
in its own provider's callback.
"""

import logging
import re
import time

from urllib.parse import urlencode

import josepy.errors
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import add_state_and_verifier_and_nonce_to_session, generate_code_challenge
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView, get_next_url

from . import services
from .middleware import SESSION_KEY
from .models import Membership, Role, Tenant

logger = logging.getLogger(__name__)

REQUIRED_KEYS = ("CLIENT_ID", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "JWKS_ENDPOINT", "ISSUER", "TENANT")
CLOCK_SKEW_SECONDS = 120

# mozilla-django-oidc setting name → key of the provider dict.
_PROVIDER_KEYS = {
    "OIDC_RP_CLIENT_ID": "CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "JWKS_ENDPOINT",
    "OIDC_RP_SIGN_ALGO": "SIGN_ALGO",
    "OIDC_RP_SCOPES": "SCOPES",
}
# Fixed protocol choices: not configurable per deployment.
_FIXED = {
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_PKCE_CODE_VERIFIER_SIZE": 64,
    "OIDC_STATE_SIZE": 32,
    "OIDC_NONCE_SIZE": 32,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_RP_IDP_SIGN_KEY": None,  # always the provider's JWKS
    "OIDC_VERIFY_SSL": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_PROXY": None,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
    "OIDC_CREATE_USER": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_REDIRECT_FIELD_NAME": "next",
    "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
}


class LoginRefused(SuspiciousOperation):
    """The provider vouched for the person, but Torg does not let them in through it."""


# --- Configuration --------------------------------------------------------------------------
def provider_config(key: str) -> dict:
    """The provider dict for `key`; Http404 when it is unknown or incompletely configured."""
    conf = getattr(settings, "TORG_OIDC_PROVIDERS", {}).get(key)
    if not conf or any(not conf.get(k) for k in REQUIRED_KEYS):
        raise Http404
    algo = conf.get("SIGN_ALGO") or "RS256"
    if not (algo.startswith("RS") or algo.startswith("ES")):
        logger.error("OIDC provider %s: SIGN_ALGO %s is not allowed (RS*/ES* only).", key, algo)
        raise Http404
    return conf


def provider_tenant(key: str) -> Tenant:
    conf = provider_config(key)
    tenant = Tenant.objects.filter(slug=conf["TENANT"]).first()
    if tenant is None:
        logger.error("OIDC provider %s: tenant %r does not exist.", key, conf["TENANT"])
        raise Http404
    return tenant


def provider_setting(key: str, attr: str, *default):
    conf = provider_config(key)
    if attr in _PROVIDER_KEYS:
        value = conf.get(_PROVIDER_KEYS[attr])
        if attr == "OIDC_RP_SIGN_ALGO":
            return value or "RS256"
        if attr == "OIDC_RP_SCOPES":
            return value or "openid"
        if attr == "OIDC_OP_USER_ENDPOINT":
            return value or None
        return value if value is not None else ""
    if attr in _FIXED:
        return _FIXED[attr]
    if attr == "LOGIN_REDIRECT_URL":
        return settings.LOGIN_REDIRECT_URL
    if default:
        return default[0]
    raise ImproperlyConfigured(f"OIDC setting {attr} is not supported for provider {key}.")


def callback_url(request, key: str) -> str:
    """The redirect URI registered with the provider."""
    path = reverse("accounts:oidc_callback", kwargs={"provider": key})
    base = getattr(settings, "TORG_PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def national_id_hash(pid: str) -> str:
    """HMAC-SHA256 of a national identity number with the server-side pepper (64 hex chars)."""
    pepper = getattr(settings, "TORG_NATIONAL_ID_PEPPER", "") or settings.SECRET_KEY
    return salted_hmac("torg.accounts.national_id", pid.strip(), secret=pepper, algorithm="sha256").hexdigest()


# --- Authentication backends ----------------------------------------------------------------
class _ProviderBackend(OIDCAuthenticationBackend):
    provider = ""
    default_role = ""

    def __init__(self, *args, **kwargs):
        # Settings are read per login from the provider dict (the backend is also instantiated
        # for every request of a signed-in user, whether or not the provider is configured).
        self.UserModel = get_user_model()

    def get_settings(self, attr, *args):
        return provider_setting(self.provider, attr, *args)

    def get_user(self, user_id):
        # Django's check, not mozilla-django-oidc's: a deactivated user's session ends.
        return ModelBackend.get_user(self, user_id)

    def _in_own_callback(self, request) -> bool:
        match = getattr(request, "resolver_match", None)
        return bool(
            match and match.view_name == "accounts:oidc_callback" and match.kwargs.get("provider") == self.provider
        )

    def authenticate(self, request, nonce=None, code_verifier=None, **kwargs):
        """The user for the code in this callback request.

        Outside its own provider's callback it returns None (not for this backend). Inside, it
        returns a user or raises: a refused OIDC login must not reach `user_login_failed`, or
        django-axes would count it against the IP address and lock out everybody behind it.
        """
        if request is None or kwargs or not self._in_own_callback(request):
            return None
        code, state = request.GET.get("code"), request.GET.get("state")
        if not (code and state and nonce and code_verifier):
            raise SuspiciousOperation("Callback without code, state, nonce or PKCE verifier.")
        self.request = request
        self.conf = provider_config(self.provider)
        self.tenant = provider_tenant(self.provider)
        self.role = self.conf.get("ROLE") or self.default_role
        for attr in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT",
                     "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_RP_SIGN_ALGO", "OIDC_RP_IDP_SIGN_KEY"):
            setattr(self, attr, self.get_settings(attr))

        token_info = self.get_token({
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback_url(request, self.provider),
            "code_verifier": code_verifier,
        })
        id_token, access_token = token_info.get("id_token"), token_info.get("access_token")
        if not id_token:
            raise SuspiciousOperation("The token response has no id_token.")
        payload = self.verify_token(id_token, nonce=nonce)
        self.store_tokens(access_token, id_token)
        try:
            with transaction.atomic():
                # Lock the tenant row: two first logins of one person must not create two users.
                Tenant.objects.select_for_update().filter(pk=self.tenant.pk).first()
                return self.get_or_create_user(access_token, id_token, payload)
        except ValidationError as exc:
            raise LoginRefused(f"the user could not be created: {exc}") from exc

    def verify_token(self, token, **kwargs):
        """Signature (JWKS) and nonce by mozilla-django-oidc, then audience, expiry and issuer."""
        payload = super().verify_token(token, **kwargs)
        now = time.time()
        audiences = payload.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience does not include this client.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token azp is not this client.")
        exp = payload.get("exp")
        if not isinstance(exp, (int, float)) or exp + CLOCK_SKEW_SECONDS < now:
            raise SuspiciousOperation("ID token has expired.")
        iat = payload.get("iat")
        if isinstance(iat, (int, float)) and iat - CLOCK_SKEW_SECONDS > now:
            raise SuspiciousOperation("ID token is issued in the future.")
        issuer = self.conf.get("ISSUER")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token issuer does not match.")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token has no subject.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims (if the provider has the endpoint) overlaid by the verified ID token."""
        claims = {}
        if self.OIDC_OP_USER_ENDPOINT:
            claims = super().get_userinfo(access_token, id_token, payload)
            if claims.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("Userinfo subject differs from the ID token subject.")
        return {**claims, **payload}

    # Helpers for the subclasses.
    def _unique_username(self, wanted: str, fallback: str) -> str:
        User = self.UserModel
        for candidate in (wanted, fallback):
            if (
                candidate and len(candidate) <= 150 and re.fullmatch(r"[\w.@+-]+", candidate)
                and not User.objects.filter(username__iexact=candidate).exists()
            ):
                return candidate
        while True:
            candidate = f"{fallback[:130]}-{get_random_string(6).lower()}"
            if not User.objects.filter(username__iexact=candidate).exists():
                return candidate

    def _create_member(self, *, username, claims, email=""):
        first, last = claims.get("given_name") or "", claims.get("family_name") or ""
        if not (first or last) and claims.get("name"):
            first, _sep, last = str(claims["name"]).rpartition(" ")
            first, last = (first, last) if first else (last, "")
        return services.user_create(actor=None, tenant=self.tenant, username=username, role=self.role,
                                    first_name=first[:150], last_name=last[:150], email=email).user

    def _require_membership(self, user, *, create_missing: bool):
        """The user's active membership of the provider's tenant (created if allowed)."""
        if not create_missing and not Membership.objects.filter(tenant=self.tenant, user=user).exists():
            raise LoginRefused(f"user {user.pk} is not a member of tenant {self.tenant.slug}")
        membership = services.membership_ensure(tenant=self.tenant, user=user, role=self.role,
                                                comment=f"OIDC login ({self.provider})")
        if not membership.is_active:
            raise LoginRefused(f"membership of user {user.pk} in tenant {self.tenant.slug} is inactive")
        return membership

    def _link(self, user, field, value, label):
        services.user_link_identity(tenant=self.tenant, user=user, field=field, value=value, label=label,
                                    comment=f"OIDC login ({self.provider})")


class IdPortenBackend(_ProviderBackend):
    """Citizens, identified by their national identity number (claim ``pid``)."""

    provider = "idporten"
    default_role = Role.CITIZEN

    def verify_claims(self, claims):
        return isinstance(claims.get("pid"), str) and re.fullmatch(r"\d{11}", claims["pid"].strip()) is not None

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(national_id_hash=national_id_hash(claims["pid"]))

    def create_user(self, claims):
        digest = national_id_hash(claims["pid"])
        user = self._create_member(username=self._unique_username("", f"idporten-{digest[:12]}"), claims=claims)
        self._link(user, "national_id_hash", digest, "ID-porten")
        return user

    def update_user(self, user, claims):
        # The person is proven by ID-porten: they may become a citizen of this tenant.
        self._require_membership(user, create_missing=True)
        return user


def _email_verified(claims) -> bool:
    return any(claims.get(name) in (True, "true", "True", 1, "1") for name in ("email_verified", "xms_edov"))


class EntraIdBackend(_ProviderBackend):
    """Employees from the municipality's Entra ID directory (claim ``oid``)."""

    provider = "entra"
    default_role = Role.EMPLOYEE

    def verify_claims(self, claims):
        return isinstance(claims.get("oid"), str) and bool(claims["oid"].strip())

    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(oidc_subject=claims["oid"])
        if users.exists():
            return users
        email = (claims.get("email") or "").strip()
        if not (email and _email_verified(claims)):
            return self.UserModel.objects.none()
        members = self.UserModel.objects.filter(
            email__iexact=email, memberships__tenant=self.tenant
        ).distinct()
        if any(user.oidc_subject for user in members):
            raise LoginRefused("the e-mail belongs to a member linked to another Entra ID account")
        return members

    def create_user(self, claims):
        oid = claims["oid"]
        wanted = claims.get("preferred_username") or claims.get("upn") or ""
        username = self._unique_username(wanted, f"entra-{oid[:12]}")
        user = self._create_member(username=username, claims=claims, email=(claims.get("email") or "")[:254])
        self._link(user, "oidc_subject", oid, "Entra ID")
        return user

    def update_user(self, user, claims):
        # Only members of this tenant: an Entra account never opens another tenant's user.
        self._require_membership(user, create_missing=False)
        if not user.oidc_subject:
            self._link(user, "oidc_subject", claims["oid"], "Entra ID")
        return user


# --- Views ----------------------------------------------------------------------------------
class _ProviderViewMixin:
    provider = None

    def get_settings(self, attr, *args):
        return provider_setting(self.provider, attr, *args)


class OIDCLoginView(_ProviderViewMixin, OIDCAuthenticationRequestView):
    """Starts the authorization code flow (state, nonce, PKCE S256) at the provider."""

    def get(self, request):
        state = get_random_string(self.get_settings("OIDC_STATE_SIZE"))
        nonce = get_random_string(self.get_settings("OIDC_NONCE_SIZE"))
        code_verifier = get_random_string(self.get_settings("OIDC_PKCE_CODE_VERIFIER_SIZE"))
        method = self.get_settings("OIDC_PKCE_CODE_CHALLENGE_METHOD")
        params = {
            "response_type": "code",
            "scope": self.get_settings("OIDC_RP_SCOPES"),
            "client_id": self.OIDC_RP_CLIENT_ID,
            "redirect_uri": callback_url(request, self.provider),
            "state": state,
            "nonce": nonce,
            "code_challenge": generate_code_challenge(code_verifier, method),
            "code_challenge_method": method,
        }
        if getattr(request, "LANGUAGE_CODE", ""):
            params["ui_locales"] = request.LANGUAGE_CODE
        add_state_and_verifier_and_nonce_to_session(request, state, params, code_verifier)
        request.session["oidc_login_next"] = get_next_url(request, self.get_settings("OIDC_REDIRECT_FIELD_NAME"))
        return HttpResponseRedirect(f"{self.OIDC_OP_AUTH_ENDPOINT}?{urlencode(params)}")


class OIDCCallbackView(_ProviderViewMixin, OIDCAuthenticationCallbackView):
    """Receives the code, lets the provider's backend authenticate and logs the user in."""

    @property
    def failure_url(self):
        return reverse("accounts:login")

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, josepy.errors.Error, ValueError) as exc:
            logger.warning("OIDC %s: login failed: %s", self.provider, exc)
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, _("Login through the identity provider failed. Please try again."))
        return super().login_failure()

    def login_success(self):
        if getattr(self.user, "backend", "") != f"{__name__}.{_BACKENDS[self.provider].__name__}":
            return self.login_failure()
        response = super().login_success()
        self.request.session[SESSION_KEY] = provider_tenant(self.provider).pk
        return response


_BACKENDS = {IdPortenBackend.provider: IdPortenBackend, EntraIdBackend.provider: EntraIdBackend}


def _view(view_class, request, provider):
    if provider not in _BACKENDS:
        raise Http404
    provider_tenant(provider)  # 404 unless configured with an existing tenant
    return view_class.as_view(provider=provider)(request)


def login(request, provider):
    return _view(OIDCLoginView, request, provider)


def callback(request, provider):
    return _view(OIDCCallbackView, request, provider)
