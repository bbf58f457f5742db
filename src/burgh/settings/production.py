"""Production settings: HTTPS only, secrets from the environment, PostgreSQL expected."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_list

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
