"""Every refusal at /scim/v2 leaves as a SCIM error message (RFC 7644 section 3.12)."""

import json
from typing import Any

from django.http import HttpResponse
from pydantic import ValidationError
from scim2_models import Error, SCIMException

from burgh.core.errors import (
    AuthenticationFailedError,
    BurghError,
    ConflictError,
    InvalidInputError,
    MalformedBodyError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    StaleVersionError,
)

SCIM_CONTENT_TYPE = "application/scim+json"


class ScimRefusalError(Exception):
    """A refusal already in SCIM's terms: status, scimType (may be empty) and detail."""

    def __init__(
        self,
        status: int,
        detail: str,
        scim_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
        self.headers = headers or {}


def scim_json(payload: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type=SCIM_CONTENT_TYPE,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_response(refusal: ScimRefusalError) -> HttpResponse:
    error = Error(status=refusal.status, scim_type=refusal.scim_type or None, detail=refusal.detail)
    response = scim_json(error.model_dump(), status=refusal.status)
    for name, value in refusal.headers.items():
        response[name] = value
    return response


def refusal_for(error: Exception) -> ScimRefusalError | None:
    """The SCIM refusal for a known kind of error; None for a fault of our own."""
    if isinstance(error, ScimRefusalError):
        return error
    if isinstance(error, SCIMException):
        return ScimRefusalError(error.status, error.detail, error.scim_type)
    if isinstance(error, ValidationError):
        first = Error.from_validation_error(error.errors()[0])
        more = len(error.errors()) - 1
        detail = (first.detail or "The payload is not valid.") + (
            f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        )
        return ScimRefusalError(first.status or 400, detail, first.scim_type or "invalidValue")
    if isinstance(error, BurghError):
        return _refusal_for_burgh_error(error)
    return None


def _refusal_for_burgh_error(error: BurghError) -> ScimRefusalError:
    detail = error.detail
    if isinstance(error, AuthenticationFailedError):
        return ScimRefusalError(401, detail, headers=dict(error.headers))
    if isinstance(error, StaleVersionError):
        return ScimRefusalError(412, detail)
    if isinstance(error, ConflictError):
        return ScimRefusalError(409, detail, "uniqueness")
    if isinstance(error, NotFoundError):
        return ScimRefusalError(404, detail)
    if isinstance(error, PermissionDeniedError):
        return ScimRefusalError(403, detail)
    if isinstance(error, PayloadTooLargeError):
        return ScimRefusalError(413, detail)
    if isinstance(error, MalformedBodyError):
        return ScimRefusalError(400, detail, "invalidSyntax")
    if isinstance(error, InvalidInputError):
        return ScimRefusalError(400, detail, "invalidValue")
    return ScimRefusalError(error.status, detail)
