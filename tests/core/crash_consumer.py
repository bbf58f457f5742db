"""A test-only event consumer for the relay crash test, loaded by a second process.

It writes one audit entry per event it handles (its visible effect) and, when
BURGH_TEST_CRASH_AFTER=k is set, kills its own process after handling k events — after its
transaction committed but before the relay marked the event delivered.
"""

import os

from burgh.core import audit
from burgh.core.subscribers import idempotent, subscribe

_handled = 0


@subscribe("tests.crash-consumer", "gov.burgh.crashtest.*")
@idempotent("tests.crash-consumer")
def consume(event: dict) -> None:
    global _handled
    audit.record("test.event_consumed", subject=("test.event", event["id"]))
    _handled += 1


@subscribe("tests.crash-trigger", "gov.burgh.crashtest.*")
def crash_when_told(event: dict) -> None:
    crash_after = int(os.environ.get("BURGH_TEST_CRASH_AFTER", "0"))
    if crash_after and _handled >= crash_after:
        os._exit(137)
