"""Kernel figures: the cost of the hash-chained audit trail and of the outbox relay.

Baselines, measured in the same run on the same database: a plain insert of the same row
without the chain, and a plain insert of the event without delivery.
"""

from bench.setup import django_on_fresh_database, median_seconds


def run(quick: bool = False) -> None:
    django_on_fresh_database()
    from django.db import transaction
    from django.utils import timezone

    from burgh.core import audit, events
    from burgh.core.models import AuditEntry, OutboxEvent
    from burgh.core.relay import deliver_pending
    from burgh.core.subscribers import idempotent, subscribe

    n = 200 if quick else 2000
    repeats = 3 if quick else 5

    def chained() -> None:
        with transaction.atomic():
            for i in range(n):
                audit.record("case.viewed", subject=("cases.case", str(i)), purpose="bench")

    plain_seq = [10_000_000]

    def plain() -> None:
        with transaction.atomic():
            for i in range(n):
                plain_seq[0] += 1
                AuditEntry.objects.create(
                    seq=plain_seq[0],
                    at=timezone.now(),
                    action="case.viewed",
                    subject_type="cases.case",
                    subject_id=str(i),
                    purpose="bench",
                    prev_hash="0" * 64,
                    hash=f"{plain_seq[0]:064d}",
                )

    t_chain = median_seconds(chained, repeats)
    t_plain = median_seconds(plain, repeats)
    AuditEntry.objects.filter(seq__gte=10_000_000).delete()
    print(f"audit.record: {t_chain / n * 1e6:.0f} us/entry (median of {repeats} x {n})")
    print(f"  baseline plain insert: {t_plain / n * 1e6:.0f} us/entry")
    print(f"  ratio chained/plain: {t_chain / t_plain:.2f}")

    t_verify = median_seconds(audit.verify, repeats)
    count = AuditEntry.objects.count()
    print(
        f"audit verify: {count / t_verify:,.0f} entries/s "
        f"({count} entries, median {t_verify:.3f} s)"
    )

    delivered: list[str] = []
    subscribe("bench.counter", "gov.burgh.bench.*")(idempotent("bench.counter")(lambda e: None))

    def emit_only() -> None:
        with transaction.atomic():
            for i in range(n):
                OutboxEvent.objects.create(
                    type="gov.burgh.bench.thing.happened",
                    source="urn:burgh:bench",
                    subject=f"bench/{i % 50}",
                    time=timezone.now(),
                    data={"i": i},
                    delivered_at=timezone.now(),
                )

    def emit_and_relay() -> None:
        with transaction.atomic():
            for i in range(n):
                events.emit("gov.burgh.bench.thing.happened", f"bench/{i % 50}", {"i": i})
        report = deliver_pending()
        delivered.append(str(report.delivered))

    t_base = median_seconds(emit_only, repeats)
    t_relay = median_seconds(emit_and_relay, repeats)
    print(f"emit + relay to an idempotent consumer: {n / t_relay:,.0f} events/s")
    print(f"  baseline insert only: {n / t_base:,.0f} events/s")
    print(f"  ratio (time) emit+relay/insert: {t_relay / t_base:.2f}")
