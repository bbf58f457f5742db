"""The load generator, and what each figure sends through it.

`drive`: N clients, each a process with its own `requests.Session` (keep-alive wherever the
server keeps a connection open; gunicorn's sync workers close it after each answer), in a
closed loop (a client sends its next request when the last answer is in, or after a pause)
for a fixed time after a warm-up; every request's latency and status is kept.
`claim_in_process`: the take-next baseline, claims straight on PostgreSQL from threads here.
`measure_*`: each figure's requests, its baseline and its checks.

`python -m bench.cases.load [--quick]` runs the whole cases benchmark in its scratch database
(bench/cases/__init__.py says what it measures).
"""

import hashlib
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.cases import (
    INTAKE_P95,
    INTAKE_RATE,
    PAGE_P95,
    QUEUE_P95,
    TAKE_NEXT_P95,
    TAKE_NEXT_PAUSE,
    TAKE_NEXT_WORKERS,
    Access,
    Figure,
    Report,
    Sizes,
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None = None
    # Which figure the request counts towards, when one run mixes several (queue filters).
    label: str = ""


@dataclass(frozen=True)
class Client:
    """One client's requests, sent in turn and round again; its own headers (a token, a
    session cookie)."""

    headers: dict[str, str]
    calls: Sequence[Call]
    # A fresh Idempotency-Key on every request, as an integrator that retries safely sends.
    idempotent: bool = False
    # Keep the "id" of each JSON answer (take next: which case each worker was given).
    keep_id: bool = False
    # Stop after this many measured requests (take next: the queue must not run dry).
    limit: int | None = None
    # Seconds between an answer and the next request (a person's pace); 0: at once.
    pause: float = 0.0


@dataclass
class Run:
    """What a load run measured: one entry per request sent in the measured window."""

    clients: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    labels: list[str] = field(default_factory=list)
    # (client index, id) for each kept answer.
    kept: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)
    server_timing: str = ""
    # Each request's status, in the order of `latencies`.
    _statuses: list[int] = field(default_factory=list)
    # CPU seconds the server's workers and its database backends used in the window.
    cpu: tuple[float, float] | None = None

    def cpu_ms(self) -> tuple[float, float] | None:
        """CPU per request, in milliseconds: the server's, and PostgreSQL's for it."""
        if self.cpu is None or not self.count:
            return None
        return self.cpu[0] * 1000 / self.count, self.cpu[1] * 1000 / self.count

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """In milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(0, round(share * len(ordered)) - 1)] * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    def errors(self, expected: Sequence[int]) -> int:
        return sum(n for status, n in self.statuses.items() if status not in expected)

    def only(self, label: str) -> "Run":
        """The requests of one label, over the same window."""
        part = Run(clients=self.clients, seconds=self.seconds, server_timing=self.server_timing)
        for took, status, name in zip(self.latencies, self._statuses, self.labels, strict=True):
            if name == label:
                part.latencies.append(took)
                part.statuses[status] += 1
                part.labels.append(name)
                part._statuses.append(status)
        if self.cpu is not None and self.count:
            # Not told apart by label: each request is given the run's average.
            part.cpu = (
                self.cpu[0] * part.count / self.count,
                self.cpu[1] * part.count / self.count,
            )
        return part


def _client(
    index: int,
    base_url: str,
    client: Client,
    warmup: float,
    seconds: float,
    barrier: Any,
    results: Any,
) -> None:
    """One client process: warm up, then send and time requests until the window closes."""
    import requests

    session = requests.Session()
    session.headers.update(client.headers)
    calls = client.calls
    turn = index * 7919
    latencies: list[float] = []
    statuses: list[int] = []
    labels: list[str] = []
    kept: list[str] = []
    examples: list[str] = []
    timing = ""
    first = last = 0.0
    barrier.wait()
    window = time.monotonic() + warmup
    end = window + seconds
    if client.pause:
        # Paced clients start spread over one pause, as people would.
        time.sleep(random.Random(index).uniform(0, client.pause))
    while True:
        began = time.monotonic()
        if began >= end or (client.limit is not None and len(latencies) >= client.limit):
            break
        call = calls[turn % len(calls)]
        turn += 1
        extra = {"Idempotency-Key": uuid.uuid4().hex} if client.idempotent else None
        started = time.perf_counter()
        try:
            answer = session.request(
                call.method, base_url + call.path, json=call.body, headers=extra, timeout=60
            )
            status = answer.status_code
        except requests.RequestException as error:
            answer, status = None, 0
            if len(examples) < 3:
                examples.append(f"{call.method} {call.path}: {error}")
        took = time.perf_counter() - started
        if client.pause:
            time.sleep(client.pause)
        if began < window:
            continue
        if not latencies:
            first = began
        last = time.monotonic()
        latencies.append(took)
        statuses.append(status)
        labels.append(call.label)
        if answer is not None:
            timing = timing or answer.headers.get("Server-Timing", "")
            if status >= 400 and len(examples) < 3:
                examples.append(f"{call.method} {call.path}: {status} {answer.text[:300]}")
            if client.keep_id and status == 200:
                kept.append(str(answer.json().get("id")))
    results.put((index, latencies, statuses, labels, kept, examples, timing, first, last))


def cpu_between(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> tuple[float, float]:
    """The app's and the database's CPU seconds between two `Server.cpu` samples: a process
    that started between them counts whole; one that ended is not counted."""
    spent = {"app": 0.0, "db": 0.0}
    for pid, (role, seconds) in after.items():
        spent[role] += seconds - (before[pid][1] if pid in before else 0.0)
    return spent["app"], spent["db"]


def drive(web: Any, clients: Sequence[Client], *, seconds: float, warmup: float) -> Run:
    """Run the clients against `web` (a bench.cases.server.Server) at once, one process each:
    their measured requests, merged, and the CPU the server and its database backends used
    meanwhile."""
    import multiprocessing

    # Forked: a client starts in milliseconds, not the second an interpreter takes, and
    # touches nothing of this process but its own session.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(clients) + 1)
    results = context.Queue()
    processes = [
        context.Process(
            target=_client,
            args=(index, web.url, client, warmup, seconds, barrier, results),
            daemon=True,
        )
        for index, client in enumerate(clients)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    time.sleep(warmup)
    before = web.cpu()
    run = Run(clients=len(clients))
    firsts, lasts = [], []
    for _ in processes:
        index, latencies, statuses, labels, kept, examples, timing, first, last = results.get(
            timeout=warmup + seconds + 120
        )
        run.latencies += latencies
        run.statuses.update(statuses)
        run._statuses += statuses
        run.labels += labels
        run.kept += [(index, case_id) for case_id in kept]
        run.examples += examples
        run.server_timing = run.server_timing or timing
        if latencies:
            firsts.append(first)
            lasts.append(last)
    run.cpu = cpu_between(before, web.cpu())
    for process in processes:
        process.join(timeout=30)
    run.seconds = max(lasts) - min(firsts) if firsts else 0.0
    return run


# The claim "take next" makes, written straight in SQL: the service's candidate query (its
# queue order, the partial index `case_team_unallocated`), then the allocation it records.
CANDIDATE = """
    SELECT id FROM cases_case
    WHERE team_id = %s AND owner_id IS NULL AND stage = 'open' AND merged_into_id IS NULL
    ORDER BY priority, sla_due_at ASC NULLS LAST, id
    LIMIT 1 FOR UPDATE {skip}
