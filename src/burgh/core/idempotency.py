"""Idempotency-Key on API creates: a retry gets the first answer back instead of a second record.

Follows the IETF draft "The Idempotency-Key HTTP Header Field": the key is scoped to the
caller; the same key with the same request replays the stored response (with
`Idempotent-Replayed: true`); the same key with a different request is refused (422); a retry
while the first request is still running is refused (409).
"""

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, ParamSpec

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from burgh.core.errors import (
    AuthenticationFailedError,
    ConflictError,
    InvalidInputError,
    MalformedHeaderError,
)
from burgh.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Records may be purged after this; a retry later than that is treated as a new request.
RETENTION = timedelta(hours=24)
# A claim older than this is taken to belong to a request that died (a crashed worker),
# so a retry may take it over rather than meet 409 until the record is purged.
ABANDONED_AFTER = timedelta(minutes=5)

# Visible ASCII only: the key is echoed in problem details and logs.
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

OPENAPI_PARAMETER: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": (
        "A unique value (a UUID is ideal) that makes a retry of this create safe: the same "
        "key with the same request returns the first response, marked Idempotent-Replayed."
    ),
}


class IdempotencyKeyReusedError(InvalidInputError):
    slug = "idempotency-key-reused"
    title = "The Idempotency-Key was already used for a different request"


class IdempotencyKeyInUseError(ConflictError):
    slug = "idempotency-key-in-use"
    title = "A request with this Idempotency-Key is still being processed"


P = ParamSpec("P")


def idempotent(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Make a create route honour Idempotency-Key. The route must return an HttpResponse.

    Put it below the router decorator so it runs after authentication and validation.
    Only a successful (2xx) response is kept; an error releases the key so that a retry
    runs the request afresh (an error has changed nothing).
    """

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        claim = _claim(request, _checked_key(key))
        if isinstance(claim, HttpResponse):
            return claim
        try:
            with transaction.atomic():
                response = view(*args, **kwargs)
                if 200 <= response.status_code < 300:
                    # In the same transaction as the create, so a kept answer always
                    # describes a record that exists and vice versa.
                    _complete(claim, response)
                    return response
        except BaseException:
            _release(claim)
            raise
        _release(claim)
        return response

    return wrapper


def purge_idempotency_records(older_than: timedelta = RETENTION) -> int:
    """Forget keys older than `older_than`; returns how many records were removed."""
    cutoff = timezone.now() - older_than
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of method, path with query, and the body (JSON canonicalised when it parses)."""
    body = request.body
    # Key order and spacing do not make a different request.
    with contextlib.suppress(ValueError):
        body = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
    digest = hashlib.sha256()
    for part in (request.method or "").encode(), request.get_full_path().encode(), body:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise MalformedHeaderError(
            "Idempotency-Key must be 1 to 255 visible characters with no spaces, such as a UUID.",
            errors=[{"pointer": f"header.{HEADER}", "detail": "Not a usable key."}],
        )
    return key


def _claim(request: HttpRequest, key: str) -> IdempotencyRecord | HttpResponse:
    """Insert an in-progress record for (user, key), or answer from the one already there."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise AuthenticationFailedError("Idempotency-Key needs an authenticated caller.")
    fingerprint = request_fingerprint(request)
    # Three tries cover a record released by its owner between our insert and our read.
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    key=key,
                    user=user,
                    method=request.method or "",
                    path=request.path[:500],
                    request_hash=fingerprint,
                )
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:
            continue
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReusedError(
                f"The Idempotency-Key {key!r} was first used for a different request "
                f"({existing.method} {existing.path} with another body). Use a new key "
                "for a new request.",
                errors=[{"pointer": f"header.{HEADER}", "detail": "Already used."}],
            )
        if existing.state == IdempotencyRecord.COMPLETED:
            return _replay(existing)
        if _take_over_if_abandoned(existing):
            return existing
        raise IdempotencyKeyInUseError(
            f"The first request with Idempotency-Key {key!r} is still being processed. "
            "Wait a moment, then retry with the same key to get its result.",
            headers={"Retry-After": "1"},
        )
    raise IdempotencyKeyInUseError(
        f"The request with Idempotency-Key {key!r} keeps changing state; retry shortly.",
        headers={"Retry-After": "1"},
    )


def _take_over_if_abandoned(record: IdempotencyRecord) -> bool:
    now = timezone.now()
    if record.created_at > now - ABANDONED_AFTER:
        return False
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk,
        state=IdempotencyRecord.IN_PROGRESS,
        created_at=record.created_at,
    ).update(created_at=now)
    return taken == 1


def _complete(record: IdempotencyRecord, response: HttpResponse) -> None:
    record.state = IdempotencyRecord.COMPLETED
    record.response_status = response.status_code
    record.response_body = response.content
    record.response_headers = dict(response.items())
    record.save(update_fields=["state", "response_status", "response_body", "response_headers"])


def _release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.IN_PROGRESS).delete()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    assert record.response_status is not None
    response = HttpResponse(bytes(record.response_body or b""), status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response
