"""Access-policy figures on PostgreSQL: a page of 50 people costs one query plus a constant.

For each kind of viewer (adviser, social worker, team leader, partner under a consent-based
agreement, caseworker with break-glass), at two table sizes in the same run: building the viewer
and the first page of 50 people by name, a name search page, the count, and one detail read.
The list, search and count must each be exactly one query and the viewer the same number of
queries at both sizes. The baseline is the same page, search, count and read with no policy, on
the same database in the same run.

Runs in a child process on a database of its own (BENCH_POLICY_DATABASE, default
burgh_bench_policy, created and dropped here on the server at POSTGRES_URL), so the other
benchmarks' SQLite set-up and this one's PostgreSQL never meet. Without a server it says so and
is not run, except on CI (CI=true), where that is a failure.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

DATABASE = os.environ.get("BENCH_POLICY_DATABASE", "burgh_bench_policy")
ORDER = ("family_name", "given_name", "id")
PAGE = 50
SEARCH = "campbell"
COLUMNS = ("id", "given_name", "family_name", "date_of_birth", "email", "phone")


def run(quick: bool = False) -> None:
    """Measure in a child process on a scratch PostgreSQL database."""
    from bench.setup import run_on_scratch_postgres

    run_on_scratch_postgres("bench.policy", DATABASE, "policy benchmark", quick=quick)


@dataclass
class Figure:
    size: int
    viewer: str
    case: str
    queries: int
    median_ms: float
    p95_ms: float
    baseline_ms: float | None = None


def measure(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and 95th percentile of `repeats` timings of `action`, in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def count_queries(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


class Measurements:
    """The cases for one table size: each action is run once, counted once, then timed."""

    def __init__(self, size: int, repeats: int) -> None:
        self.size = size
        self.repeats = repeats
        self.figures: list[Figure] = []
        self.failures: list[str] = []

    def case(
        self,
        viewer: str,
        case: str,
        action: Callable[[], object],
        *,
        baseline: float | None = None,
        queries: int | None = None,
    ) -> Figure:
        action()  # Warm: the first call may fill caches a running server would already hold.
        counted = count_queries(action)
        if queries is not None and counted != queries:
            self.failures.append(
                f"{self.size:,} rows, {viewer}, {case}: {counted} queries, expected {queries}"
            )
        median, p95 = measure(action, self.repeats)
        figure = Figure(self.size, viewer, case, counted, median, p95, baseline)
        self.figures.append(figure)
        return figure


class Reader:
    """One viewer as a request meets them: the user row the middleware loaded, nothing cached."""

    def __init__(self, name: str, user_id: Any, purpose: Any, record: Any) -> None:
        from burgh.identity.models import User

        self.name, self.purpose, self.record = name, purpose, record
        self.columns = [f.attname for f in User._meta.concrete_fields]
        self.values = User.objects.filter(pk=user_id).values_list(*self.columns).get()

    def viewer(self) -> Any:
        from burgh.identity import policy
        from burgh.identity.models import User

        return policy.viewer_for(User.from_db("default", self.columns, self.values))

    def page(self, viewer: Any, search: Any = None) -> list[dict[str, Any]]:
        """The first page by name, each row cut down to the fields the viewer may receive."""
        from burgh.identity import policy

        visible = policy.visible(viewer, "people.person", purpose=self.purpose)
        people = visible.queryset if search is None else visible.queryset.filter(search)
        return [
            policy.shape({f: getattr(row, f) for f in COLUMNS}, visible.fields(row))
            for row in people.order_by(*ORDER)[:PAGE]
        ]

    def viewer_and_page(self, search: Any = None) -> list[dict[str, Any]]:
        """What a request pays: its viewer built, then the page."""
        return self.page(self.viewer(), search)

    def count(self, viewer: Any) -> int:
        from burgh.identity import policy

        return policy.visible(viewer, "people.person", purpose=self.purpose).queryset.count()

    def read(self, viewer: Any) -> object:
        from burgh.identity import policy

        return policy.read(viewer, "people.person", self.record, purpose=self.purpose)


def measure_size(bench: Any, reads: dict[str, Any], size: int, repeats: int) -> Measurements:
    from django.db.models import Q

    from burgh.people.models import Person

    found = Measurements(size, repeats)
    # As the people search reads one word: the start of the given or the family name.
    search = Q(given_name__istartswith=SEARCH) | Q(family_name__istartswith=SEARCH)
    people = Person.objects.order_by(*ORDER)
    plain = {
        "page": found.case("(no policy)", "page", lambda: list(people[:PAGE]), queries=1),
        "search": found.case(
            "(no policy)", "search", lambda: list(people.filter(search)[:PAGE]), queries=1
        ),
        "count": found.case("(no policy)", "count", Person.objects.count, queries=1),
        "read": found.case(
            "(no policy)", "read", lambda: Person.objects.get(pk=reads["adviser"]), queries=1
        ),
    }
    for name, user_id in bench.viewers.items():
        reader = Reader(name, user_id, bench.purposes[name], reads[name])
        built = reader.viewer()
        if not reader.page(built):
            found.failures.append(f"{size:,} rows, {name}: the first page is empty")
        viewer_queries = count_queries(reader.viewer)
        found.case(name, "viewer", reader.viewer, queries=viewer_queries)
        found.case(name, "page (list only)", partial(reader.page, built), queries=1)
        found.case(
            name,
            "viewer + page",
            reader.viewer_and_page,
            baseline=plain["page"].median_ms,
            queries=viewer_queries + 1,
        )
        found.case(
            name,
            "viewer + search",
            partial(reader.viewer_and_page, search),
            baseline=plain["search"].median_ms,
            queries=viewer_queries + 1,
        )
        found.case(
            name,
            "count",
            partial(reader.count, built),
            baseline=plain["count"].median_ms,
            queries=1,
        )
        found.case(name, "read", partial(reader.read, built), baseline=plain["read"].median_ms)
    return found


def print_table(figures: list[Figure]) -> None:
    print(
        f"{'rows':>10}  {'viewer':<14} {'case':<16} {'queries':>7} {'median ms':>10} "
        f"{'p95 ms':>8} {'x plain':>8}"
    )
    for f in figures:
        ratio = f"{f.median_ms / f.baseline_ms:8.1f}" if f.baseline_ms else " " * 8
        print(
            f"{f.size:>10,}  {f.viewer:<14} {f.case:<16} {f.queries:>7} {f.median_ms:>10.2f} "
            f"{f.p95_ms:>8.2f} {ratio}"
        )


def compare_viewers(small: Measurements, large: Measurements) -> list[str]:
    """The viewer's query count must not depend on the number of records: report any that do."""
    sizes = {(f.viewer, f.case): f.queries for f in small.figures}
    problems = []
    print(f"viewer queries at {small.size:,} and {large.size:,} rows:")
    for f in large.figures:
        if f.case != "viewer":
            continue
        before = sizes[(f.viewer, f.case)]
        same = "same" if before == f.queries else "DIFFERENT"
        print(f"  {f.viewer:<14} {before} and {f.queries} ({same})")
        if before != f.queries:
            problems.append(f"{f.viewer}: the viewer costs {before} then {f.queries} queries")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description="The policy benchmark, inside its database.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from bench.setup import django_on_fresh_database

    django_on_fresh_database()
    from django.db import connection

    from bench import policy_data

    if connection.vendor != "postgresql":
        print("The policy benchmark needs PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    small, large = (2_000, 20_000) if args.quick else (10_000, 1_000_000)
    repeats = 10 if args.quick else 200
    bench = policy_data.build_structure()
    results = []
    reads: dict[str, Any] = {}
    for size in (small, large):
        started = time.perf_counter()
        policy_data.grow(bench, size)
        print(f"loaded {size:,} people in {time.perf_counter() - started:.1f} s", flush=True)
        if not reads:
            reads = policy_data.records_to_read(bench, policy_data.take_break_glass(bench))
        results.append(measure_size(bench, reads, size, repeats))
    print(f"policy: {repeats} repetitions per case; x plain = median / the same without policy")
    print_table([f for found in results for f in found.figures])
    problems = [p for found in results for p in found.failures]
    problems += compare_viewers(*results)
    large_page = [f for f in results[1].figures if f.case == "viewer + page"]
    worst = max(large_page, key=lambda f: f.p95_ms)
    verdict = "NOT as expected (see FAIL)" if problems else "one query plus the viewer's constant"
    print(
        f"  page of {PAGE} from {large:,}: {verdict}; "
        f"worst p95 {worst.p95_ms:.1f} ms ({worst.viewer})"
    )
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
