"""Online figures on PostgreSQL: resolve one record against the index, and the person search.

The index is filled with N source records, one per generated resident (so about N people), by
bench/people/index_fill.py: the rows `load_records` would write, written with COPY. Then:
- resolve: records that arrive one at a time, most of them another system's record of a
  resident already there, some of residents not yet known; each `resolve` call is timed.
  Beside it, Splink's own incremental call on the same records: the plain baseline model
  trained on the same N records, `linker.inference.predict_between` of the one new record
  against the existing table (term frequencies computed beforehand).
- search: `rank_people` as a contact-centre adviser, with a name (a typo in half of them),
  and a date of birth or postcode in some; timed, and whether the resident came first.
Targets: resolve p95 <= 25 ms and search p95 <= 50 ms at 1,000,000.

Runs in a child process on a database of its own (BENCH_PEOPLE_DATABASE, default
burgh_bench_people), created and dropped here on the server at POSTGRES_URL. Without a server
it says so and is not run, except on CI (CI=true), where that is a failure.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import Any, NamedTuple

DATABASE = os.environ.get("BENCH_PEOPLE_DATABASE", "burgh_bench_people")
SEED = 21
SPLINK_CALLS = 60
RESOLVE_TARGET_MS = 25
SEARCH_TARGET_MS = 50


def run(quick: bool = False) -> None:
    """Measure in a child process on a scratch PostgreSQL database."""
    from bench.setup import run_on_scratch_postgres

    # Tasks (the outbox relay a write wakes) queue in the database, as in production, even
    # under the test settings that otherwise run them inline.
    run_on_scratch_postgres(
        "bench.people.online",
        DATABASE,
        "people online benchmark",
        quick=quick,
        env={"BURGH_TEST_TASKS": "database"},
    )


def percentiles(times: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


class Split(NamedTuple):
    loaded: list[dict[str, str]]  # one per resident, for the index
    arrivals: list[dict[str, str]]  # sent one at a time afterwards
    training: list[dict[str, str]]  # every record of some residents, to train Splink on
    truth: dict[str, int]


def split_records(size: int, arriving: int, *, training: int) -> Split:
    """N records for the index (one per resident, the NHS one where there is one) and the
    records that arrive later: other systems' records of those residents, and a fifth from
    residents the index has never seen; also all records of the first residents (about
    `training` records), on which the Splink baseline learns."""
    from bench.people.data import residents

    strangers = max(1, arriving // 5)
    data = residents(size + strangers, seed=SEED)
    by_resident: dict[int, list[dict[str, str]]] = {}
    for record in data.records:
        by_resident.setdefault(data.truth[record["key"]], []).append(record)
    loaded: list[dict[str, str]] = []
    later: list[dict[str, str]] = []
    unknown: list[dict[str, str]] = []
    learn: list[dict[str, str]] = []
    for resident in sorted(by_resident):
        if len(learn) < training:
            learn.extend(by_resident[resident])
        records = sorted(by_resident[resident], key=lambda r: r["source_system"] != "nhs_grampian")
        if resident >= size:
            unknown.append(records[0])
            continue
        loaded.append(records[0])
        later.extend(records[1:])
    rng = random.Random(SEED)
    arrivals = rng.sample(later, arriving - strangers) + unknown[:strangers]
    rng.shuffle(arrivals)
    return Split(loaded, arrivals, learn, data.truth)


def load_index(records: list[dict[str, str]]) -> dict[str, float]:
    from bench.people.index_fill import fill

    return fill(records)


def measure_resolve(arrivals: list[dict[str, str]]) -> tuple[list[float], Counter[str]]:
    from bench.people.index_fill import attributes
    from burgh.people.services import IncomingRecord, resolve

    times, outcomes = [], Counter[str]()
    for record in arrivals:
        incoming = IncomingRecord(record["source_system"], record["source_id"], attributes(record))
        took, resolution = timed(partial(resolve, incoming))
        times.append(took)
        outcomes[resolution.outcome] += 1
    return times, outcomes


def measure_splink(split: Split, u_max_pairs: float) -> tuple[float, list[float], int]:
    from bench.people.baseline import Incremental

    # Each call reads the whole existing table: at most SPLINK_CALLS of them.
    arrivals, truth = split.arrivals[:SPLINK_CALLS], split.truth
    incremental = Incremental(split.loaded, split.training, u_max_pairs=u_max_pairs)
    incremental.match(arrivals[0])  # warm: the first call plans what later ones reuse
    times, found = [], 0
    for record in arrivals:
        took, matches = timed(partial(incremental.match, record))
        times.append(took)
        found += any(truth[key] == truth[record["key"]] for key, _ in matches)
    incremental.close()
    return incremental.train_seconds, times, found


def search_queries(loaded: list[dict[str, str]], count: int) -> list[tuple[str, dict[str, Any]]]:
    """(record key, rank_people arguments) as a caller gives them: a name, a typo in half."""
    rng = random.Random(SEED + 1)
    queries = []
    for record in rng.sample(loaded, count):
        given, family = record["given_name"].split(" ")[0], record["family_name"]
        if rng.random() < 0.5 and len(family) > 3:
            at = rng.randrange(1, len(family) - 1)
            family = family[:at] + family[at + 1 :]
        query: dict[str, Any] = {"name": f"{given} {family}"}
        if rng.random() < 0.5 and len(record["date_of_birth"]) == 10:
            query["date_of_birth"] = date.fromisoformat(record["date_of_birth"])
        elif record["postcode"]:
            query["postcode"] = record["postcode"]
        queries.append((record["key"], query))
    return queries


def measure_search(loaded: list[dict[str, str]], count: int) -> tuple[list[float], int, int, int]:
    from bench import policy_data
    from burgh.identity import policy
    from burgh.identity.models import User
    from burgh.people.models import SourceRecord
    from burgh.people.services import rank_people

    bench = policy_data.build_structure()
    reader = policy.viewer_for(User.objects.get(pk=bench.viewers["adviser"]))
    purpose = bench.purposes["adviser"]
    queries = search_queries(loaded, count)
    wanted = {key.partition(":")[2] for key, _ in queries}
    person_of = {
        f"{system}:{source_id}": person
        for system, source_id, person in SourceRecord.objects.filter(
            source_id__in=wanted
        ).values_list("system__slug", "source_id", "person_id")
    }
    rank_people(reader, purpose=purpose, **queries[0][1])  # warm
    times, first, listed = [], 0, 0
    for key, query in queries:
        took, ranked = timed(partial(rank_people, reader, purpose=purpose, **query))
        times.append(took)
        ids = [row.person.pk for row in ranked]
        first += bool(ids) and ids[0] == person_of.get(key)
        listed += person_of.get(key) in ids
    return times, first, listed, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description="The people online benchmark, in its database.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from bench.setup import django_on_fresh_database

    django_on_fresh_database()
    from django.db import connection

    from burgh.people.models import Person

    if connection.vendor != "postgresql":
        print("The people online benchmark needs PostgreSQL (DATABASE_URL).", file=sys.stderr)
        return 2
    size = 5_000 if args.quick else 1_000_000
    arriving, searches = (30, 30) if args.quick else (300, 300)
    split = split_records(size, arriving, training=10_000 if args.quick else 100_000)
    loaded, arrivals = split.loaded, split.arrivals
    filled = load_index(loaded)
    people = Person.objects.filter(merged_into__isnull=True).count()
    print(
        f"online: index filled with {filled['records']:,.0f} source records ({people:,} people, "
        f"{filled['keys']:,.0f} index keys): checked {filled['check_s']:.0f} s, batch-linked "
        f"{filled['link_s']:.0f} s, golden records {filled['golden_s']:.0f} s, "
        f"written {filled['write_s']:.0f} s"
    )
    resolve_times, outcomes = measure_resolve(arrivals)
    train, splink_times, splink_found = measure_splink(split, 1e6 if args.quick else 5e6)
    search_times, first, listed, asked = measure_search(loaded, searches)

    print(f"  {'call':<44} {'calls':>6} {'median ms':>10} {'p95 ms':>8}")
    for name, times in (
        ("burgh resolve (store + link, one record)", resolve_times),
        ("splink predict_between (score only)", splink_times),
        ("burgh rank_people (adviser search)", search_times),
    ):
        median, p95 = percentiles(times)
        print(f"  {name:<44} {len(times):>6} {median:>10.1f} {p95:>8.1f}")
    resolve_p95, splink_p95 = percentiles(resolve_times)[1], percentiles(splink_times)[1]
    search_p95 = percentiles(search_times)[1]
    print(f"  resolve outcomes: {dict(sorted(outcomes.items()))}")
    print(
        f"  splink: model trained and held in {train:.0f} s; found a record of the same "
        f"resident for {splink_found} of {len(splink_times)} arrivals"
    )
    print(f"  search: the resident first for {first} of {asked}, listed for {listed}")
    print(
        f"  resolve p95 {resolve_p95:.1f} ms vs predict_between p95 {splink_p95:.1f} ms "
        f"(x{splink_p95 / resolve_p95:.0f}); search p95 {search_p95:.1f} ms"
    )
    if not args.quick:
        for what, p95, target in (
            ("resolve", resolve_p95, RESOLVE_TARGET_MS),
            ("search", search_p95, SEARCH_TARGET_MS),
        ):
            met = "met" if p95 <= target else "MISSED"
            print(f"  target {what} p95 <= {target} ms at {size:,}: {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
