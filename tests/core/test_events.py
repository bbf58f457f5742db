"""Events: written with the change, delivered in order per subject, parsed by a CloudEvents peer."""

import json
from unittest import mock

import pytest
from cloudevents.core.formats.json import JSONFormat
from django.db import transaction

from burgh.core import events
from burgh.core.models import OutboxEvent
from burgh.core.relay import deliver_pending
from burgh.core.subscribers import subscribe, unsubscribe


@pytest.fixture
def no_wake():
    # Keep events pending so the test decides when the relay runs.
    with mock.patch("burgh.core.events._wake_relay"):
        yield


@pytest.fixture
def received():
    seen: list[dict] = []
    subscribe("tests.recorder", "gov.burgh.test.*")(seen.append)
    yield seen
    unsubscribe("tests.recorder")


@pytest.mark.django_db
def test_an_event_rolled_back_with_its_change_is_never_sent(no_wake):
    def change_that_fails() -> None:
        with transaction.atomic():
            events.emit("gov.burgh.test.thing.created", "test/thing/1", {"n": 1})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_envelope_is_valid_cloudevents_for_the_sdk(no_wake):
    event = events.emit("gov.burgh.test.thing.created", "test/thing/1", {"name": "Bin day"})
    parsed = JSONFormat().read(None, json.dumps(events.envelope(event)))
    assert parsed.get_specversion() == "1.0"
    assert parsed.get_id() == str(event.id)
    assert parsed.get_type() == "gov.burgh.test.thing.created"
    assert parsed.get_source() == "urn:burgh:kinloch"
    assert parsed.get_subject() == "test/thing/1"
    assert parsed.get_time() is not None
    assert parsed.get_data() == {"name": "Bin day"}


@pytest.mark.django_db
def test_relay_delivers_in_order_and_marks_delivered(no_wake, received):
    for n in range(5):
        events.emit("gov.burgh.test.thing.changed", "test/thing/1", {"n": n})
    report = deliver_pending()
    assert report.delivered == 5
    assert [e["data"]["n"] for e in received] == [0, 1, 2, 3, 4]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    assert deliver_pending().delivered == 0  # nothing twice


@pytest.mark.django_db
def test_a_failing_consumer_holds_back_only_its_subject(no_wake, received):
    failures = {"left": 1}

    def flaky(event: dict) -> None:
        if event["subject"] == "test/thing/A" and failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("partner system down")

    subscribe("tests.flaky", "gov.burgh.test.*")(flaky)
    try:
        events.emit("gov.burgh.test.thing.changed", "test/thing/A", {"n": 1})
        events.emit("gov.burgh.test.thing.changed", "test/thing/B", {"n": 2})
        events.emit("gov.burgh.test.thing.changed", "test/thing/A", {"n": 3})
        first = deliver_pending()
        assert (first.delivered, first.failed, first.held_back) == (1, 1, 1)
        failed = OutboxEvent.objects.get(data__n=1)
        assert failed.attempts == 1
        assert "partner system down" in failed.last_error
        assert failed.next_attempt_at is not None
        # Not due yet: A stays held back in order.
        assert deliver_pending().delivered == 0
        OutboxEvent.objects.filter(pk=failed.pk).update(next_attempt_at=None)
        second = deliver_pending()
        assert second.delivered == 2
        a_events = [e["data"]["n"] for e in received if e["subject"] == "test/thing/A"]
        # The recorder saw A/1 once on the failed try (before flaky raised) and once more.
        assert a_events[-2:] == [1, 3]
    finally:
        unsubscribe("tests.flaky")


@pytest.mark.django_db(transaction=True)
def test_commit_wakes_the_relay(received):
    # Test settings run tasks immediately, as a worker would soon after commit.
    with transaction.atomic():
        events.emit("gov.burgh.test.thing.created", "test/thing/9", {"n": 9})
        assert received == []
    assert [e["data"]["n"] for e in received] == [9]
