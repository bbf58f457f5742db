"""`burgh run`: prepare the database and static files, load the demo council, start the server.

Starts two child processes, the background worker and the web server (gunicorn), prints where to
go and how to sign in, and stops both cleanly on Ctrl+C or SIGTERM. If either child dies, the
other is stopped too and the command fails, naming the one that died.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from burgh.demo.generator import demo_sign_ins
from burgh.demo.services import sign_in_table

READY_WITHIN_SECONDS = 60.0
STOP_WITHIN_SECONDS = 15.0


class Command(BaseCommand):
    help = "Run Burgh on this machine: database, static files, demo council, worker and web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("BURGH_PORT", "8000")),
            help="port to listen on (default 8000, or BURGH_PORT)",
        )
        parser.add_argument("--workers", type=int, default=2, help="web server processes (2)")
        parser.add_argument("--threads", type=int, default=2, help="threads per process (2)")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("demo", if_empty=True, stdout=self.stdout)
        # The children open their own connections; ours must not be shared across processes.
        connections.close_all()

        stopping = threading.Event()

        def ask_to_stop(signum: int, frame: FrameType | None) -> None:
            stopping.set()

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, ask_to_stop)

        children = self._start_children(host, port, options["workers"], options["threads"])
        try:
            died = self._wait_until_ready(children, host, port, stopping)
            if died is None and not stopping.is_set():
                self._announce(host, port)
                died = self._watch(children, stopping)
        finally:
            self._stop(children)
        if died is not None:
            raise CommandError(
                f"The {died} stopped unexpectedly (exit code {children[died].returncode}); "
                "Burgh has been stopped. See the messages above."
            )
        self.stdout.write("Burgh has stopped.")

    def _start_children(
        self, host: str, port: int, workers: int, threads: int
    ) -> dict[str, subprocess.Popen[bytes]]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": str(settings.SETTINGS_MODULE),
            "BURGH_VAR_DIR": str(settings.VAR_DIR),
        }
        # Their own process group: Ctrl+C reaches only this command, which stops them in order.
        worker = subprocess.Popen(
            [sys.executable, "-m", "burgh.cli", "worker"], env=env, process_group=0
        )
        web = subprocess.Popen(  # noqa: S603 (our own argument list, no shell)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "burgh.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--graceful-timeout",
                "10",
            ],
            env=env,
            process_group=0,
        )
        return {"background worker": worker, "web server": web}

    def _wait_until_ready(
        self,
        children: dict[str, subprocess.Popen[bytes]],
        host: str,
        port: int,
        stopping: threading.Event,
    ) -> str | None:
        """Wait for the home page to answer; the name of a child that died meanwhile, if any."""
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while not stopping.is_set():
            died = _dead_child(children)
            if died:
                return died
            if _answers(f"http://{probe_host}:{port}/"):
                return None
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The web server did not answer on port {port} within "
                    f"{READY_WITHIN_SECONDS:.0f} seconds."
                )
            stopping.wait(0.3)
        return None

    def _announce(self, host: str, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Burgh is running at http://{host}:{port}"))
        self.stdout.write("")
        self.stdout.write(sign_in_table(demo_sign_ins(name=settings.COUNCIL_NAME)))
        self.stdout.write("")
        self.stdout.write("Press Ctrl+C to stop.")
        self.stdout.flush()

    def _watch(
        self, children: dict[str, subprocess.Popen[bytes]], stopping: threading.Event
    ) -> str | None:
        while not stopping.wait(0.5):
            died = _dead_child(children)
            if died:
                return died
        return None

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        running = {name: child for name, child in children.items() if child.poll() is None}
        if running:
            self.stdout.write("Stopping " + " and ".join(running) + "…")
        for child in running.values():
            child.terminate()
        deadline = time.monotonic() + STOP_WITHIN_SECONDS
        for name, child in running.items():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop in time; ending it.")
                # The whole group, so a stuck child's own children go too.
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def _dead_child(children: dict[str, subprocess.Popen[bytes]]) -> str | None:
    for name, child in children.items():
        if child.poll() is not None:
            return name
    return None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback address)
            return True
    except urllib.error.HTTPError:
        # Any HTTP answer, even an error page, means the server is up.
        return True
    except OSError:
        return False
