"""The benchmarks run in their short mode and print their figures (CI's smoke check of bench/)."""

import pytest

from tests.processes import run_module, shared_database_url


@pytest.mark.slow
def test_benchmarks_run_in_quick_mode_and_print_figures(tmp_path):
    # SQLite in a temporary directory: the benchmarks migrate and fill a database of their own.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "DATABASE_URL": None,
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "kernel", "demo", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    for figure in (
        "audit.record:",
        "ratio chained/plain:",
        "events/s",
        "residents:",
        "ratio 2000/200",
    ):
        assert figure in result.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_policy_benchmark_checks_query_counts_on_postgresql(tmp_path, db):
    # The benchmark makes and drops a database of its own on the test database's server.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "POSTGRES_URL": shared_database_url(),
        "BENCH_POLICY_DATABASE": f"burgh_bench_policy_{tmp_path.name}"[:60],
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "policy", env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stderr
    assert "NOT run" not in result.stdout
    for figure in ("viewer + page", "viewer + search", "count", "x plain", "p95 ms"):
        assert figure in result.stdout
    # Each kind of viewer costs the same number of queries at both table sizes.
    assert result.stdout.count("(same)") == 5


@pytest.mark.slow
@pytest.mark.postgres
def test_people_benchmark_prints_accuracy_batch_stability_and_online_figures(tmp_path, db):
    # Generated residents are cached under BURGH_VAR_DIR; the online part makes and drops a
    # database of its own on the test database's server.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "POSTGRES_URL": shared_database_url(),
        "BENCH_PEOPLE_DATABASE": f"burgh_bench_people_{tmp_path.name}"[:60],
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "people", env=env, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT run" not in result.stdout
    for figure in (
        "FEBRL4",
        "splink baseline",
        "burgh (shipped model)",
        "precision",
        "twins",
        "namesakes",
        "peak MB",
        "people kept",
        "resolve p95",
        "predict_between p95",
        "search p95",
    ):
        assert figure in result.stdout, figure
    # Both linkers are measured on the same data: one table row each per data set.
    assert result.stdout.count("splink baseline") >= 3
    assert (tmp_path / "bench" / "people").is_dir()


@pytest.mark.slow
@pytest.mark.postgres
def test_places_benchmark_prints_accuracy_baselines_throughput_and_latency(tmp_path, db):
    # The gazetteer is cached under BURGH_VAR_DIR; the online part runs once on a scratch
    # SQLite directory and once on a database of its own on the test database's server.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "POSTGRES_URL": shared_database_url(),
        "BENCH_PLACES_DATABASE": f"burgh_bench_places_{tmp_path.name}"[:60],
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "places", env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT run" not in result.stdout
    for figure in (
        "burgh (shipped threshold",
        "fuzzy token_set_ratio >= 90",
        "uk_address_matcher: not run with --quick",
        "addresses/s in one process",
        "index: built in",
        "sqlite places.services.match",
        "postgresql places.services.match",
        "p95",
    ):
        assert figure in result.stdout, figure
    assert (tmp_path / "bench" / "places").is_dir()


@pytest.mark.slow
@pytest.mark.postgres
def test_cases_benchmark_prints_intake_queue_take_next_and_case_page_figures(tmp_path, db):
    # The benchmark makes and drops a database of its own on the test database's server, and
    # starts a gunicorn server on it.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "POSTGRES_URL": shared_database_url(),
        "BENCH_CASES_DATABASE": f"burgh_bench_cases_{tmp_path.name}"[:60],
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "cases", env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT run" not in result.stdout
    for figure in (
        "cases_case 20,",
        "cases_chronologyentry",
        "intake POST /api/v1/cases (best)",
        "baseline GET /api/v1/cases/case-types",
        "queue API sla=breached",
        "queue page unallocated",
        "baseline services.queue unfiltered",
        "take next, 20 workers all at once",
        "baseline SQL FOR UPDATE SKIP LOCKED",
        "case page, 500 chronology entries",
        "queries per request",
        "p95 ms",
    ):
        assert figure in result.stdout, figure
    # Every case taken was handed to one worker only, by the answers and by the database.
    assert "handed out twice" not in result.stderr
    assert "answers and allocations agree" in result.stdout


@pytest.mark.slow
@pytest.mark.postgres
def test_flows_benchmark_prints_deploy_sweep_and_completion_figures(tmp_path, db):
    # The benchmark makes and drops a database of its own on the test database's server.
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
        "POSTGRES_URL": shared_database_url(),
        "BENCH_FLOWS_DATABASE": f"burgh_bench_flows_{tmp_path.name}"[:60],
        "BURGH_VAR_DIR": str(tmp_path),
    }
    result = run_module("bench", "--quick", "flows", env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT run" not in result.stdout
    for figure in (
        "deploy: a process of 51 elements",
        "baseline: read and check only",
        "sweep, nothing due",
        "5 fired",
        "complete, instance after 60 passes",
        "ratio long/fresh p95",
    ):
        assert figure in result.stdout, figure
