"""A single `places.services.match` against the gazetteer in the database, on SQLite and on
PostgreSQL: the first call builds the process's index from the tables; later calls are
timed one at a time (with the revision check every BURGH_ADDRESS_INDEX_CHECK_SECONDS).

The database is filled with the generator's gazetteer (300,000 properties; 5,000 with
--quick): the rows the gazetteer import writes, written in bulk, and one GazetteerImport.
SQLite runs in a child process on a scratch BURGH_VAR_DIR; PostgreSQL in a child process on
a database of its own (BENCH_PLACES_DATABASE, default burgh_bench_places) created and dropped
on the server at POSTGRES_URL (without a server it says so, except on CI, where that fails).
Target: p95 <= 20 ms at 300,000.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

DATABASE = os.environ.get("BENCH_PLACES_DATABASE", "burgh_bench_places")
TARGET_MS = 20


def run(quick: bool = False) -> None:
    from bench.setup import run_on_scratch_postgres

    scratch = tempfile.mkdtemp(prefix="burgh-bench-places-")
    env = {**os.environ, "BURGH_VAR_DIR": scratch}
    env.pop("DATABASE_URL", None)
    sys.stdout.flush()
    child = subprocess.run(
        [sys.executable, "-m", "bench.places.online", *(["--quick"] if quick else [])],
        env=env,
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"places online benchmark on SQLite failed (exit {child.returncode})")
    run_on_scratch_postgres(
        "bench.places.online", DATABASE, "places online benchmark on PostgreSQL", quick=quick
    )


def fill(rows: list[dict[str, str]]) -> None:
    from burgh.places.models import GazetteerImport, Property, Street

    streets: dict[str, Street] = {}
    for row in rows:
        if row["usrn"] not in streets:
            streets[row["usrn"]] = Street(
                usrn=row["usrn"], name=row["street"], locality=row["locality"], town=row["town"]
            )
    Street.objects.bulk_create(streets.values(), batch_size=5000)
    Property.objects.bulk_create(
        (
            Property(
                uprn=row["uprn"],
                organisation=row["organisation"],
                sub_building=row["sub_building"],
                building_name=row["building_name"],
                building_number=row["building_number"],
                street=streets[row["usrn"]],
                postcode=row["postcode"],
            )
            for row in rows
        ),
        batch_size=5000,
    )
    GazetteerImport.objects.create(source="bench", rows=len(rows), added=len(rows))


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(share * len(ordered)) - 1)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description="The places online benchmark, in its database.")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from bench.setup import django_on_fresh_database

    django_on_fresh_database()
    from django.db import connection

    from bench.places import data
    from burgh.places import services
    from burgh.places.matching import forget_index

    size, calls = (5_000, 200) if args.quick else (300_000, 1_000)
    _path, rows = data.gazetteer(size)
    started = time.perf_counter()
    fill(rows)
    filled = time.perf_counter() - started
    texts = [query.text for query in data.addresses(rows, calls)]
    forget_index()
    started = time.perf_counter()
    services.match(texts[0])
    first = time.perf_counter() - started
    revision_times = []
    for _ in range(50):
        began = time.perf_counter()
        services.gazetteer_revision()
        revision_times.append(time.perf_counter() - began)
    times = []
    for text in texts:
        began = time.perf_counter()
        services.match(text)
        times.append(time.perf_counter() - began)
    p95 = percentile(times, 0.95)
    print(
        f"{connection.vendor}: {len(rows):,} properties written in {filled:.0f} s; the first "
        f"match built the index from the database in {first:.1f} s; gazetteer_revision median "
        f"{statistics.median(revision_times) * 1000:.2f} ms"
    )
    print(
        f"  {connection.vendor} places.services.match: {len(times)} calls, median "
        f"{statistics.median(times) * 1000:.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(times) * 1000:.1f} ms"
    )
    if not args.quick:
        met = "met" if p95 <= TARGET_MS else "MISSED"
        print(f"  target p95 <= {TARGET_MS} ms at {len(rows):,} on {connection.vendor}: {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
