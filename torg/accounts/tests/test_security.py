"""The security baseline: deploy checks, production settings, CSP, CSRF, brute-force lockout and
no secrets in the repository.

Production settings are evaluated in a subprocess (`TORG_ENV=production`), exactly as a server
would start, so the test process's own settings are left alone.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_HOST = "torg.example.no"
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TORG_", "DJANGO_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "torg.settings",
        "TORG_ENV": "production",
        "TORG_SECRET_KEY": get_random_string(60, KEY_CHARS),
        "TORG_ALLOWED_HOSTS": PRODUCTION_HOST,
        "TORG_VAR_DIR": os.environ.get("TORG_VAR_DIR", str(BASE_DIR / "var")),
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


PRINT_SETTINGS = """
import json
from django.conf import settings as s
names = ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_CONTENT_TYPE_NOSNIFF",
         "X_FRAME_OPTIONS", "EMAIL_BACKEND"]
print(json.dumps({n: getattr(s, n) for n in names}))
"""


# --- Production settings --------------------------------------------------------------------
def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("overrides,message", [
    ({"TORG_SECRET_KEY": None}, "TORG_SECRET_KEY"),
    ({"TORG_SECRET_KEY": "too-short"}, "TORG_SECRET_KEY"),
    ({"TORG_ALLOWED_HOSTS": None}, "TORG_ALLOWED_HOSTS"),
], ids=["no-secret-key", "short-secret-key", "no-allowed-hosts"])
def test_production_refuses_to_start_without_its_secrets(overrides, message):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_settings_are_secure():
    env = production_env(TORG_DEBUG="true")  # DEBUG cannot be switched on in production
    result = manage("shell", "-c", PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == env["TORG_SECRET_KEY"]
    assert values["ALLOWED_HOSTS"] == [PRODUCTION_HOST]
    assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_development_key_is_never_the_production_key():
    """The only long literal in settings.py that could be a secret is the development key, and it
    sits in the non-production branch (production reads TORG_SECRET_KEY or refuses to start)."""
    source = (BASE_DIR / "torg" / "settings.py").read_text()
    literals = [node.value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                and len(node.value) >= 32 and not re.search(r"[\s/]", node.value)
                and not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", node.value)]  # dotted paths
    assert len(literals) == 1 and "not-for-production" in literals[0]


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[0-9A-Za-z]{36,}\b"),
    "Django secret key": re.compile(r"\bdjango-insecure-[^\s'\"]{20,}"),
    "hard-coded secret": re.compile(
        r"""(?i)\b(?:TORG_SECRET_KEY|CLIENT_SECRET|DB_PASSWORD)\s*[=:]\s*["'][^"'\s$]{16,}["']"""
    ),
}
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "__pycache__", ".pytest_cache", "vendor", "test-results"}
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".html", ".js", ".css",
                 ".env", ".sh", ".sql", ".po", ""}


def repository_text_files():
    for root, dirs, files in os.walk(BASE_DIR):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = Path(root) / name
            if path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
                yield path


def test_no_secrets_in_the_repository():
    found = []
    for path in repository_text_files():
        text = path.read_text(errors="ignore")
        for label, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{path.relative_to(BASE_DIR)}: {label}")
    assert found == []
    assert not [p for p in repository_text_files() if p.name == ".env"]


# --- Content Security Policy ----------------------------------------------------------------
def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_send_a_strict_content_security_policy(client, client_for, admin_user):
    for url, c in ((reverse("accounts:login"), client), (reverse("web:dashboard"), None)):
        c = c or client_for(admin_user)
        response = c.get(url)
        assert response.status_code == 200
        csp = csp_directives(response)
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        # ...and the page does not rely on anything the policy blocks.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
        assert not re.search(r"\sstyle=", html), "inline style attribute"
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"


# --- CSRF -----------------------------------------------------------------------------------
def test_csrf_is_enforced_on_form_posts(admin_user):
    browser = Client(enforce_csrf_checks=True)
    credentials = {"username": "admin", "password": "correct-horse-42"}
    assert browser.post(reverse("accounts:login"), credentials).status_code == 403
    assert SESSION_KEY not in browser.session

    page = browser.get(reverse("accounts:login")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(reverse("accounts:login"), {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert browser.session[SESSION_KEY] == str(admin_user.pk)

    # Signed in, a state-changing post without the token is still refused.
    response = browser.post(reverse("accounts:switch_tenant"), {"tenant": admin_user.memberships.get().tenant_id})
    assert response.status_code == 403


# --- Brute-force lockout (django-axes) ------------------------------------------------------
def test_login_is_locked_after_five_failures_for_that_user_only(client, admin_user, employee):
    login = reverse("accounts:login")
    statuses = [client.post(login, {"username": "admin", "password": "wrong-password"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form with an error; the fifth failure locks
    assert SESSION_KEY not in client.session

    response = client.post(login, {"username": "admin", "password": "correct-horse-42"})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert SESSION_KEY not in client.session

    other = Client()
    response = other.post(login, {"username": "ansatt", "password": "correct-horse-42"})
    assert response.status_code == 302
    assert other.session[SESSION_KEY] == str(employee.pk)
