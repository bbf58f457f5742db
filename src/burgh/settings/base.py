"""Settings every environment shares; what a deployment may change comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

SRC_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("BURGH_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
ALLOWED_HOSTS = env_list("BURGH_ALLOWED_HOSTS", "127.0.0.1,localhost")

COUNCIL_NAME = os.environ.get("BURGH_COUNCIL_NAME", "Kinloch Council")
COUNCIL_SLUG = os.environ.get("BURGH_COUNCIL_SLUG", "kinloch")
# CloudEvents `source` for every event this deployment emits.
EVENT_SOURCE = os.environ.get("BURGH_EVENT_SOURCE", f"urn:burgh:{COUNCIL_SLUG}")

INSTALLED_APPS = [
    # First, so its admin/ templates (the council's name and colours) replace the admin's own.
    "burgh.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "burgh.identity",
    "burgh.places",
    "burgh.people",
    "burgh.staff",
    "burgh.cases",
    "burgh.flows",
    "burgh.demo",
]

MIDDLEWARE = [
    "burgh.core.middleware.RequestContextMiddleware",
    "burgh.identity.middleware.RequestScopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "burgh.identity.middleware.SessionTimeoutMiddleware",
    "burgh.identity.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "burgh.urls"
WSGI_APPLICATION = "burgh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "burgh.core.context_processors.council",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'burgh.sqlite3'}",
        conn_max_age=int(os.environ.get("BURGH_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "core:home"
CSRF_FAILURE_VIEW = "burgh.core.views.csrf_failure"

PASSWORD_HASHERS = [
    "burgh.identity.hashers.BurghArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection (ASVS V6): lock an account after repeated failures, throttle an address.
SIGN_IN_MAX_FAILURES = int(os.environ.get("BURGH_SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_LOCKOUT_MINUTES = int(os.environ.get("BURGH_SIGN_IN_LOCKOUT_MINUTES", "15"))
SIGN_IN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("BURGH_SIGN_IN_MAX_FAILURES_PER_ADDRESS", "20")
)

# Session timeouts: idle and absolute, enforced server-side on every request.
SESSION_IDLE_MINUTES = int(os.environ.get("BURGH_SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("BURGH_SESSION_ABSOLUTE_HOURS", "10"))

# Access control: the longest emergency (break-glass) access anyone may take at once.
BURGH_BREAK_GLASS_MAX_MINUTES = int(os.environ.get("BURGH_BREAK_GLASS_MAX_MINUTES", "240"))
# Where links in emails point (the address staff use to reach Burgh).
BURGH_SITE_URL = os.environ.get("BURGH_SITE_URL", "http://127.0.0.1:8000")

# Address matching (docs/place-matching.md): the calibrated score at or above which
# places.services.match gives a UPRN (below it, no UPRN: the address goes to review), and how
# often a process checks whether the gazetteer changed since it built its address index.
BURGH_ADDRESS_MATCH_THRESHOLD = float(os.environ.get("BURGH_ADDRESS_MATCH_THRESHOLD", "0.7"))
BURGH_ADDRESS_INDEX_CHECK_SECONDS = float(os.environ.get("BURGH_ADDRESS_INDEX_CHECK_SECONDS", "2"))

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "BURGH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("BURGH_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BURGH_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("BURGH_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BURGH_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("BURGH_EMAIL_USE_TLS", "true").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("BURGH_EMAIL_FROM", f"Burgh <burgh@{COUNCIL_SLUG}.example>")
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "burgh_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "burgh_csrftoken"

OTP_TOTP_ISSUER = COUNCIL_NAME
# An administrator can remove someone's authenticator app, but never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sign-in with the council's OpenID Connect provider (Entra ID, Keycloak): off unless the
# issuer, client id and client secret are all set. The secret comes only from the environment.
OIDC_ISSUER = os.environ.get("BURGH_OIDC_ISSUER", "").strip()
OIDC_CLIENT_ID = os.environ.get("BURGH_OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("BURGH_OIDC_CLIENT_SECRET", "")
OIDC_LABEL = (
    os.environ.get("BURGH_OIDC_LABEL", "").strip() or f"Sign in with your {COUNCIL_NAME} account"
)
# `amr` values (RFC 8176) that show the provider itself asked for a second factor.
OIDC_MFA_AMR_VALUES = env_list("BURGH_OIDC_MFA_AMR", "mfa,otp,hwk,swk,sc")
OIDC_TIMEOUT_SECONDS = int(os.environ.get("BURGH_OIDC_TIMEOUT_SECONDS", "10"))

# Request size limits: an oversized body gets 413, never a partial save.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("BURGH_MAX_REQUEST_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("govuk", PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("autocomplete", PROJECT_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
    ("bpmn-js", PROJECT_DIR / "node_modules" / "bpmn-js" / "dist"),
    ("burgh", PROJECT_DIR / "build" / "static"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BURGH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # SpiffWorkflow logs every task's change of state at INFO: a line per step of every
        # case's process. The chronology is the record of a process; its warnings still show.
        "spiff": {"level": "WARNING"},
    },
}