"""
GIVE = """
    UPDATE cases_case SET owner_id = %s, allocated_at = now(), version = version + 1,
        updated_at = now()
    WHERE id = %s
"""
RECORD = """
    INSERT INTO cases_caseallocation (case_id, at, team_id, owner_id, by_id, how, reason)
    VALUES (%s, now(), %s, %s, %s, %s, '')
"""


def claim_in_process(
    dsn: str,
    team: uuid.UUID,
    workers: Sequence[uuid.UUID],
    *,
    skip_locked: bool,
    how: str,
    seconds: float,
    limit: int,
) -> Run:
    """Each worker a thread with its own connection, claiming in a closed loop: lock the next
    case (FOR UPDATE, or FOR UPDATE SKIP LOCKED), give it to the worker, record it, commit."""
    import psycopg

    candidate = CANDIDATE.format(skip="SKIP LOCKED" if skip_locked else "")
    run = Run(clients=len(workers))
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers) + 1)
    stops: list[float] = []

    def work(index: int, worker: uuid.UUID) -> None:
        mine: list[tuple[float, int, str]] = []
        with psycopg.connect(dsn) as connection:
            barrier.wait()
            end = time.monotonic() + seconds
            while time.monotonic() < end and len(mine) < limit:
                started = time.perf_counter()
                with connection.transaction():
                    row = connection.execute(candidate, [team]).fetchone()
                    if row is not None:
                        connection.execute(GIVE, [worker, row[0]])
                        connection.execute(RECORD, [row[0], team, worker, worker, how])
                took = time.perf_counter() - started
                if row is None:
                    mine.append((took, 204, ""))
                    break
                mine.append((took, 200, str(row[0])))
        with lock:
            stops.append(time.monotonic())
            for took, status, case_id in mine:
                run.latencies.append(took)
                run.statuses[status] += 1
                run._statuses.append(status)
                run.labels.append(how)
                if case_id:
                    run.kept.append((index, case_id))

    threads = [
        threading.Thread(target=work, args=(index, worker)) for index, worker in enumerate(workers)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    began = time.monotonic()
    for thread in threads:
        thread.join()
    run.seconds = max(stops) - began
    return run


# What each figure sends, and what it checks.


def _person_id(n: int) -> str:
    # The fill's ids: md5('bench-person-' || n)::uuid.
    return str(uuid.UUID(hashlib.md5(f"bench-person-{n}".encode()).hexdigest()))  # noqa: S324


def intake_bodies(council: Any, count: int, seed: int) -> list[dict[str, Any]]:
    """What an integrator sends: each kind in its share, with an answer, a place or a person."""
    from bench.cases import data

    rng = random.Random(seed)
    kinds = list(data.KINDS)
    weights = [kind.share for kind in kinds]
    bodies = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        body: dict[str, Any] = {"case_type": kind.code, "data": rng.choice(data.answers(kind))}
        if kind.location:
            place = rng.randint(1, council.properties)
            if kind.radius and rng.random() < 0.5:
                body["latitude"] = round(57.0 + (place * 91 % 20000) / 111320, 6)
                body["longitude"] = round(-3.0 + (place * 37 % 20000) / 62000, 6)
            else:
                body["uprn"] = str(data.UPRN_BASE + place)
        if kind.subject:
            body["subject_person_id"] = _person_id(rng.randint(1, council.people))
        if rng.random() < 0.3:
            body["external_ref"] = f"CRM-{rng.randint(1, 10**9)}"
        bodies.append(body)
    return bodies


def _slow_intake(body: dict[str, Any]) -> bool:
    """A type allocated at intake (round robin) or a place given as a position."""
    from bench.cases import data

    automatic = {kind.code for kind in data.KINDS if kind.allocation != "manual"}
    return body["case_type"] in automatic or "latitude" in body


def intake_label(body: dict[str, Any]) -> str:
    """The case type, and whether the place came as a position rather than a UPRN."""
    return body["case_type"] + (" by position" if "latitude" in body else "")


def by_label(measured: Run) -> str:
    """Each label's p95 and share of the requests, slowest first."""
    parts = [(measured.only(label), label) for label in sorted(set(measured.labels))]
    parts.sort(key=lambda part: -part[0].percentile(0.95))
    return ", ".join(
        f"{label} {part.percentile(0.95):.0f} ms ({part.count})" for part, label in parts
    )


