"""Person-index figures: accuracy, batch linkage, id stability and online resolve and search.

`python -m bench people [--quick]` runs every part in turn; each prints its figures beside a
baseline measured in the same run (plain Splink, or the naive alternative). Generated data is
cached as CSV under $BURGH_VAR_DIR/bench/people/, so a second run starts at once.
"""

import importlib
import time

PARTS = ("accuracy", "batch", "stability", "online")


def run(quick: bool = False) -> None:
    for part in PARTS:
        module = importlib.import_module(f"bench.people.{part}")
        started = time.perf_counter()
        print(f"-- people: {part} --", flush=True)
        module.run(quick=quick)
        print(f"   ({part}: {time.perf_counter() - started:.0f} s)", flush=True)
