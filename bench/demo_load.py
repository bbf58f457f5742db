"""Demo council figures: time to build and load it, and how that time grows with its size.

The baseline is the same load at a tenth of the size, in the same run: a ratio at or under 10
shows nothing grows faster than the number of residents (the staff and structure are a fixed
cost, so small sizes give ratios well under 10).
"""

from bench.setup import django_on_fresh_database, median_seconds


def run(quick: bool = False) -> None:
    django_on_fresh_database()
    from django.db import transaction

    from burgh.demo.generator import build_council
    from burgh.demo.services import load_demo_council

    small, large = (200, 2000) if quick else (2000, 20000)
    repeats = 3

    def load(residents: int) -> None:
        council = build_council(residents, seed=1)
        # Rolled back, so each repeat loads into the same empty database.
        with transaction.atomic():
            load_demo_council(council)
            transaction.set_rollback(True)

    t_small = median_seconds(lambda: load(small), repeats)
    t_large = median_seconds(lambda: load(large), repeats)
    print(f"build and load, {small} residents: {t_small:.2f} s (median of {repeats})")
    print(f"build and load, {large} residents: {t_large:.2f} s (median of {repeats})")
    marginal = (t_large - t_small) / (large - small) * 1e6
    print(
        f"  ratio {large}/{small}: {t_large / t_small:.1f} (at most 10 when nothing grows faster)"
    )
    print(f"  marginal cost: {marginal:.0f} us per resident")
    print("  target: the default (2000 residents) loads in under 60 s")
