"""Stability: relinking after 1% new records keeps the person ids people already have.

Links N generated records, adds 1% more (new residents and new records of known ones), and
relinks everything with the first run's ids as `previous`. Figures: the share of the first
run's people whose id still names all of their records, and the share of records whose id is
unchanged. Baseline, from the same two clusterings: naming each person by their smallest
record key, as a relink without `previous` would. Target: >= 99.9% of person ids kept.
"""

import itertools
import time
from collections import defaultdict
from collections.abc import Mapping

from bench.people.data import residents

TARGET = 0.999
SEED = 9


def kept(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[float, float]:
    """(people whose id still names all their records, records whose id is unchanged)."""
    members: dict[str, list[str]] = defaultdict(list)
    for key, person in before.items():
        members[person].append(key)
    people = sum(1 for keys in members.values() if all(after[key] == before[key] for key in keys))
    records = sum(1 for key, person in before.items() if after[key] == person)
    return people / len(members), records / len(before)


def named_by_smallest_key(clusters: Mapping[str, str]) -> dict[str, str]:
    smallest: dict[str, str] = {}
    for key, cluster in clusters.items():
        if cluster not in smallest or key < smallest[cluster]:
            smallest[cluster] = key
    return {key: smallest[cluster] for key, cluster in clusters.items()}


def run(quick: bool = False) -> None:
    from burgh.people.linkage.batch import link_records

    size = 5_000 if quick else 200_000
    added = size // 100
    data = residents(int((size + added) / 2.6) + 1, seed=SEED)
    if len(data.records) < size + added:
        raise SystemExit(f"the generator wrote {len(data.records):,} records, not {size + added:,}")
    first, new = data.records[:size], data.records[size : size + added]
    counter = itertools.count(1)

    def new_id() -> str:
        return f"P{next(counter):08d}"

    started = time.perf_counter()
    before = link_records(first, new_id=new_id).clusters
    took_first = time.perf_counter() - started
    started = time.perf_counter()
    after = link_records([*first, *new], previous=before, new_id=new_id).clusters
    took_second = time.perf_counter() - started

    people, records = kept(before, after)
    plain_before, plain_after = named_by_smallest_key(before), named_by_smallest_key(after)
    plain_people, plain_records = kept(plain_before, plain_after)
    count_before, count_after = len(set(before.values())), len(set(after.values()))
    print(
        f"stability: {size:,} records linked ({took_first:.1f} s), then {added:,} added and "
        f"all relinked with previous ids ({took_second:.1f} s)"
    )
    print(f"  people: {count_before:,} before, {count_after:,} after")
    print(f"  {'ids':<36} {'people kept':>12} {'records kept':>13}")
    print(f"  {'burgh, previous ids':<36} {people:>12.4%} {records:>13.4%}")
    print(f"  {'baseline, named by smallest key':<36} {plain_people:>12.4%} {plain_records:>13.4%}")
    met = "met" if people >= TARGET else "MISSED"
    print(f"  target >= {TARGET:.1%} of person ids kept: {met}")
