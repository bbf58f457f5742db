"""Production settings: HTTPS only, secrets from the environment, PostgreSQL expected."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ISSUER, env_list

try:
    SECRET_KEY = os.environ["BURGH_SECRET_KEY"]
except KeyError as missing:
    raise ImproperlyConfigured("Set BURGH_SECRET_KEY to a long random value.") from missing

ALLOWED_HOSTS = env_list("BURGH_ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("BURGH_CSRF_TRUSTED_ORIGINS", "")

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-burgh_session"
CSRF_COOKIE_NAME = "__Host-burgh_csrftoken"

# Sign-in with the council's identity provider: all three settings or none, and only over HTTPS.
_OIDC = {
    "BURGH_OIDC_ISSUER": OIDC_ISSUER,
    "BURGH_OIDC_CLIENT_ID": OIDC_CLIENT_ID,
    "BURGH_OIDC_CLIENT_SECRET": OIDC_CLIENT_SECRET,
}
if any(_OIDC.values()) and not all(_OIDC.values()):
    _absent = ", ".join(name for name, value in _OIDC.items() if not value)
    raise ImproperlyConfigured(f"Sign-in with the identity provider also needs {_absent}.")
if OIDC_ISSUER and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("BURGH_OIDC_ISSUER must be an https:// address.")
