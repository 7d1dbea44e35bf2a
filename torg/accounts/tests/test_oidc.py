"""OpenID Connect login end to end against a real local provider (tests/oidc_provider.py).

The browser's part is played by two clients: Django's test client talks to Torg, `requests`
talks to the provider. Torg itself calls the provider's token, JWKS and userinfo endpoints over
HTTP, as in production.
"""

import hashlib
import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django.urls import resolve, reverse

from torg.accounts.middleware import SESSION_KEY as TENANT_SESSION_KEY
from torg.accounts.models import Membership, Role, User
from torg.accounts.oidc import EntraIdBackend, IdPortenBackend, national_id_hash
from torg.core.models import AuditEvent

from .oidc_provider import OIDCTestProvider, b64url, new_rsa_key

PID = "01017012345"
CALLBACK = "http://testserver/accounts/oidc/{}/callback/"


@pytest.fixture
def idporten():
    op = OIDCTestProvider(client_id="torg-idporten", redirect_uris=[CALLBACK.format("idporten")],
                          user={"sub": "idporten-sub-1", "pid": PID, "acr": "idporten-loa-substantial"})
    with op:
        yield op


@pytest.fixture
def entra():
    op = OIDCTestProvider(client_id="torg-entra", redirect_uris=[CALLBACK.format("entra")],
                          user={"sub": "entra-sub-1", "oid": "oid-ola", "tid": "dir-testvik", "name": "Ola Nordmann",
                                "preferred_username": "ola.nordmann@testvik.no", "email": "ola.nordmann@testvik.no",
                                "email_verified": True})
    with op:
        yield op


@pytest.fixture
def providers(tenant, idporten, entra):
    """Both providers configured for the tenant "testvik"."""
    conf = {
        "idporten": idporten.provider_settings(tenant=tenant.slug, role=Role.CITIZEN),
        "entra": entra.provider_settings(tenant=tenant.slug, role=Role.EMPLOYEE, scopes="openid profile email"),
    }
    with override_settings(TORG_OIDC_PROVIDERS=conf):
        yield conf


