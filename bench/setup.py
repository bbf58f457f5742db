"""Shared set-up: Django on a fresh, migrated database in a temporary directory."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable


def django_on_fresh_database() -> str:
    """Configure Django on an empty SQLite database (or DATABASE_URL) and migrate it."""
    var_dir = tempfile.mkdtemp(prefix="burgh-bench-")
    os.environ["BURGH_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "burgh.settings.local")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return var_dir


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
