"""`burgh run` starts a working site with the demo council, and Ctrl+C stops all of it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

STARTS_WITHIN_SECONDS = 240
STOPS_WITHIN_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _sign_in_page(url: str) -> tuple[int, str, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.geturl(), response.read().decode()
    except (urllib.error.URLError, OSError):
        return None


def _start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = _free_port()
    env = {
        **os.environ,
        "BURGH_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "burgh.settings.local",
    }
    # Its own SQLite file in the temporary var directory, whatever the test run uses.
    env.pop("DATABASE_URL", None)
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "burgh.cli", "run", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, port, log_path


def _wait_for_site(
    process: subprocess.Popen[bytes], port: int, log_path: Path
) -> tuple[int, str, str]:
    deadline = time.monotonic() + STARTS_WITHIN_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        page = _sign_in_page(f"http://127.0.0.1:{port}/")
        if page is not None:
            return page
        time.sleep(0.5)
    raise AssertionError(f"No answer within {STARTS_WITHIN_SECONDS} s:\n{log_path.read_text()}")


def _gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not any(_alive(pid) for pid in pids)


def test_run_serves_the_sign_in_page_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    process, port, log_path = _start(tmp_path)
    try:
        status, final_url, body = _wait_for_site(process, port, log_path)
        assert status == 200
        assert "/sign-in" in final_url
        assert "Kinloch Council" in body

        # The address and the demo sign-ins are printed once the site answers.
        deadline = time.monotonic() + 30
        while "Press Ctrl+C to stop" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        output = log_path.read_text()
        assert f"http://127.0.0.1:{port}" in output
        assert "adviser@kinloch.example" in output
        assert "Kinloch-demo-2026" in output

        children = _descendants(process.pid)
        assert len(children) >= 3  # the worker, gunicorn's master and its workers
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STOPS_WITHIN_SECONDS) == 0, log_path.read_text()
        assert "Burgh has stopped." in log_path.read_text()
        assert _gone(children)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_run_stops_everything_and_fails_when_a_child_dies(tmp_path: Path) -> None:
    process, port, log_path = _start(tmp_path)
    try:
        _wait_for_site(process, port, log_path)
        children = _descendants(process.pid)
        worker = next(
            pid
            for pid in children
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
            and b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=STOPS_WITHIN_SECONDS) != 0
        assert "The background worker stopped unexpectedly" in log_path.read_text()
        assert _gone(children)
        assert _sign_in_page(f"http://127.0.0.1:{port}/") is None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