# --- The browser ----------------------------------------------------------------------------
def start_login(client, key, next_url=None):
    url = reverse("accounts:oidc_login", kwargs={"provider": key})
    response = client.get(url, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def at_provider(authorization_url):
    """The user at the provider: it auto-approves and sends the browser back to Torg."""
    response = requests.get(authorization_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def back_at_torg(client, callback_location):
    parts = urlsplit(callback_location)
    assert f"{parts.scheme}://{parts.netloc}" == "http://testserver"
    return client.get(f"{parts.path}?{parts.query}")


def oidc_login(client, key, next_url=None):
    return back_at_torg(client, at_provider(start_login(client, key, next_url)))


def logged_in_user(client):
    user_id = client.session.get(AUTH_SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def assert_refused(client, response):
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert logged_in_user(client) is None


# --- Configuration --------------------------------------------------------------------------
def test_login_page_shows_one_button_per_configured_provider(client, providers):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:oidc_login", kwargs={"provider": "idporten"}) in page
    assert reverse("accounts:oidc_login", kwargs={"provider": "entra"}) in page


@pytest.mark.django_db
def test_login_page_without_providers_has_no_oidc_buttons(client):
    with override_settings(TORG_OIDC_PROVIDERS={}):
        page = client.get(reverse("accounts:login")).content.decode()
    assert "/accounts/oidc/" not in page


def test_unknown_or_unconfigured_provider_is_404(client, tenant, idporten):
    conf = {"idporten": idporten.provider_settings(tenant=tenant.slug, role=Role.CITIZEN)}
    with override_settings(TORG_OIDC_PROVIDERS=conf):
        for key in ("entra", "google"):
            assert client.get(reverse("accounts:oidc_login", kwargs={"provider": key})).status_code == 404
            assert client.get(reverse("accounts:oidc_callback", kwargs={"provider": key})).status_code == 404
    broken = {"idporten": {**conf["idporten"], "TENANT": "no-such-tenant"}}
    with override_settings(TORG_OIDC_PROVIDERS=broken):
        assert client.get(reverse("accounts:oidc_login", kwargs={"provider": "idporten"})).status_code == 404
    symmetric = {"idporten": {**conf["idporten"], "SIGN_ALGO": "HS256"}}
    with override_settings(TORG_OIDC_PROVIDERS=symmetric):
        assert client.get(reverse("accounts:oidc_login", kwargs={"provider": "idporten"})).status_code == 404


def test_authorization_request_has_state_nonce_and_pkce(client, providers, idporten):
    url = start_login(client, "idporten")
    assert url.startswith(idporten.base_url + "/authorize?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "torg-idporten"
    assert query["redirect_uri"] == CALLBACK.format("idporten")
    assert query["scope"].split() == ["openid", "profile"]
    assert query["code_challenge_method"] == "S256"
    stored = client.session["oidc_states"][query["state"]]
    assert stored["nonce"] == query["nonce"] and len(query["nonce"]) >= 32
    assert b64url(hashlib.sha256(stored["code_verifier"].encode()).digest()) == query["code_challenge"]


def test_redirect_uri_uses_the_public_base_url(client, providers):
    with override_settings(TORG_PUBLIC_BASE_URL="https://torg.example.no/"):
        url = start_login(client, "idporten")
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == ["https://torg.example.no/accounts/oidc/idporten/callback/"]


def test_next_url_to_another_site_is_ignored(client, providers):
    response = oidc_login(client, "idporten", next_url="https://evil.example/phish")
    assert response["Location"] == reverse("web:dashboard")
    assert logged_in_user(client) is not None


# --- ID-porten ------------------------------------------------------------------------------
def test_first_idporten_login_creates_a_citizen_and_the_second_finds_them(client, providers, idporten, tenant):
    response = oidc_login(client, "idporten")
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    user = logged_in_user(client)
    assert user is not None
    assert user.national_id_hash == national_id_hash(PID) and len(user.national_id_hash) == 64
    assert not user.has_usable_password()
    # The national identity number itself is stored nowhere on the user or in the audit trail.
    assert PID not in " ".join(str(v) for v in User.objects.filter(pk=user.pk).values().first().values())
    assert not any(PID in str(e.changes) + e.object_repr + e.comment for e in AuditEvent.objects.all())
    assert [(m.tenant, m.role) for m in user.memberships.all()] == [(tenant, Role.CITIZEN)]
    assert client.session[TENANT_SESSION_KEY] == tenant.pk
    # Torg proved possession of the PKCE verifier at the token endpoint.
    assert idporten.token_requests[-1]["code_verifier"]
    assert client.get(reverse("web:dashboard")).status_code == 200

    client.logout()
    response = oidc_login(client, "idporten", next_url=reverse("accounts:profile"))
    assert response["Location"] == reverse("accounts:profile")
    assert logged_in_user(client) == user
    assert User.objects.filter(national_id_hash=user.national_id_hash).count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_national_id_hash_is_peppered(settings):
    default = national_id_hash(PID)
    assert default == national_id_hash(f" {PID} ")
    assert default != hashlib.sha256(PID.encode()).hexdigest()
    settings.TORG_NATIONAL_ID_PEPPER = "another-pepper-" + "x" * 40
    assert national_id_hash(PID) != default


def test_deactivated_citizen_cannot_log_in(client, providers, tenant):
    oidc_login(client, "idporten")
    user = logged_in_user(client)
    client.logout()
    Membership.objects.filter(user=user, tenant=tenant).update(is_active=False)
    assert_refused(client, oidc_login(client, "idporten"))


def test_deactivated_user_loses_the_oidc_session(client, providers):
    oidc_login(client, "idporten")
    user = logged_in_user(client)
    assert client.get(reverse("accounts:profile")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.logout()
    assert_refused(client, oidc_login(client, "idporten"))


def test_token_without_pid_is_refused(client, providers, idporten):
    idporten.user = {"sub": "no-pid"}
    assert_refused(client, oidc_login(client, "idporten"))
    assert not User.objects.exists()


# --- Rejected responses ---------------------------------------------------------------------
@pytest.mark.parametrize("tamper", [
    {"nonce": "not-the-nonce-we-sent"},
    {"aud": "some-other-client"},
    {"iss": "https://evil.example/"},
    {"exp": 1_000_000_000},
    {"kid": "unknown-key"},
], ids=["nonce", "audience", "issuer", "expired", "unknown-kid"])
def test_tampered_id_token_is_rejected(client, providers, idporten, tamper):
    idporten.tamper = tamper
    assert_refused(client, oidc_login(client, "idporten"))
    assert not User.objects.exclude(national_id_hash="").exists()


def test_id_token_signed_by_another_key_is_rejected(client, providers, idporten):
    idporten.tamper = {"sign_with": new_rsa_key()}  # same kid, wrong key
    assert_refused(client, oidc_login(client, "idporten"))
    assert not User.objects.exclude(national_id_hash="").exists()


def test_wrong_state_is_rejected(client, providers):
    location = at_provider(start_login(client, "idporten"))
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert_refused(client, client.get(parts.path, {"code": query["code"], "state": "forged-state"}))
    page = client.get(reverse("accounts:login"))
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert "ds-alert" in page.content.decode()


def test_callback_from_another_browser_is_rejected(client, providers):
    location = at_provider(start_login(client, "idporten"))
    stranger = Client()
    assert_refused(stranger, back_at_torg(stranger, location))


def test_callback_cannot_be_replayed(client, providers):
    location = at_provider(start_login(client, "idporten"))
    assert back_at_torg(client, location)["Location"] == reverse("web:dashboard")
    client.logout()
    assert_refused(client, back_at_torg(client, location))


def test_wrong_pkce_verifier_is_rejected_by_the_provider(client, providers, idporten):
    url = start_login(client, "idporten")
    state = parse_qs(urlsplit(url).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["code_verifier"] = "x" * 64
    session.save()
    assert_refused(client, back_at_torg(client, at_provider(url)))
    assert idporten.token_requests[-1]["code_verifier"] == "x" * 64


def test_error_from_provider_is_a_failed_login(client, providers):
    url = start_login(client, "idporten")
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get(reverse("accounts:oidc_callback", kwargs={"provider": "idporten"}),
                          {"error": "access_denied", "state": state})
    assert_refused(client, response)


# --- Backends only act in their own callback ------------------------------------------------
@pytest.mark.parametrize("path,backend_class", [
    ("/accounts/login/", IdPortenBackend),
    ("/accounts/oidc/entra/callback/", IdPortenBackend),
    ("/accounts/oidc/idporten/callback/", EntraIdBackend),
])
def test_backend_ignores_requests_outside_its_callback(providers, path, backend_class):
    request = RequestFactory().get(path, {"code": "c", "state": "s"})
    request.resolver_match = resolve(path)
    assert backend_class().authenticate(request, nonce="n", code_verifier="v" * 64) is None
    assert backend_class().authenticate(request, username="admin", password="correct-horse-42") is None


def test_password_login_still_works_with_oidc_backends(client, providers, admin_user):
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": "correct-horse-42"})
    assert response.status_code == 302
    assert logged_in_user(client) == admin_user


def test_refused_oidc_logins_do_not_lock_out_the_network(client, providers, entra, other_tenant, make_member):
    """django-axes counts failed password logins per username + IP address. Refused OIDC logins
    must not count, or a few refused people behind one NAT would lock out everybody."""
    from axes.models import AccessAttempt

    per = make_member(other_tenant, "per", Role.ADMIN)
    User.objects.filter(pk=per.pk).update(oidc_subject="oid-per")
    entra.user = {**entra.user, "oid": "oid-per"}
    for _ in range(6):
        assert_refused(client, oidc_login(client, "entra"))
    entra.user = {**entra.user, "oid": "oid-colleague"}
    assert oidc_login(client, "entra")["Location"] == reverse("web:dashboard")
    assert logged_in_user(client).oidc_subject == "oid-colleague"
    assert not AccessAttempt.objects.exists()


# --- Entra ID -------------------------------------------------------------------------------
def test_entra_login_maps_to_an_existing_employee_by_verified_email(client, providers, entra, tenant, make_member):
    kari = make_member(tenant, "kari", Role.EMPLOYEE)
    User.objects.filter(pk=kari.pk).update(email="Kari.Nordmann@testvik.no")
    entra.user = {**entra.user, "oid": "oid-kari", "email": "kari.nordmann@testvik.no",
                  "preferred_username": "kari.nordmann@testvik.no"}
    response = oidc_login(client, "entra")
    assert response["Location"] == reverse("web:dashboard")
    assert logged_in_user(client) == kari
    kari.refresh_from_db()
    assert kari.oidc_subject == "oid-kari"
    assert Membership.objects.get(user=kari).role == Role.EMPLOYEE  # unchanged

    # Later the e-mail changes in the directory: the oid still finds her.
    client.logout()
    entra.user = {**entra.user, "email": "kari.hansen@testvik.no"}
    oidc_login(client, "entra")
    assert logged_in_user(client) == kari
    assert User.objects.count() == 1


def test_unverified_email_never_matches_an_existing_user(client, providers, entra, tenant, make_member):
    kari = make_member(tenant, "kari", Role.ADMIN)
    User.objects.filter(pk=kari.pk).update(email="kari@testvik.no")
    entra.user = {**entra.user, "oid": "oid-attacker", "email": "kari@testvik.no", "email_verified": False}
    oidc_login(client, "entra")
    user = logged_in_user(client)
    assert user is not None and user != kari
    assert user.memberships.get().role == Role.EMPLOYEE


def test_new_entra_user_becomes_an_employee(client, providers, tenant):
    oidc_login(client, "entra")
    user = logged_in_user(client)
    assert user.username == "ola.nordmann@testvik.no"
    assert (user.first_name, user.last_name) == ("Ola", "Nordmann")
    assert user.oidc_subject == "oid-ola"
    assert not user.has_usable_password()
    assert [(m.tenant, m.role) for m in user.memberships.all()] == [(tenant, Role.EMPLOYEE)]


def test_entra_user_with_a_taken_username_gets_another(client, providers, tenant, make_member):
    make_member(tenant, "ola.nordmann@testvik.no", Role.ADMIN)  # a local account, not linked
    oidc_login(client, "entra")
    user = logged_in_user(client)
    assert user.username.startswith("entra-") and user.oidc_subject == "oid-ola"
    assert user.memberships.get().role == Role.EMPLOYEE


def test_entra_guest_username_is_replaced_by_a_valid_one(client, providers, entra):
    entra.user = {**entra.user, "preferred_username": "ola_gmail.com#EXT#@testvik.onmicrosoft.com"}
    oidc_login(client, "entra")
    assert logged_in_user(client).username.startswith("entra-")


# --- Tenant isolation -----------------------------------------------------------------------
def test_provider_of_tenant_a_never_grants_access_to_tenant_b(
    client, providers, entra, idporten, tenant, other_tenant, make_member
):
    per = make_member(other_tenant, "per", Role.ADMIN)
    User.objects.filter(pk=per.pk).update(email="per@andrevik.no", oidc_subject="oid-per")
    b_memberships = set(Membership.objects.filter(tenant=other_tenant).values_list("pk", "user_id", "role"))

    # Tenant A's directory vouches for a verified e-mail of B's admin: not matched outside A.
    entra.user = {**entra.user, "oid": "oid-new", "email": "per@andrevik.no", "preferred_username": "per@andrevik.no"}
    oidc_login(client, "entra")
    newcomer = logged_in_user(client)
    assert newcomer != per
    assert list(newcomer.memberships.values_list("tenant", flat=True)) == [tenant.pk]
    response = client.post(reverse("accounts:switch_tenant"), {"tenant": other_tenant.pk})
    assert response.status_code == 404
    client.logout()

    # The oid of a user who is only a member of B is refused, and B's user gets nothing in A.
    entra.user = {**entra.user, "oid": "oid-per"}
    assert_refused(client, oidc_login(client, "entra"))
    assert not Membership.objects.filter(user=per, tenant=tenant).exists()

    # An ID-porten citizen of A is a member of A only.
    oidc_login(client, "idporten")
    citizen = logged_in_user(client)
    assert list(citizen.memberships.values_list("tenant", "role")) == [(tenant.pk, Role.CITIZEN)]
    assert set(Membership.objects.filter(tenant=other_tenant).values_list("pk", "user_id", "role")) == b_memberships


def test_citizen_known_in_another_tenant_joins_only_the_providers_tenant(
    client, providers, tenant, other_tenant, make_member
):
    ivar = make_member(other_tenant, "ivar", Role.CITIZEN)
    User.objects.filter(pk=ivar.pk).update(national_id_hash=national_id_hash(PID))
    oidc_login(client, "idporten")
    assert logged_in_user(client) == ivar
    assert client.session[TENANT_SESSION_KEY] == tenant.pk
    assert dict(ivar.memberships.values_list("tenant", "role")) == {
        tenant.pk: Role.CITIZEN, other_tenant.pk: Role.CITIZEN
    }


# --- Settings from the environment ----------------------------------------------------------
PRINT_PROVIDERS = "import json; from django.conf import settings; print(json.dumps(settings.TORG_OIDC_PROVIDERS))"


def _settings_env(**values):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORG_", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "torg.settings", **values})
    return env


def _manage_shell(env):
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", PRINT_PROVIDERS], cwd=settings.BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=120)


def test_providers_are_built_from_environment_variables():
    base = "https://test.idporten.no"
    env = _settings_env(
        TORG_OIDC_IDPORTEN_CLIENT_ID="torg-client",
        TORG_OIDC_IDPORTEN_CLIENT_SECRET="from-the-environment",
        TORG_OIDC_IDPORTEN_AUTHORIZATION_ENDPOINT="https://login.test.idporten.no/authorize",
        TORG_OIDC_IDPORTEN_TOKEN_ENDPOINT=f"{base}/token",
        TORG_OIDC_IDPORTEN_JWKS_ENDPOINT=f"{base}/jwks.json",
        TORG_OIDC_IDPORTEN_ISSUER=f"{base}/",
        TORG_OIDC_IDPORTEN_TENANT="storvik",
    )
    result = _manage_shell(env)
    assert result.returncode == 0, result.stderr
    providers = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(providers) == ["idporten"]  # Entra ID is off: no client id
    assert providers["idporten"] == {
        "CLIENT_ID": "torg-client", "CLIENT_SECRET": "from-the-environment",
        "AUTHORIZATION_ENDPOINT": "https://login.test.idporten.no/authorize", "TOKEN_ENDPOINT": f"{base}/token",
        "USER_ENDPOINT": "", "JWKS_ENDPOINT": f"{base}/jwks.json", "ISSUER": f"{base}/", "SIGN_ALGO": "RS256",
        "SCOPES": "openid profile", "TENANT": "storvik", "ROLE": "citizen",
    }

    del env["TORG_OIDC_IDPORTEN_ISSUER"]
    result = _manage_shell(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "TORG_OIDC_IDPORTEN_ISSUER" in result.stderr
