"""The benchmarks run in their short mode and print their figures (CI's smoke check of bench/)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmarks_run_in_quick_mode_and_print_figures(tmp_path):
    # SQLite in a temporary directory: the benchmarks migrate and fill a database of their own.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "burgh.settings.test"
    env["BURGH_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for figure in (
        "audit.record:",
        "ratio chained/plain:",
        "events/s",
        "residents:",
        "ratio 2000/200",
    ):
        assert figure in result.stdout
