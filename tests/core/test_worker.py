"""The worker delivers committed events on its own, and stops cleanly when asked."""

import signal
import time
from unittest import mock

import pytest
from django.db import connection

from burgh.core import events
from burgh.core.models import AuditEntry
from tests.core.test_relay_crash import RELAY_ENV
from tests.processes import shared_database_url, start_module


@pytest.mark.django_db(transaction=True)
def test_worker_sweeps_pending_events_and_stops_on_sigterm():
    # The event's on-commit wake-up is lost, as in a crash between commit and enqueue.
    with mock.patch("burgh.core.events._wake_relay"):
        event = events.emit("gov.burgh.crashtest.step1.done", "test/case/1", {"n": 1})
    connection.close()
    env = {**RELAY_ENV, "DATABASE_URL": shared_database_url(), "BURGH_TEST_TASKS": "database"}
    worker = start_module("burgh.cli", "worker", "--sweep-seconds", "0.2", env=env)
    try:
        deadline = time.monotonic() + 60
        consumed = AuditEntry.objects.none()
        while time.monotonic() < deadline:
            consumed = AuditEntry.objects.filter(
                action="test.event_consumed", subject_id=str(event.id)
            )
            if consumed.exists() or worker.poll() is not None:
                break
            time.sleep(0.2)
        assert consumed.count() == 1, "the worker did not deliver the pending event"
    finally:
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
    assert "Burgh worker stopped." in output
