"""Who a user is, read once per request instead of once per question.

A request asks about its user many times (the route's permission, the policy's viewer for a
list, then for the record it answers with); each answer needs the same roles, memberships,
agreements and grants. Inside `per_request()` the first reading is kept and later questions in
the same request reuse it. Nothing outlives the request, so a role taken away still counts on
the very next request (ASVS 8.3.2), and any change to identity's records during the request
(a grant of emergency access, a membership ended) forgets what was kept at once. Outside a
request (a worker task, a command, a test calling a service) every question reads afresh.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("burgh_identity_memo", default=None)

T = TypeVar("T")


@contextmanager
def per_request() -> Iterator[None]:
    """Keep readings for the block (one request)."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`'s answer, read once per request for `key`."""
    kept = _kept.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    found: T = kept[key]
    return found


def forget() -> None:
    """Drop everything kept (identity's records changed)."""
    kept = _kept.get()
    if kept:
        kept.clear()
