"""Running Burgh in a second process from a test: the relay, the worker, checks, benchmarks."""

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]


def environment(changes: Mapping[str, str | None]) -> dict[str, str]:
    """This process's environment with `changes` applied; a None value removes the variable."""
    env = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def shared_database_url() -> str:
    """The test database as a DATABASE_URL, so a second process works on the same data."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def run_module(
    module: str, *args: str, env: Mapping[str, str | None], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m module args...` from the project root, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT,
        env=environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_module(module: str, *args: str, env: Mapping[str, str | None]) -> subprocess.Popen[str]:
    """Like run_module, but in the background: the caller stops it."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT,
        env=environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
