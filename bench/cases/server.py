"""A real Burgh web server for the cases benchmark: gunicorn on 127.0.0.1, production settings.

Sync workers, four of them (BENCH_CASES_WORKERS, BENCH_CASES_WORKER_CLASS and
BENCH_CASES_THREADS change that). Why: every request here is Python work on the CPU between
short waits on PostgreSQL, and Django serves one request per process best; threads in one
process share its interpreter lock, so gthread adds waiting, not CPU. Two processes per core
keep both cores busy while one of each pair waits on the database (a commit's flush, a row
lock). A sync worker closes the connection after each answer, as it does behind the proxy a
council puts in front of it; on the loopback address a new connection costs about 0.1 ms.
Database connections persist between requests (BURGH_DB_CONN_MAX_AGE), as a production
deployment sets them to (or puts PgBouncer in front): a new PostgreSQL backend per request
would cost more than some of the requests measured.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

WORKERS = int(os.environ.get("BENCH_CASES_WORKERS", "4"))
WORKER_CLASS = os.environ.get("BENCH_CASES_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_CASES_THREADS", "1"))
READY_WITHIN_SECONDS = 120
# What the proxy in front of a production server adds: the app then sees HTTPS, as it would.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# Production's session cookie (burgh.settings.production), which bench.cases.settings keeps.
SESSION_COOKIE = "__Host-burgh_session"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    description: str
    database_url: str

    def cpu(self) -> dict[int, tuple[str, float]]:
        """CPU seconds used so far by each gunicorn process ("app") and each PostgreSQL
        backend serving this database ("db"), by process id. Two samples give the work done
        between them, however busy the machine is with anything else; a parallel query's
        helper processes come and go between samples and are not counted."""
        import psycopg

        app = [self.process.pid, *_children(self.process.pid)]
        with psycopg.connect(self.database_url, autocommit=True) as monitor:
            backends = [
                pid
                for (pid,) in monitor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            ]
        found = {pid: ("app", cpu_seconds(pid)) for pid in app}
        return found | {pid: ("db", cpu_seconds(pid)) for pid in backends}

    def stop(self) -> None:
        """Stop gunicorn and its workers (its own process group), gracefully then firmly."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process (0 if it has gone), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # After the command: state, ppid, ..., utime and stime are the 12th and 13th.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def application() -> Any:
    """burgh.wsgi's application with its URL map loaded, for `gunicorn --preload`: the master
    loads Django and every app once and the workers fork ready, instead of each taking
    seconds over its first request. The requests measured are served exactly as without it."""
    from django.db import connections
    from django.urls import get_resolver

    from burgh.wsgi import application as burgh

    get_resolver().url_patterns  # noqa: B018 (imports every page and the API)
    # Nothing the workers inherit may hold a database connection.
    connections.close_all()
    return burgh


def _warm(url: str) -> None:
    """Have every worker load the URL map and the apps (each does so on its first request),
    so no measured request pays for it."""
    from concurrent.futures import ThreadPoolExecutor

    def ask(_: int) -> int:
        return requests.get(f"{url}/health", headers=PROXY_HEADERS, timeout=60).status_code

    with ThreadPoolExecutor(WORKERS * THREADS * 2) as pool:
        for _ in range(3):
            list(pool.map(ask, range(WORKERS * THREADS * 2)))


def start(*, database_url: str, secret_key: str, var_dir: Path) -> Server:
    """Start gunicorn serving burgh.wsgi on a free port; return once /health answers 200."""
    port = free_port()
    log = var_dir / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.cases.settings",
        "DATABASE_URL": database_url,
        "BURGH_SECRET_KEY": secret_key,
        "BURGH_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BURGH_VAR_DIR": str(var_dir),
        # Long enough that no worker reconnects (and loses its backend's CPU count) mid-run.
        "BURGH_DB_CONN_MAX_AGE": "900",
        "BURGH_LOG_LEVEL": "WARNING",
    }
    env.pop("BURGH_DEBUG", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.cases.server:application()",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--threads",
        str(THREADS),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]
    project = Path(__file__).resolve().parents[2]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
    threads = f" x {THREADS} threads" if WORKER_CLASS == "gthread" else ""
    server = Server(
        f"http://127.0.0.1:{port}",
        process,
        log,
        f"gunicorn {WORKERS} {WORKER_CLASS} workers{threads}, production settings, DEBUG off",
        database_url,
    )
    try:
        _wait(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait(server: Server) -> None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn stopped (exit {server.process.returncode}):\n{server.log_tail()}"
            )
        try:
            answer = requests.get(f"{server.url}/health", headers=PROXY_HEADERS, timeout=30)
            if answer.status_code == 200:
                _warm(server.url)
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {READY_WITHIN_SECONDS} s")
