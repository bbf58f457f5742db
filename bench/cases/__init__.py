"""Case management figures through a real server on PostgreSQL: intake, team queues, take next
and the case page, each beside a baseline measured in the same run.

`python -m bench cases [--quick]` fills a scratch database (BENCH_CASES_DATABASE, default
burgh_bench_cases, created and dropped on the server at POSTGRES_URL) with 1,000,000 cases
and 300,000 people (--quick: 20,000 and 5,000; bench/cases/data.py), starts gunicorn on it with
production settings (bench/cases/server.py), and drives it from client processes, each with
its own session, in a closed loop (bench/cases/load.py). Figures and targets:

1. Intake, POST /api/v1/cases with an Idempotency-Key, at several client counts: >= 300
   cases/s with p95 <= 50 ms at one of them. Baseline: the same server answering
   GET /api/v1/cases/case-types (the stack's ceiling for an authenticated call), and the ratio.
2. A team leader's queue of the busiest team, 50 rows, unfiltered, sla=breached, status=...,
   unallocated, through the API and the page: p95 <= 50 ms. Baseline: the same queue read
   through `services.queue` in this process (no HTTP), and the ratio.
3. Take next, 20 workers of one team through the API: all pressing at once (a closed loop:
   its latency is 20 / throughput, whatever a request costs) and each pressing every 0.5 s;
   every case handed out once (in the answers, and in the allocations in the database), p95
   <= 30 ms. Baseline: the same 20 workers claiming in SQL from threads here with FOR UPDATE
   (no SKIP LOCKED), and with SKIP LOCKED.
4. The case page of cases with 500 chronology entries: p95 <= 100 ms, one client (the round
   trip on the loopback address is the server's time: Burgh sends no Server-Timing).
Queries per request are counted in this process with Django's test client, for each call.
Exits non-zero on a correctness failure (a case handed out twice, an error answer), never on
a missed speed target.
"""

import argparse
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

DATABASE = os.environ.get("BENCH_CASES_DATABASE", "burgh_bench_cases")
INTAKE_RATE, INTAKE_P95, QUEUE_P95, TAKE_NEXT_P95, PAGE_P95 = 300, 50, 50, 30, 100
TAKE_NEXT_WORKERS = 20
# A paced worker presses take next again this long after the last answer.
TAKE_NEXT_PAUSE = 0.5


def run(quick: bool = False) -> None:
    """Measure in a child process on a scratch PostgreSQL database."""
    from bench.setup import run_on_scratch_postgres

    # Tasks (the outbox relay a write wakes) queue in the database, as in production.
    run_on_scratch_postgres(
        "bench.cases.load",
        DATABASE,
        "cases benchmark",
        quick=quick,
        env={"BURGH_TEST_TASKS": "database"},
    )


@dataclass(frozen=True)
class Sizes:
    quick: bool
    cases: int
    people: int
    properties: int
    long_cases: int
    warmup: float
    seconds: float
    intake_clients: tuple[int, ...]
    claims_per_worker: int

    @classmethod
    def of(cls, quick: bool) -> "Sizes":
        if quick:
            return cls(True, 20_000, 5_000, 2_000, 5, 0.5, 2.0, (4,), 5)
        return cls(False, 1_000_000, 300_000, 50_000, 20, 2.0, 15.0, (1, 2, 4, 8, 16), 100)


@dataclass
class Figure:
    name: str
    clients: int | str
    count: int
    rate: float
    median: float
    p95: float
    p99: float
    errors: int
    target: str = ""
    verdict: str = ""
    # CPU per request (ms): the server's workers, and the database backends serving them.
    cpu: tuple[float, float] | None = None


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(
        self,
        name: str,
        measured: Any,
        *,
        expected: Sequence[int] = (200,),
        target: str = "",
        met: bool | None = None,
    ) -> Figure:
        from bench.cases.load import Run

        assert isinstance(measured, Run)
        errors = measured.errors(expected)
        verdict = "" if met is None else ("PASS" if met else "FAIL")
        figure = Figure(
            name,
            measured.clients,
            measured.count,
            measured.throughput,
            measured.median,
            measured.percentile(0.95),
            measured.percentile(0.99),
            errors,
            target,
            verdict,
            measured.cpu_ms(),
        )
        self.figures.append(figure)
        if errors:
            self.failures.append(
                f"{name}: {errors} error answers {dict(measured.statuses)}; "
                + " | ".join(measured.examples[:2])
            )
        return figure

    def print(self) -> None:
        print(
            f"  {'figure':<44} {'clients':>7} {'requests':>8} {'req/s':>6} {'median ms':>9} "
            f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'cpu ms app+db':>13}  {'target':<18} "
            "result"
        )
        for f in self.figures:
            median, p95, p99 = (f"{ms:.1f}" if ms == ms else "-" for ms in (f.median, f.p95, f.p99))
            cpu = f"{f.cpu[0]:.1f}+{f.cpu[1]:.1f}" if f.cpu else "-"
            print(
                f"  {f.name:<44} {f.clients!s:>7} {f.count:>8} {f.rate:>6.0f} {median:>9} "
                f"{p95:>7} {p99:>7} {f.errors:>6} {cpu:>13}  {f.target:<18} {f.verdict}"
            )
        for note in self.notes:
            print(f"  {note}")


