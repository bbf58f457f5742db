"""`burgh audit verify|tail`: check the audit chain, or show its latest entries."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from burgh.core import audit
from burgh.core.models import AuditEntry


class Command(BaseCommand):
    help = "Check the audit trail's hash chain (verify) or print its latest entries (tail)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("verify", help="walk the whole chain; fail at the first broken link")
        tail = actions.add_parser("tail", help="print the latest entries")
        tail.add_argument("-n", type=int, default=20, help="how many entries (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
        else:
            self._tail(options["n"])

    def _verify(self) -> None:
        report = audit.verify()
        if not report.intact:
            raise CommandError(
                f"Audit chain BROKEN at entry #{report.broken_at}: {report.reason}. "
                f"{report.entries_checked} entries before it are intact."
            )
        self.stdout.write(f"Audit chain intact: {report.entries_checked} entries checked.")

    def _tail(self, count: int) -> None:
        entries = reversed(list(AuditEntry.objects.order_by("-seq")[:count]))
        for entry in entries:
            when = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
            subject = f"{entry.subject_type}:{entry.subject_id}" if entry.subject_type else "-"
            self.stdout.write(
                f"#{entry.seq} {when} {entry.action} [{entry.outcome}] by "
                f"{entry.actor_label or 'system'} on {subject}"
                + (f" for {entry.purpose}" if entry.purpose else "")
            )
