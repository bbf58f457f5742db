"""`burgh relay`: deliver pending outbox events now (the worker also does this on its own)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from burgh.core.relay import deliver_pending, pending_count


class Command(BaseCommand):
    help = "Deliver events waiting in the outbox to their subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="events read per query")
        parser.add_argument(
            "--wait",
            type=float,
            default=30.0,
            help="seconds to wait while another relay is delivering (default 30)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A relay that was killed holds its PostgreSQL lock until the server notices the lost
        # connection: wait a bounded time for it rather than report "busy" at once.
        deadline = time.monotonic() + options["wait"]
        report = deliver_pending(batch=options["batch"])
        while report.skipped_locked and time.monotonic() < deadline:
            time.sleep(0.5)
            report = deliver_pending(batch=options["batch"])
        if report.skipped_locked:
            self.stdout.write("Another relay is delivering; nothing done.")
            return
        self.stdout.write(
            f"Delivered {report.delivered}, failed {report.failed}, held back "
            f"{report.held_back}; {pending_count()} still pending."
        )
        for line in report.errors:
            self.stderr.write(line)
