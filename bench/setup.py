"""Shared set-up: Django on a fresh, migrated database in a temporary directory, and a child
process on a scratch PostgreSQL database of its own."""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


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


def run_on_scratch_postgres(
    module: str, database: str, what: str, *, quick: bool, env: Mapping[str, str] | None = None
) -> None:
    """Run `python -m module [--quick]` with DATABASE_URL naming `database`, created empty on
    the server at POSTGRES_URL beforehand and dropped afterwards.

    Without a server it says so and returns, except on CI (CI=true), where that is a failure.
    """
    import psycopg
    from psycopg import sql

    url = os.environ.get("POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        server = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        message = f"PostgreSQL at {url} is not reachable ({reason})"
        if os.environ.get("CI") == "true":
            raise SystemExit(f"{message}: CI needs the {what}.") from error
        print(f"{message}: {what} NOT run (set POSTGRES_URL).")
        return
    name = sql.Identifier(database)
    scratch = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
    with server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        server.execute(sql.SQL("CREATE DATABASE {}").format(name))
        try:
            sys.stdout.flush()
            child = subprocess.run(
                [sys.executable, "-m", module, *(["--quick"] if quick else [])],
                env={**os.environ, **(env or {}), "DATABASE_URL": scratch},
                check=False,
            )
        finally:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    if child.returncode != 0:
        raise SystemExit(f"{what} failed (exit {child.returncode})")
