"""Who is acting, from where, in which request: read by the audit trail, not passed around."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_ip: str = ""
    actor_id: str = ""
    actor_label: str = ""
    organisation_id: str = ""
    channel: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("burgh_request_context", default=_EMPTY)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def acting(**changes: str) -> Iterator[RequestContext]:
    """Run a block with parts of the context replaced (a worker task, a command, a request)."""
    token = _current.set(replace(_current.get(), **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
