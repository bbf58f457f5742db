"""`burgh worker`: the background worker — the task queue, the periodic outbox sweep and the
sweeps contexts register (core.sweeps), such as SLA deadlines."""

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from burgh.core import sweeps
from burgh.core.idempotency import purge_idempotency_records
from burgh.core.relay import deliver_pending

logger = logging.getLogger("burgh.worker")


class Command(BaseCommand):
    help = "Run background tasks and sweep the event outbox until stopped (Ctrl+C or SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=5.0,
            help="how often to sweep the outbox for due events (default 5)",
        )
        parser.add_argument(
            "--interval", type=float, default=0.5, help="task queue poll interval in seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # The sweep delivers events whose on-commit wake-up was lost (a crash between commit
        # and enqueue) and retries failed deliveries when due. It runs the relay here rather
        # than enqueueing a task each time, so the task table does not grow with the clock.
        sweeper = threading.Thread(
            target=_sweep, args=(stop, options["sweep_seconds"]), name="outbox-sweep", daemon=True
        )
        sweeper.start()
        self.stdout.write("Burgh worker running (tasks and outbox sweep). Stop with Ctrl+C.")
        # Until db_worker installs its own handlers, a stop signal ends the worker the same way
        # db_worker does: by SystemExit, so the sweep is stopped below either way.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _exit_on_signal)
        exit_code: str | int | None = 0
        try:
            call_command(
                "db_worker",
                interval=options["interval"],
                reload=False,
                startup_delay=False,
            )
        except SystemExit as stopped:
            exit_code = stopped.code
        finally:
            stop.set()
            sweeper.join(timeout=10)
        self.stdout.write("Burgh worker stopped.")
        self.stdout.flush()
        if exit_code:
            raise SystemExit(exit_code)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


PRUNE_EVERY = 3600.0


def _sweep(stop: threading.Event, every: float) -> None:
    last_prune = 0.0
    while not stop.is_set():
        try:
            deliver_pending()
            for name, sweep in sweeps.registered().items():
                try:
                    sweep()
                except Exception:
                    logger.exception("The %s sweep failed; it will run again.", name)
            if time.monotonic() - last_prune > PRUNE_EVERY:
                # Finished task results (each relay wake leaves one) are kept a week;
                # idempotency keys for a day (ADR 3).
                call_command("prune_db_task_results", min_age_days=7, verbosity=0)
                purge_idempotency_records()
                last_prune = time.monotonic()
        except Exception:
            logger.exception("The outbox sweep failed; it will run again.")
        finally:
            connection.close()
        stop.wait(every)