@dataclass
class Access:
    """Tokens and signed-in sessions for the staff the load acts as."""

    integration: str
    leader: str  # the busy team's leader, for its queue
    workers: list[str]  # the busy team's workers, for take next
    page_leader: str  # the roads team's leader, for case pages
    leader_cookie: str
    page_cookie: str


def grant_access(council: Any) -> Access:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from bench.cases import data
    from bench.cases.server import SESSION_COOKIE
    from burgh.identity.models import User
    from burgh.identity.services import sessions
    from burgh.identity.services.tokens import issue_api_token

    def token(user_id: Any, scopes: list[str]) -> str:
        user = User.objects.get(pk=user_id)
        return issue_api_token(user, name="bench", scopes=scopes, expires_in=timedelta(days=1))[1]

    def cookie(user_id: Any) -> str:
        # A session as signing in with a second factor at the identity provider leaves it.
        user = User.objects.get(pk=user_id)
        now = timezone.now().isoformat()
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[sessions.SIGNED_IN_AT] = store[sessions.LAST_SEEN_AT] = now
        store[sessions.SECOND_FACTOR_BY_PROVIDER] = True
        store.create()
        return f"{SESSION_COOKIE}={store.session_key}"

    both = ["cases:read", "cases:write"]
    return Access(
        integration=token(council.integration, both),
        leader=token(council.leaders[data.BUSY_TEAM], ["cases:read"]),
        workers=[token(worker, both) for worker in council.workers[data.BUSY_TEAM]],
        page_leader=token(council.leaders[data.PAGE_TEAM], ["cases:read"]),
        leader_cookie=cookie(council.leaders[data.BUSY_TEAM]),
        page_cookie=cookie(council.leaders[data.PAGE_TEAM]),
    )


