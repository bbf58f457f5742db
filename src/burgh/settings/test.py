"""Settings for the test suite: SQLite by default, PostgreSQL when DATABASE_URL names one."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT, VAR_DIR

SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the relay crash test and the browser tests use a second process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tests keep Argon2id but with a light cost; production cost is tested in test_hashers.
PASSWORD_HASHERS = ["burgh.identity.hashers.LightArgon2Hasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run inline in tests, except in a worker started by a test (the worker test).
if os.environ.get("BURGH_TEST_TASKS") != "database":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Extra event consumers for tests that run the relay in a second process (the crash test).
EVENT_CONSUMER_MODULES = [m for m in os.environ.get("BURGH_TEST_CONSUMERS", "").split(",") if m]
