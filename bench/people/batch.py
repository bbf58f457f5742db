"""Batch linkage: Burgh's link_records on generated records, time and peak memory, beside Splink.

Each linker runs in a child process of its own (`python -m bench.people.batch --child ...`),
so the peak resident memory read when it ends (os.wait4) is that linker's alone; "loaded" is
the child's memory with the records read, just before linking. The records come from the CSV
cache (bench/people/data.py): the first N of a generated town. Burgh links with its shipped
model; the plain Splink baseline (bench/people/baseline.py) is shown with its training and its
predict-and-cluster time apart. Target: 1,000,000 records in <= 90 s on a 2-core machine.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RECORDS_PER_RESIDENT = 2.6  # about what the generator writes; a little under, to have enough
SEED = 5
TARGET_SECONDS = 90


def n_people_for(records: int) -> int:
    return int(records / RECORDS_PER_RESIDENT) + 1


def child(engine: str, records_wanted: int) -> dict[str, float]:
    from bench.people.data import residents
    from bench.people.metrics import pairwise

    data = residents(n_people_for(records_wanted), seed=SEED, limit=records_wanted, traps=False)
    records, truth = data.records, data.truth
    loaded = _resident_mb()
    started = time.perf_counter()
    if engine == "burgh":
        from burgh.people.linkage.batch import link_records

        result = link_records(records)
        clusters, extra = result.clusters, {"pairs_scored": float(result.pairs_scored)}
        extra.update({f"stage_{name}": secs for name, secs in result.stage_seconds.items()})
        seconds = time.perf_counter() - started
    else:
        from bench.people import baseline

        run = baseline.link(records)
        clusters, seconds = run.clusters, run.link_seconds
        extra = {"train_seconds": run.train_seconds}
    accuracy = pairwise(clusters, truth)
    return {
        "records": len(records),
        "seconds": seconds,
        "loaded_mb": loaded,
        "people": len(set(clusters.values())),
        "f1": accuracy.f1,
        **extra,
    }


def _resident_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(engine: str, records: int) -> dict[str, float]:
    """Run one linker in a child process; its figures, with its peak memory in MB."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.people.batch", "--child", engine, str(records)],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"batch benchmark: the {engine} child failed (exit {process.returncode})")
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return figures


def run(quick: bool = False) -> None:
    from bench.people.data import residents

    records = 20_000 if quick else 1_000_000
    started = time.perf_counter()
    data = residents(n_people_for(records), seed=SEED)
    if len(data.records) < records:
        raise SystemExit(f"the generator wrote {len(data.records):,} records, not {records:,}")
    print(f"  records ready in {time.perf_counter() - started:.1f} s (CSV cache)", flush=True)
    del data
    burgh = measure("burgh", records)
    splink = measure("splink", records)
    print(f"batch linkage of {records:,} generated records (each in its own process):")
    print(
        f"  {'linker':<18} {'link s':>8} {'train s':>8} {'peak MB':>8} {'loaded MB':>10} "
        f"{'people':>9} {'F1':>7}"
    )
    for name, figures in (("burgh", burgh), ("splink baseline", splink)):
        train = figures.get("train_seconds")
        trained = f"{train:>8.1f}" if train is not None else f"{'-':>8}"
        print(
            f"  {name:<18} {figures['seconds']:>8.1f} {trained} {figures['peak_mb']:>8.0f} "
            f"{figures['loaded_mb']:>10.0f} {figures['people']:>9,} {figures['f1']:>7.4f}"
        )
    stages = ", ".join(
        f"{name[len('stage_') :]} {secs:.1f}"
        for name, secs in burgh.items()
        if name.startswith("stage_")
    )
    print(f"  burgh's stages (s): {stages}; {burgh['pairs_scored']:,.0f} pairs scored")
    ratio = burgh["seconds"] / max(splink["seconds"], 1e-9)
    print(f"  ratio burgh/splink (link time): {ratio:.2f}")
    if not quick:
        met = "met" if burgh["seconds"] <= TARGET_SECONDS else "MISSED"
        print(f"  target {records:,} records in <= {TARGET_SECONDS} s: {met}")


def main() -> int:
    parser = argparse.ArgumentParser(description="One linker's batch run (a child process).")
    parser.add_argument("--child", choices=("burgh", "splink"), required=True)
    parser.add_argument("records", type=int)
    args = parser.parse_args()
    figures = child(args.child, args.records)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