def queries_per_request(calls: list[tuple[str, str, str, dict[str, Any] | None, str]]) -> str:
    """Each call once in this process through Django's test client, its queries counted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.cases.server import SESSION_COOKIE

    found = []
    for label, method, path, body, auth in calls:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        headers: dict[str, str] = {}
        if auth.startswith("Bearer "):
            headers["Authorization"] = auth
        else:
            client.cookies[SESSION_COOKIE] = auth.partition("=")[2]
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                answer = client.post(
                    path, body or {}, content_type="application/json", headers=headers
                )
            else:
                answer = client.get(path, headers=headers)
        found.append(f"{label} {len(captured)} ({answer.status_code})")
    return "queries per request: " + ", ".join(found)


def counts() -> list[tuple[str, int]]:
    """Rows in each table the fill wrote."""
    from django.db import connection

    tables = ("identity_team", "identity_user", "cases_casetype", "places_property")
    tables += ("people_person", "cases_case", "cases_caseallocation", "cases_caseparty")
    tables += ("cases_chronologyentry",)
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (our own names)
            found.append((table, cursor.fetchone()[0]))
    return found


def spread() -> dict[str, int]:
    """Cases by SLA state as the queues see them (met and missed are closed ones)."""
    from django.db.models import Count

    from burgh.cases.models import Case
    from burgh.cases.services import with_sla_state

    rows = with_sla_state(Case.objects.order_by()).values("sla_state").annotate(n=Count("id"))
    return {row["sla_state"]: row["n"] for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description="The cases benchmark, in its database.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from bench.setup import django_on_fresh_database

    # This process fills and reads with the server's own settings (production's, on this
    # database), so sessions, cookies and query counts here are the server's.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.cases.settings"
    os.environ["BURGH_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["BURGH_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    var_dir = django_on_fresh_database()
    from django.conf import settings
    from django.db import connection

    from bench.cases import data, server

    if connection.vendor != "postgresql":
        print("The cases benchmark needs PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    # WhiteNoise serves from here (empty: no page's static files are fetched).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    sizes = Sizes.of(args.quick)
    began = time.perf_counter()
    council = data.fill(sizes.cases, sizes.people, sizes.properties, sizes.long_cases)
    print(
        f"filled in {time.perf_counter() - began:.0f} s: "
        + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in council.seconds.items())
    )
    print("  " + ", ".join(f"{table} {rows:,}" for table, rows in counts()))
    states = spread()
    print("  cases by SLA state: " + ", ".join(f"{k} {v:,}" for k, v in sorted(states.items())))
    access = grant_access(council)
    began = time.perf_counter()
    web = server.start(
        database_url=os.environ["DATABASE_URL"],
        secret_key=settings.SECRET_KEY,
        var_dir=Path(var_dir),
    )
    print(f"server: {web.description}, ready in {time.perf_counter() - began:.0f} s")
    report = Report()
    # Stopped from outside (a CI timeout), stop the server too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        load = os.getloadavg()[0]
        measure(web, council, access, sizes, report)
        report.notes.append(
            f"machine: {os.cpu_count()} cores, load average {load:.1f} before the load and "
            f"{os.getloadavg()[0]:.1f} after (anything above the benchmark's own shares its cores)"
        )
    finally:
        web.stop()
        if report.failures:
            print("server log (last lines):\n" + web.log_tail(), file=sys.stderr)
    report.print()
    for failure in report.failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if report.failures else 0


def measure(web: Any, council: Any, access: Access, sizes: Sizes, report: Report) -> None:
    from bench.cases import data, server
    from bench.cases.load import (
        Call,
        Client,
        drive,
        intake_bodies,
        measure_case_page,
        measure_intake,
        measure_queue,
        measure_take_next,
    )

    busy, case = council.teams[data.BUSY_TEAM], council.long_cases[0]
    integration, leader = f"Bearer {access.integration}", f"Bearer {access.leader}"
    calls = [
        ("intake", "POST", "/api/v1/cases", intake_bodies(council, 1, 99)[0], integration),
        ("case-types", "GET", "/api/v1/cases/case-types", None, integration),
        ("queue API", "GET", f"/api/v1/cases?team={busy}", None, leader),
        ("queue page", "GET", f"/cases/teams/{busy}/", None, access.leader_cookie),
        ("case page", "GET", f"/cases/{case}/", None, access.page_cookie),
        ("case API", "GET", f"/api/v1/cases/{case}", None, f"Bearer {access.page_leader}"),
        ("take-next", "POST", f"/api/v1/cases/teams/{busy}/take-next", None,
         f"Bearer {access.workers[-1]}"),
    ]  # fmt: skip
    report.notes.append(queries_per_request(calls))
    # Each worker's first request of a kind imports what it needs (the holiday calendar, the
    # page templates): every kind, on every worker, before anything is measured.
    warm = [
        Call(method, path, body)
        for _, method, path, body, auth in calls[:-1]
        if method == "GET" or body is not None
    ]
    auths = {path: auth for _, _, path, _, auth in calls}
    started = time.perf_counter()
    drive(
        web,
        [
            Client(
                {"Authorization": auths[c.path]} | server.PROXY_HEADERS
                if auths[c.path].startswith("Bearer")
                else {"Cookie": auths[c.path]} | server.PROXY_HEADERS,
                [c],
                limit=2,
            )
            for c in warm
            for _ in range(server.WORKERS * server.THREADS)
        ],
        seconds=30,
        warmup=0,
    )
    print(
        f"   (every kind of request on every worker first: {time.perf_counter() - started:.0f} s)"
    )
    steps: list[tuple[str, Callable[[], None]]] = [
        ("intake", lambda: measure_intake(web, council, access, sizes, report)),
        ("queue", lambda: measure_queue(web, council, access, sizes, report)),
        ("take next", lambda: measure_take_next(web, council, access, sizes, report)),
        ("case page", lambda: measure_case_page(web, council, access, sizes, report)),
    ]
    for name, step in steps:
        started = time.perf_counter()
        step()
        print(f"   ({name}: {time.perf_counter() - started:.0f} s)", flush=True)
