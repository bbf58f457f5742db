"""Optimistic locking: ETags from `version`, If-Match on writes, compare-and-set updates."""

import re
from typing import Any, TypeVar

from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from burgh.core.errors import (
    MalformedHeaderError,
    NotFoundError,
    PreconditionRequiredError,
    StaleVersionError,
)

_STRONG_ETAG = re.compile(r'^"(\d{1,9})"$')

M = TypeVar("M", bound=models.Model)


def etag_for(version: int) -> str:
    return f'"{version}"'


def with_etag(response: HttpResponse, record: Any) -> HttpResponse:
    response["ETag"] = record.etag
    return response


def required_version(request: HttpRequest) -> int:
    """The version the caller last read, from If-Match; refuses a write that does not say."""
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        raise PreconditionRequiredError(
            "Send the record's ETag in an If-Match header (read the record first to get it), "
            "so that you do not overwrite someone else's change by mistake.",
            errors=[{"pointer": "header.If-Match", "detail": "This header is required."}],
        )
    value = raw.strip()
    if value == "*":
        # "*" would match whatever is there now, which defeats the point of the check.
        raise PreconditionRequiredError(
            'If-Match: * is not accepted here: send the record\'s ETag, such as "3".',
            errors=[{"pointer": "header.If-Match", "detail": "Give the record's ETag."}],
        )
    match = _STRONG_ETAG.match(value)
    if match is None:
        raise MalformedHeaderError(
            f'If-Match must be one ETag exactly as the record gave it, such as "3" '
            f"(with the quotes); got {value[:40]!r}.",
            errors=[{"pointer": "header.If-Match", "detail": "Not a strong ETag."}],
        )
    return int(match.group(1))


def check_version(record: Any, expected_version: int) -> None:
    if record.version != expected_version:
        raise StaleVersionError(
            _stale_detail(record.version, expected_version), current_etag=record.etag
        )


def save_if_version(record: M, expected_version: int, changes: dict[str, Any]) -> M:
    """Write `changes` only if the stored version is still `expected_version`, then bump it.

    One conditional UPDATE (`... WHERE id = %s AND version = %s`), so of two writers holding
    the same version exactly one wins and the other gets StaleVersionError.
    """
    model = type(record)
    values = dict(changes)
    values["version"] = F("version") + 1
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    rows = model._default_manager.filter(pk=record.pk, version=expected_version).update(**values)
    if rows == 0:
        current = model._default_manager.filter(pk=record.pk).values_list("version", flat=True)
        current_version = current.first()
        if current_version is None:
            raise NotFoundError(f"The {model._meta.verbose_name} no longer exists.")
        raise StaleVersionError(
            _stale_detail(current_version, expected_version), current_etag=etag_for(current_version)
        )
    record.refresh_from_db()
    return record


def _stale_detail(current_version: int, expected_version: int) -> str:
    return (
        f"You sent If-Match {etag_for(expected_version)} but the record is now at ETag "
        f"{etag_for(current_version)}: someone changed it after you read it. Read it again, "
        "check their change, then send yours with the new ETag."
    )
