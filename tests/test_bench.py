"""The benchmarks run in their short mode and print their figures (CI's smoke check of bench/)."""

import pytest

from tests.processes import run_module


@pytest.mark.slow
def test_benchmarks_run_in_quick_mode_and_print_figures(tmp_path):
    # SQLite in a temporary directory: the benchmarks migrate and fill a database of their own.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "DATABASE_URL": None,
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    for figure in (
        "audit.record:",
        "ratio chained/plain:",
        "events/s",
        "residents:",
        "ratio 2000/200",
    ):
        assert figure in result.stdout
