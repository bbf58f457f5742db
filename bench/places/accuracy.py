"""Accuracy, throughput, index build time and memory, beside the baselines, in one run.

On the generator's gazetteer (seed 11: 300,000 properties; 5,000 with --quick) and messy
addresses of it (20,000; 600 with --quick), a tenth of them for properties the gazetteer does
not hold:
- Burgh at its shipped threshold (BURGH_ADDRESS_MATCH_THRESHOLD's default, chosen on the
  training seed, not on these addresses);
- the fuzzy baseline at a ratio of 90, and at the ratio that does best on these very
  addresses (a generous tuning no deployment gets);
- uk_address_matcher as it answers, and with the match-weight and distinguishability
  thresholds that do best on these addresses (also generous); full run only, as it
  installs an environment of its own.
Then batch throughput (match_batch, one process and two) and the index's build time and memory.
Targets: precision >= 99.5% at recall >= 98%, <= 0.5% of not-in-gazetteer addresses given a
UPRN, >= 2,000 addresses/s.
"""

import gc
import os
import statistics
import time
from pathlib import Path

import django

from bench.places import baselines
from bench.places.metrics import Outcome, best_at_precision, outcome
from burgh.places.matching import AddressIndex, match_batch
from burgh.places.matching.matcher import threshold_setting

FUZZY_QUERIES = 5_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def row(name: str, result: Outcome, note: str = "") -> None:
    print(
        f"  {name:<44} {result.precision:>9.2%} {result.recall:>8.2%} {result.recall_all:>8.2%} "
        f"{result.absent_given:>5}/{result.absent:<5} {result.absent_rate:>7.2%}  {note}"
    )


def run(quick: bool = False) -> None:
    # The generator reads the demo council's modules, which need Django's apps (no database).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "burgh.settings.local")
    django.setup()
    from bench.places import data

    size, count = (5_000, 600) if quick else (300_000, 20_000)
    _path, rows = data.gazetteer(size)
    queries = data.addresses(rows, count)
    texts = [query.text for query in queries]
    truth = [query.uprn for query in queries]
    clear = [query.decidable for query in queries]
    absent = sum(meant is None for meant in truth)
    unclear_present = sum(m is not None and not c for m, c in zip(truth, clear, strict=True))
    unclear_absent = sum(m is None and not c for m, c in zip(truth, clear, strict=True))
    print(
        f"gazetteer seed {data.SEED}: {len(rows):,} properties; {len(texts):,} messy addresses, "
        f"{absent:,} of them of properties not in the gazetteer"
    )
    print(
        f"undecidable as written: {unclear_present:,} of the {len(texts) - absent:,} in the "
        f"gazetteer fit two or more properties equally, {unclear_absent:,} of the {absent:,} not "
        "in it fit one that is (recall and the not-in rate count the rest; precision counts all)"
    )

    gc.collect()
    before = rss_mb()
    builds = []
    index = AddressIndex.from_rows(rows)
    builds.append(_timed_build(rows))
    if quick:
        builds += [_timed_build(rows) for _ in range(2)]
    gc.collect()
    memory = rss_mb() - before
    print(
        f"index: built in {statistics.median(builds):.1f} s (median of {len(builds)}), "
        f"about {memory:,.0f} MB resident for {len(index):,} properties"
    )

    started = time.perf_counter()
    results = match_batch(texts, index)
    one = time.perf_counter() - started
    started = time.perf_counter()
    parallel = match_batch(texts, index, processes=2)
    two = time.perf_counter() - started
    assert parallel == results
    print(
        f"throughput: {len(texts) / one:,.0f} addresses/s in one process, "
        f"{len(texts) / two:,.0f} addresses/s on both cores (match_batch, processes=2, as "
        f"`burgh places match` runs); ratio two/one x{one / two:.2f}; target >= 2,000/s"
    )

    print(
        f"  {'matcher':<44} {'precision':>9} {'recall':>8} {'(of all)':>8} "
        f"{'not-in given':>11} {'rate':>7}"
    )
    burgh = outcome(truth, [r.uprn for r in results], clear)
    row(f"burgh (shipped threshold {threshold_setting()})", burgh)
    answers = [(r.best, r.score) for r in results]
    thresholds = [i / 100 for i in range(30, 100)]
    threshold, tuned = best_at_precision(truth, answers, thresholds, clear)
    row(f"burgh at the best threshold here ({threshold:.2f})", tuned, "(tuned on the test)")

    fuzzy_count = min(len(texts), 300 if quick else FUZZY_QUERIES)
    fuzzy = baselines.FuzzyBaseline(rows)
    started = time.perf_counter()
    fuzzy_answers = [fuzzy.best(text) for text in texts[:fuzzy_count]]
    fuzzy_rate = fuzzy_count / (time.perf_counter() - started)
    fuzzy_truth = truth[:fuzzy_count]
    fuzzy_clear = clear[:fuzzy_count]
    at90 = outcome(fuzzy_truth, [u if s >= 90 else None for u, s in fuzzy_answers], fuzzy_clear)
    row("fuzzy token_set_ratio >= 90", at90, f"(first {fuzzy_count:,}; {fuzzy_rate:,.0f}/s)")
    ratio, fuzzy_best = best_at_precision(
        fuzzy_truth, fuzzy_answers, list(range(70, 101)), fuzzy_clear
    )
    row(f"fuzzy at the best ratio here ({ratio})", fuzzy_best, "(tuned on the test)")
    burgh_same = outcome(fuzzy_truth, [r.uprn for r in results[:fuzzy_count]], fuzzy_clear)
    row("burgh on the same addresses", burgh_same)

    if quick:
        print("  uk_address_matcher: not run with --quick (it installs its own environment)")
    else:
        _uam(rows, texts, truth, clear)

    for name, result in (("burgh", burgh),):
        met = result.precision >= 0.995 and result.recall >= 0.98 and result.absent_rate <= 0.005
        print(
            f"  target precision >= 99.5% at recall >= 98%, not-in <= 0.5%: "
            f"{'met' if met else 'MISSED'} by {name}"
        )


def _timed_build(rows: list[dict[str, str]]) -> float:
    started = time.perf_counter()
    AddressIndex.from_rows(rows)
    return time.perf_counter() - started


def _uam(
    rows: list[dict[str, str]], texts: list[str], truth: list[str | None], clear: list[bool]
) -> None:
    from bench.places import data

    root = data.cache_dir()
    answers, why, seconds = baselines.run_uam(root, rows, texts)
    if answers is None:
        print(f"  uk_address_matcher: NOT run: {why}")
        return
    plain = outcome(truth, [uprn for uprn, _w, _d in answers], clear)
    row("uk_address_matcher as it answers", plain, f"({len(texts) / seconds:,.0f}/s)")
    best: tuple[float, float, Outcome] | None = None
    for distinct in (0, 1, 2, 3, 5, 8):
        scored = [(u if d >= distinct else None, w) for u, w, d in answers]
        weight, result = best_at_precision(truth, scored, [w / 2 for w in range(-10, 60)], clear)
        key = (result.precision >= 0.995, result.recall)
        if best is None or key > (best[2].precision >= 0.995, best[2].recall):
            best = (weight, distinct, result)
    assert best is not None
    row(
        f"uk_address_matcher best here (w>={best[0]}, d>={best[1]})",
        best[2],
        "(tuned on the test)",
    )


if __name__ == "__main__":
    run(quick=True)