def _bearer(token: str) -> dict[str, str]:
    from bench.cases.server import PROXY_HEADERS

    return {"Authorization": f"Bearer {token}", **PROXY_HEADERS}


def _session(cookie: str) -> dict[str, str]:
    from bench.cases.server import PROXY_HEADERS

    return {"Cookie": cookie, **PROXY_HEADERS}


def measure_intake(web: Any, council: Any, access: Access, sizes: Sizes, report: Report) -> None:
    headers = _bearer(access.integration)

    def intake(clients: int, *, keyed: bool = True, slow: bool = True) -> Any:
        return drive(
            web,
            [
                Client(
                    headers,
                    [
                        Call("POST", "/api/v1/cases", body, label=intake_label(body))
                        for body in intake_bodies(council, 300, n)
                        if slow or not _slow_intake(body)
                    ],
                    idempotent=keyed,
                )
                for n in range(clients)
            ],
            seconds=sizes.seconds,
            warmup=sizes.warmup,
        )

    def ceiling(clients: int) -> Any:
        calls = [Call("GET", "/api/v1/cases/case-types")]
        return drive(
            web,
            [Client(headers, calls) for _ in range(clients)],
            seconds=sizes.seconds,
            warmup=sizes.warmup,
        )

    runs = {clients: intake(clients) for clients in sizes.intake_clients}
    ceilings = {clients: ceiling(clients) for clients in sizes.intake_clients}
    held = [c for c, r in runs.items() if r.percentile(0.95) <= INTAKE_P95] or list(runs)
    best = max(held, key=lambda c: runs[c].throughput)
    for clients, measured in runs.items():
        chosen = clients == best
        met = measured.throughput >= INTAKE_RATE and measured.percentile(0.95) <= INTAKE_P95
        report.add(
            "intake POST /api/v1/cases" + (" (best)" if chosen else ""),
            measured,
            expected=(201,),
            target=f">={INTAKE_RATE}/s, p95<={INTAKE_P95}" if chosen else "",
            met=met if chosen else None,
        )
    unkeyed = None if sizes.quick else intake(best, keyed=False)
    if unkeyed is not None:
        report.add("intake without Idempotency-Key", unkeyed, expected=(201,))
        # What the two slow paths cost everyone: the same load without them.
        fast = intake(best, slow=False)
        report.add("intake without round robin or position", fast, expected=(201,))
    for measured in ceilings.values():
        report.add("baseline GET /api/v1/cases/case-types", measured)
    ratio = runs[best].throughput / max(ceilings[best].throughput, 1e-9)
    report.notes.append(f"intake p95 by case type at {best} clients: {by_label(runs[best])}")
    report.notes.append(
        f"intake: best {runs[best].throughput:.0f} cases/s at {best} clients (p95 "
        f"{runs[best].percentile(0.95):.1f} ms) = {ratio:.2f} x the ceiling of "
        f"{ceilings[best].throughput:.0f} req/s"
        + (f"; without Idempotency-Key {unkeyed.throughput:.0f}/s" if unkeyed else "")
    )


