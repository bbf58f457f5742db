"""Place-index figures: address matching accuracy against baselines, batch throughput, index
build time and memory, and a single match's latency on SQLite and PostgreSQL.

`python -m bench places [--quick]` runs every part in turn. The gazetteer is the project's
generator with seed 11 (the shipped model was fitted on seed 7, and the matcher was tuned
by looking at seed 3: neither is measured here), cached as CSV under
$BURGH_VAR_DIR/bench/places/.
"""

import importlib
import time

PARTS = ("accuracy", "online")


def run(quick: bool = False) -> None:
    for part in PARTS:
        module = importlib.import_module(f"bench.places.{part}")
        started = time.perf_counter()
        print(f"-- places: {part} --", flush=True)
        module.run(quick=quick)
        print(f"   ({part}: {time.perf_counter() - started:.0f} s)", flush=True)
