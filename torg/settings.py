"""Torg settings.

Everything that differs between machines comes from the environment; see docs/settings.md.
`TORG_ENV=production` switches on the production profile, which refuses to start without
`TORG_SECRET_KEY` and `TORG_ALLOWED_HOSTS`.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TORG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TORG_ENV = os.environ.get("TORG_ENV", "development")
PRODUCTION = TORG_ENV == "production"


def env_list(name, default=""):
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


if PRODUCTION:
    SECRET_KEY = os.environ.get("TORG_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("TORG_SECRET_KEY must be set (at least 50 characters) in production.")
    ALLOWED_HOSTS = env_list("TORG_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TORG_ALLOWED_HOSTS must be set in production.")
    DEBUG = False
else:
    # Development-only key: never used when TORG_ENV=production.
    SECRET_KEY = os.environ.get("TORG_SECRET_KEY", "torg-development-key-not-for-production-use-0123456789")
    ALLOWED_HOSTS = env_list("TORG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = env_bool("TORG_DEBUG", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_prometheus",
    "ninja",  # serves its bundled Swagger UI for /api/v1/docs (no CDN)
    "torg.core",
    "torg.accounts",
    "torg.places",
    "torg.reuse",
    "torg.reuse.market",
    "torg.reuse.relocation",
    "torg.reuse.impact",
    "torg.booking",
    "torg.booking.allocation",
    "torg.participation",
    "torg.projects",
    "torg.estate",
    "torg.web",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics are answered first, before host checks and redirects.
    "torg.core.ops.OpsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "torg.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "torg.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "torg.accounts.middleware.TenantMiddleware",
    # AxesMiddleware is the last of the request-handling middleware; the metrics one only counts.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "torg.urls"
WSGI_APPLICATION = "torg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "torg.web.context_processors.torg",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'torg.sqlite3'}"
# Persistent connections in production (saves a connect per request); checked before reuse.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=int(os.environ.get("TORG_DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL for concurrent readers; IMMEDIATE transactions so that write transactions take the
    # write lock up front (no deadlock-on-upgrade, serialised check-then-insert).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "torg.accounts.oidc.IdPortenBackend",
    "torg.accounts.oidc.EntraIdBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (django-axes): lock the username+IP pair after 5 failures for 15 min.
AXES_FAILURE_LIMIT = int(os.environ.get("TORG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- OpenID Connect (ID-porten for citizens, Entra ID for employees) -------------------------
# A provider is enabled when its client id is set; it then needs its endpoints, issuer and tenant.
# See docs/settings.md and torg/accounts/oidc.py.
TORG_OIDC_PROVIDERS = {}
for _key, _role, _scopes in (("IDPORTEN", "citizen", "openid profile"), ("ENTRA", "employee", "openid profile email")):
    if os.environ.get(f"TORG_OIDC_{_key}_CLIENT_ID"):
        TORG_OIDC_PROVIDERS[_key.lower()] = {
            "CLIENT_ID": os.environ[f"TORG_OIDC_{_key}_CLIENT_ID"],
            "CLIENT_SECRET": os.environ.get(f"TORG_OIDC_{_key}_CLIENT_SECRET", ""),
            "AUTHORIZATION_ENDPOINT": os.environ.get(f"TORG_OIDC_{_key}_AUTHORIZATION_ENDPOINT", ""),
            "TOKEN_ENDPOINT": os.environ.get(f"TORG_OIDC_{_key}_TOKEN_ENDPOINT", ""),
            "USER_ENDPOINT": os.environ.get(f"TORG_OIDC_{_key}_USER_ENDPOINT", ""),
            "JWKS_ENDPOINT": os.environ.get(f"TORG_OIDC_{_key}_JWKS_ENDPOINT", ""),
            "ISSUER": os.environ.get(f"TORG_OIDC_{_key}_ISSUER", ""),
            "SIGN_ALGO": os.environ.get(f"TORG_OIDC_{_key}_SIGN_ALGO", "RS256"),
            "SCOPES": os.environ.get(f"TORG_OIDC_{_key}_SCOPES", _scopes),
            "TENANT": os.environ.get(f"TORG_OIDC_{_key}_TENANT", ""),
            "ROLE": _role,
        }
        _missing = [
            f"TORG_OIDC_{_key}_{_name}"
            for _name in ("AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "JWKS_ENDPOINT", "ISSUER", "TENANT")
            if not TORG_OIDC_PROVIDERS[_key.lower()][_name]
        ]
        if _missing:
            raise ImproperlyConfigured(f"TORG_OIDC_{_key}_CLIENT_ID is set, so set these too: {', '.join(_missing)}")
# Pepper for the hash of national identity numbers (ID-porten `pid`). Empty: derived from SECRET_KEY.
# Set it separately so that SECRET_KEY can be rotated without losing the link to citizens' accounts.
TORG_NATIONAL_ID_PEPPER = os.environ.get("TORG_NATIONAL_ID_PEPPER", "")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("en", _("English"))]
LOCALE_PATHS = []
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Numbers for people go through one filter, `|intspace` (torg.core.templatetags.torg), grouped by the
# language's THOUSAND_SEPARATOR: in bokmål a narrow no-break space, «12 345» (torg/formats/nb). Not
# USE_THOUSAND_SEPARATOR: it would also group ids, years and sizes in attributes and URLs («1 974»).
FORMAT_MODULE_PATH = ["torg.formats"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("TORG_STATIC_ROOT", VAR_DIR / "static"))

# Uploaded files (photos): the local file system (MEDIA_ROOT) by default, S3-compatible object
# storage with TORG_STORAGE=s3. Never served from a public path: every file goes through a view
# that checks tenant and permission (torg.core.photos), which streams it, hands it to the proxy
# (X-Accel-Redirect / X-Sendfile) or redirects to a short-lived signed URL (TORG_MEDIA_SERVE).
MEDIA_ROOT = Path(os.environ.get("TORG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # not routed; FileSystemStorage needs a value
TORG_STORAGE = os.environ.get("TORG_STORAGE", "filesystem").strip().lower()
TORG_MEDIA_URL_EXPIRY = int(os.environ.get("TORG_MEDIA_URL_EXPIRY", "300"))
TORG_MEDIA_ACCEL_PREFIX = os.environ.get("TORG_MEDIA_ACCEL_PREFIX", "/_media/")
TORG_S3_PUBLIC_ORIGINS = []  # where browsers fetch signed URLs from (allowed in the CSP img-src)
if TORG_STORAGE == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif TORG_STORAGE == "s3":
    _s3_endpoint = os.environ.get("TORG_S3_ENDPOINT_URL", "").strip()
    _s3_public = os.environ.get("TORG_S3_PUBLIC_ENDPOINT_URL", "").strip()
    _s3_options = {
        "bucket_name": os.environ.get("TORG_S3_BUCKET", "").strip(),
        "endpoint_url": _s3_endpoint or None,
        "public_endpoint_url": _s3_public,
        "region_name": os.environ.get("TORG_S3_REGION", "").strip() or None,
        "location": os.environ.get("TORG_S3_PREFIX", "").strip().strip("/"),
        # Path-style addressing for MinIO and other self-hosted stores; AWS picks its own.
        "addressing_style": os.environ.get("TORG_S3_ADDRESSING_STYLE", "path" if _s3_endpoint else "").strip() or None,
        "signature_version": "s3v4",
        "querystring_auth": True,  # the bucket is private: every URL handed out is signed
        "querystring_expire": TORG_MEDIA_URL_EXPIRY,
        "default_acl": None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, max-age=86400"},
    }
    if not _s3_options["bucket_name"]:
        raise ImproperlyConfigured("TORG_STORAGE=s3 needs TORG_S3_BUCKET.")
    # Without keys, boto3 finds credentials itself (AWS_* variables, instance or pod role).
    if os.environ.get("TORG_S3_ACCESS_KEY_ID"):
        _s3_options["access_key"] = os.environ["TORG_S3_ACCESS_KEY_ID"]
        _s3_options["secret_key"] = os.environ.get("TORG_S3_SECRET_ACCESS_KEY", "")
    DEFAULT_STORAGE = {"BACKEND": "torg.core.storage.S3Storage", "OPTIONS": _s3_options}
    if _s3_public or _s3_endpoint:
        _u = urlsplit(_s3_public or _s3_endpoint)
        TORG_S3_PUBLIC_ORIGINS = [f"{_u.scheme}://{_u.netloc}"]
    else:
        TORG_S3_PUBLIC_ORIGINS = ["https://*.amazonaws.com"]
else:
    raise ImproperlyConfigured("TORG_STORAGE must be 'filesystem' or 's3'.")
# How the file view hands out a file: `redirect` (a signed URL; S3 only), `stream` (Django reads
# and sends it), `x-accel-redirect` (nginx) or `x-sendfile` (Apache, lighttpd; file system only).
TORG_MEDIA_SERVE = os.environ.get("TORG_MEDIA_SERVE", "redirect" if TORG_STORAGE == "s3" else "stream").strip().lower()
_MEDIA_SERVE_MODES = {"filesystem": {"stream", "x-accel-redirect", "x-sendfile"}, "s3": {"redirect", "stream"}}
if TORG_MEDIA_SERVE not in _MEDIA_SERVE_MODES[TORG_STORAGE]:
    raise ImproperlyConfigured(f"TORG_MEDIA_SERVE with TORG_STORAGE={TORG_STORAGE} must be one of "
                               f"{', '.join(sorted(_MEDIA_SERVE_MODES[TORG_STORAGE]))}.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FORM_RENDERER = "torg.core.forms.TorgFormRenderer"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
TORG_MAX_IMPORT_BYTES = int(os.environ.get("TORG_MAX_IMPORT_BYTES", str(20 * 1024 * 1024)))

# --- Background tasks (django-tasks) --------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TORG_TASK_BACKEND",
            "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "TORG_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
# With the file backend (`django.core.mail.backends.filebased.EmailBackend`): one file per message.
EMAIL_FILE_PATH = os.environ.get("TORG_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("TORG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TORG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TORG_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TORG_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TORG_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("TORG_DEFAULT_FROM_EMAIL", "torg@localhost")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TORG_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("TORG_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("TORG_CSRF_TRUSTED_ORIGINS")

# Content Security Policy: only our own origin; no inline scripts; inline styles are not needed
# either (htmx indicator styles are switched off in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"] + (TORG_S3_PUBLIC_ORIGINS if TORG_MEDIA_SERVE == "redirect" else []),
        "media-src": ["'self'", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"] + env_list("TORG_CSP_FORM_ACTION"),
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------
# One JSON object per line in production (torg/core/logs.py), with the request's id; plain text in
# development. TORG_LOG_FORMAT chooses either way.
TORG_LOG_FORMAT = os.environ.get("TORG_LOG_FORMAT", "json" if PRODUCTION else "text")
if TORG_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("TORG_LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "torg.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "torg.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": TORG_LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TORG_LOG_LEVEL", "WARNING")},
}

# --- Operations: health, readiness, metrics (torg/core/ops.py) --------------------------------
# /metrics in production: only with `Authorization: Bearer <token>` or from these addresses/networks.
TORG_METRICS_TOKEN = os.environ.get("TORG_METRICS_TOKEN", "")
try:
    TORG_METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network(v, strict=False) for v in env_list("TORG_METRICS_ALLOWED_IPS")]
except ValueError as exc:
    raise ImproperlyConfigured(f"TORG_METRICS_ALLOWED_IPS: {exc}") from exc
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- Torg -----------------------------------------------------------------------------------
TORG_DEMO_PASSWORD = os.environ.get("TORG_DEMO_PASSWORD", "demo")
TORG_PUBLIC_BASE_URL = os.environ.get("TORG_PUBLIC_BASE_URL", "")