QUEUE_FILTERS = (
    ("unfiltered", {}, {}),
    ("sla=breached", {"sla": "breached"}, {"sla": "breached"}),
    ("status=checking", {"status": "checking"}, {"status": "checking"}),
    ("unallocated", {"scope": "unallocated"}, {"owner": "unallocated"}),
)


def measure_queue(web: Any, council: Any, access: Access, sizes: Sizes, report: Report) -> None:
    from urllib.parse import urlencode

    from bench.cases import data

    team = council.teams[data.BUSY_TEAM]
    api = [
        Call("GET", f"/api/v1/cases?{urlencode({'team': team, **query})}", label=name)
        for name, query, _ in QUEUE_FILTERS
    ]
    page = [
        Call("GET", f"/cases/teams/{team}/" + (f"?{urlencode(form)}" if form else ""), label=name)
        for name, _, form in QUEUE_FILTERS
    ]
    clients = 4
    api_run = drive(
        web,
        [Client(_bearer(access.leader), api[n:] + api[:n]) for n in range(clients)],
        seconds=sizes.seconds,
        warmup=sizes.warmup,
    )
    page_run = drive(
        web,
        [Client(_session(access.leader_cookie), page[n:] + page[:n]) for n in range(clients)],
        seconds=sizes.seconds,
        warmup=sizes.warmup,
    )
    alone = drive(
        web,
        [Client(_bearer(access.leader), api[:1])],
        seconds=sizes.seconds,
        warmup=sizes.warmup,
    )
    target = f"p95<={QUEUE_P95}"
    for name, _, _ in QUEUE_FILTERS:
        part = api_run.only(name)
        report.add(f"queue API {name}", part, target=target, met=part.percentile(0.95) <= QUEUE_P95)
    for name, _, _ in QUEUE_FILTERS:
        part = page_run.only(name)
        report.add(
            f"queue page {name}", part, target=target, met=part.percentile(0.95) <= QUEUE_P95
        )
    report.add("queue API unfiltered, one client", alone)
    times, cpu = queue_in_process(council, sizes)
    for name, _, _ in QUEUE_FILTERS:
        ordered = sorted(times[name])
        median = statistics.median(ordered) * 1000
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000
        report.figures.append(
            Figure(f"baseline services.queue {name}", "in-proc", len(ordered),
                   len(ordered) / sum(ordered), median, p95,
                   ordered[max(0, round(0.99 * len(ordered)) - 1)] * 1000, 0, cpu=cpu[name])
        )  # fmt: skip
    report.notes.append(
        "queue: the API and page rows' CPU is the average over the four filters (one run)"
    )
    baseline = sorted(times["unfiltered"])
    in_process = statistics.median(baseline) * 1000
    report.notes.append(
        f"queue: API unfiltered median {alone.median:.1f} ms with one client vs "
        f"services.queue in process {in_process:.1f} ms (x{alone.median / in_process:.1f})"
    )


