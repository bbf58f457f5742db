"""Domain errors every context raises; the API edge maps each to one RFC 9457 problem."""

from typing import Any, ClassVar


class BurghError(Exception):
    """A refusal a user should understand: an HTTP status, a stable slug, a title, a detail.

    `slug` names the problem type (`https://burgh.example/problems/<slug>`); the title is the
    same for every occurrence of the type; the detail says what happened this time.
    """

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "The request cannot be handled"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        # Field-level errors, each with a `pointer` (`#/name`, `query.limit`) and a `detail`.
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}


class BadRequestError(BurghError):
    status = 400
    slug = "bad-request"
    title = "The request is not well formed"


class MalformedHeaderError(BadRequestError):
    slug = "malformed-header"
    title = "A request header is not well formed"


class InvalidCursorError(BadRequestError):
    slug = "invalid-cursor"
    title = "The page cursor is not valid"


class MalformedBodyError(BadRequestError):
    slug = "malformed-body"
    title = "The request body is not valid JSON"


class AuthenticationFailedError(BurghError):
    status = 401
    slug = "authentication-failed"
    title = "Authentication is required"


class PermissionDeniedError(BurghError):
    status = 403
    slug = "permission-denied"
    title = "You do not have permission to do this"


class NotFoundError(BurghError):
    status = 404
    slug = "not-found"
    title = "Not found"


class ConflictError(BurghError):
    status = 409
    slug = "conflict"
    title = "The request conflicts with the current state"


class StaleVersionError(BurghError):
    """Someone else changed the record since the caller read it."""

    status = 412
    slug = "stale-version"
    title = "The record has changed since you read it"

    def __init__(self, detail: str, *, current_etag: str) -> None:
        super().__init__(detail, extra={"current_etag": current_etag})
        self.current_etag = current_etag


class PayloadTooLargeError(BurghError):
    status = 413
    slug = "payload-too-large"
    title = "The request body is too large"


class InvalidInputError(BurghError):
    """Input that is well formed but breaks a rule; `errors` says which field and why."""

    status = 422
    slug = "invalid-input"
    title = "The request has invalid input"


class PreconditionRequiredError(BurghError):
    status = 428
    slug = "precondition-required"
    title = "This change needs the record's ETag in If-Match"
