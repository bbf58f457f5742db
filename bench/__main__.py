"""`python -m bench [--quick] [NAME...]`: run the benchmarks (all, or those named)."""

import argparse
import importlib
import sys

BENCHMARKS = {
    "kernel": "bench.kernel",
    "demo": "bench.demo_load",
    "policy": "bench.policy",
    "people": "bench.people",
    "places": "bench.places",
    "cases": "bench.cases",
    "flows": "bench.flows",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"which to run: {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    args = parser.parse_args()
    unknown = set(args.names) - BENCHMARKS.keys()
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}")
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        print(f"== {name} ==", flush=True)
        module.run(quick=args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
