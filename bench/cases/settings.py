"""The cases benchmark's server: Burgh's production settings, on a scratch database.

One change, and why: static files are named as they are (StaticFilesStorage) rather than
through the manifest `collectstatic` writes, so the server starts without a collectstatic
step; a page's `{% static %}` costs a dictionary lookup either way. The load generator talks
to gunicorn directly and sends `X-Forwarded-Proto: https`, as the TLS-terminating proxy in
front of a production server does, so the HTTPS redirect, HSTS and secure cookies are
production's own.
"""

from burgh.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