def queue_in_process(
    council: Any, sizes: Sizes
) -> tuple[dict[str, list[float]], dict[str, tuple[float, float]]]:
    """The queue as the API reads it, without HTTP: the policy's queryset, a page of 50 rows
    in queue order, and the access log entry for them. Each filter's times, and its CPU per
    read (ms) here and in this process's database backend."""
    from django.db import connection
    from django.db.models import F

    from bench.cases import data
    from bench.cases.server import cpu_seconds
    from burgh.cases import services
    from burgh.cases.access import CASE
    from burgh.identity import policy
    from burgh.identity.models import Purpose, Team, User

    leader = User.objects.get(pk=council.leaders[data.BUSY_TEAM])
    team = Team.objects.get(pk=council.teams[data.BUSY_TEAM])
    repeats = 20 if sizes.seconds < 5 else 200
    found: dict[str, list[float]] = {}
    cpu: dict[str, tuple[float, float]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    for name, query, _ in QUEUE_FILTERS:
        wanted = services.QueueFilter(
            scope=query.get("scope", "team"),
            team=team,
            status=query.get("status", ""),
            sla_state=query.get("sla", ""),
        )
        times = []
        here, there = time.process_time(), cpu_seconds(backend)
        for _ in range(repeats + 1):
            started = time.perf_counter()
            visible = services.queue(leader, wanted)
            rows = list(
                visible.queryset.order_by("priority", F("sla_due_at").asc(nulls_last=True), "id")[
                    :51
                ]
            )
            policy.log_listed(leader, CASE, rows[:50], purpose=Purpose.SERVICE_DELIVERY)
            times.append(time.perf_counter() - started)
        found[name] = times[1:]
        spent = (time.process_time() - here, cpu_seconds(backend) - there)
        cpu[name] = (spent[0] * 1000 / (repeats + 1), spent[1] * 1000 / (repeats + 1))
    return found, cpu


def measure_take_next(web: Any, council: Any, access: Access, sizes: Sizes, report: Report) -> None:
    from django.utils import timezone

    from bench.cases import data
    from burgh.cases.models import Case, CaseAllocation

    team = council.teams[data.BUSY_TEAM]
    workers = council.workers[data.BUSY_TEAM][:TAKE_NEXT_WORKERS]
    waiting = Case.objects.filter(
        team_id=team, owner__isnull=True, stage="open", merged_into__isnull=True
    )
    pool = waiting.count()
    limit = sizes.claims_per_worker
    seconds = min(sizes.seconds, 10.0)
    for how, skip in (("bench-for-update", False), ("bench-skip-locked", True)):
        claimed = claim_in_process(
            os.environ["DATABASE_URL"], team, workers, skip_locked=skip, how=how,
            seconds=seconds, limit=limit,
        )  # fmt: skip
        name = "baseline SQL FOR UPDATE" + (" SKIP LOCKED" if skip else "")
        report.add(name, claimed, expected=(200,))
        check_claims(report, name, claimed.kept, workers, how=how)
        # Back to the queue: each claim phase starts from the same queue.
        Case.objects.filter(pk__in=[case_id for _, case_id in claimed.kept]).update(
            owner=None, allocated_at=None
        )
        CaseAllocation.objects.filter(how=how).delete()
    calls = [Call("POST", f"/api/v1/cases/teams/{team}/take-next")]
    taken = 0
    for name, pause in (("all at once", 0.0), (f"each every {TAKE_NEXT_PAUSE} s", TAKE_NEXT_PAUSE)):
        since = timezone.now()
        run = drive(
            web,
            [
                Client(_bearer(token), calls, keep_id=True, limit=limit, pause=pause)
                for token in access.workers
            ],
            seconds=seconds,
            warmup=0,
        )
        paced = pause > 0
        report.add(
            f"take next, 20 workers {name}",
            run,
            expected=(200,),
            target=f"p95<={TAKE_NEXT_P95}, once" if paced else "each case once",
            met=run.percentile(0.95) <= TAKE_NEXT_P95 if paced else None,
        )
        check_claims(report, f"take next {name}", run.kept, workers, how="take_next", since=since)
        taken += len(run.kept)
    report.notes.append(
        f"take next: {pool:,} unallocated open cases in the queue; {taken} taken through the "
        f"API by {len(workers)} workers"
        + ("" if report.failures else ", each once (answers and allocations agree)")
    )


def check_claims(
    report: Report,
    name: str,
    kept: list[tuple[int, str]],
    workers: Sequence[uuid.UUID],
    *,
    how: str,
    since: Any = None,
) -> None:
    """Every case handed out once: in the answers, in CaseAllocation, and owned by the worker
    it was handed to."""
    from django.db.models import Count

    from burgh.cases.models import Case, CaseAllocation

    handed = Counter(case_id for _, case_id in kept)
    twice = [case_id for case_id, n in handed.items() if n > 1]
    if twice:
        report.failures.append(f"{name}: {len(twice)} cases handed out twice, e.g. {twice[:3]}")
    rows = CaseAllocation.objects.filter(how=how)
    if since is not None:
        rows = rows.filter(at__gte=since)
    per_case = dict(rows.values_list("case_id").annotate(n=Count("id")).values_list("case_id", "n"))
    recorded_twice = [str(case_id) for case_id, n in per_case.items() if n != 1]
    if recorded_twice:
        report.failures.append(
            f"{name}: {len(recorded_twice)} cases allocated more than once in the database"
        )
    if {str(case_id) for case_id in per_case} != set(handed):
        report.failures.append(
            f"{name}: {len(per_case)} cases allocated in the database, {len(handed)} answered"
        )
    owners = dict(Case.objects.filter(pk__in=list(handed)).values_list("pk", "owner_id"))
    wrong = [c for i, c in kept if owners.get(uuid.UUID(c)) != workers[i]]
    if wrong:
        report.failures.append(f"{name}: {len(wrong)} cases owned by someone else than told")


def measure_case_page(web: Any, council: Any, access: Access, sizes: Sizes, report: Report) -> None:

    pages = [Call("GET", f"/cases/{case_id}/") for case_id in council.long_cases]
    alone = drive(
        web, [Client(_session(access.page_cookie), pages)], seconds=sizes.seconds,
        warmup=sizes.warmup,
    )  # fmt: skip
    report.add(
        "case page, 500 chronology entries",
        alone,
        target=f"p95<={PAGE_P95}",
        met=alone.percentile(0.95) <= PAGE_P95,
    )
    if not sizes.quick:
        busy = drive(
            web,
            [Client(_session(access.page_cookie), pages[n:] + pages[:n]) for n in range(4)],
            seconds=sizes.seconds,
            warmup=sizes.warmup,
        )
        report.add("case page, 4 clients at once", busy)
    details = [Call("GET", f"/api/v1/cases/{case_id}") for case_id in council.long_cases]
    api = drive(
        web, [Client(_bearer(access.page_leader), details)], seconds=sizes.seconds,
        warmup=sizes.warmup,
    )  # fmt: skip
    report.add("case API GET /api/v1/cases/{id}", api)
    timing = alone.server_timing or api.server_timing
    report.notes.append(
        "case page: Server-Timing "
        + (f"sent: {timing}" if timing else "not sent")
        + "; the round trip with one client on the loopback address is the server's time"
    )


if __name__ == "__main__":
    from bench.cases import main

    sys.exit(main())
