"""A relay killed between a consumer's commit and marking the event delivered loses nothing."""

import subprocess
from unittest import mock

import pytest
from django.db import connection

from burgh.core import events
from burgh.core.models import AuditEntry, OutboxEvent
from tests.processes import run_module, shared_database_url

# A second process handles the events: it loads the test-only consumer.
RELAY_ENV = {
    "DJANGO_SETTINGS_MODULE": "burgh.settings.test",
    "BURGH_TEST_CONSUMERS": "tests.core.crash_consumer",
}


def _relay_process(**extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**RELAY_ENV, "DATABASE_URL": shared_database_url(), **extra_env}
    return run_module("burgh.cli", "relay", env=env)


@pytest.mark.django_db(transaction=True)
def test_every_event_is_handled_exactly_once_after_a_crash():
    with mock.patch("burgh.core.events._wake_relay"):
        emitted = [
            events.emit(f"gov.burgh.crashtest.step{n % 3}.done", f"test/case/{n % 4}", {"n": n})
            for n in range(12)
        ]
    connection.close()  # let the other process write to a file database freely

    crashed = _relay_process(BURGH_TEST_CRASH_AFTER="5")
    assert crashed.returncode == 137, crashed.stderr
    handled_before = AuditEntry.objects.filter(action="test.event_consumed").count()
    assert handled_before == 5
    # The fifth event's work committed but it was never marked delivered: it will come again.
    assert OutboxEvent.objects.filter(delivered_at__isnull=False).count() == 4

    restarted = _relay_process()
    assert restarted.returncode == 0, restarted.stderr
    assert "Delivered 8" in restarted.stdout  # the redelivered fifth and the seven not reached

    consumed = list(
        AuditEntry.objects.filter(action="test.event_consumed").values_list("subject_id", flat=True)
    )
    assert sorted(consumed) == sorted(str(e.id) for e in emitted)  # each exactly once
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
