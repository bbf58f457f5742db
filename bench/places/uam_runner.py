"""Run uk_address_matcher on a gazetteer and addresses (CSV files): executed by the separate
virtual environment's Python, so it imports nothing of Burgh.

    python uam_runner.py CANONICAL.csv MESSY.csv OUT.csv

CANONICAL.csv and MESSY.csv have unique_id,address_concat,postcode; OUT.csv gets
unique_id,resolved_canonical_id,match_weight,distinguishability.
"""

import sys
import time

import duckdb
from uk_address_matcher import AddressMatcher


def main() -> int:
    canonical_path, messy_path, out_path = sys.argv[1:4]
    con = duckdb.connect()
    canonical = con.read_csv(canonical_path, all_varchar=True)
    messy = con.read_csv(messy_path, all_varchar=True)
    started = time.perf_counter()
    result = AddressMatcher(
        canonical_addresses=canonical, addresses_to_match=messy, con=con
    ).match()
    result.matches().select(
        "unique_id, resolved_canonical_id, match_weight, distinguishability"
    ).write_csv(out_path)
    print(f"seconds {time.perf_counter() - started:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
