"""`burgh worker`: the background worker — the task queue plus the periodic outbox sweep."""

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from burgh.core.tasks import relay_outbox

logger = logging.getLogger("burgh.worker")


class Command(BaseCommand):
    help = "Run background tasks and sweep the event outbox until stopped (Ctrl+C or SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=5.0,
            help="how often to enqueue an outbox sweep (default 5)",
        )
        parser.add_argument(
            "--interval", type=float, default=0.5, help="task queue poll interval in seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # The sweep re-delivers events whose on-commit wake-up was lost (a crash between
        # commit and enqueue); the relay takes a lock, so overlapping sweeps are harmless.
        sweeper = threading.Thread(
            target=_sweep, args=(stop, options["sweep_seconds"]), name="outbox-sweep", daemon=True
        )
        sweeper.start()
        self.stdout.write("Burgh worker running (tasks and outbox sweep). Stop with Ctrl+C.")
        try:
            # db_worker installs its own SIGINT/SIGTERM handlers and returns after a clean stop.
            call_command(
                "db_worker",
                interval=options["interval"],
                reload=False,
                startup_delay=False,
            )
        finally:
            stop.set()
            sweeper.join(timeout=5)
        self.stdout.write("Burgh worker stopped.")


def _sweep(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            relay_outbox.enqueue()
        except Exception:
            logger.exception("Could not enqueue the outbox sweep; will try again.")
        finally:
            connection.close()
        stop.wait(every)
