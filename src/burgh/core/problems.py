"""RFC 9457 problem details: the one shape every API error takes."""

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse

from burgh.core.errors import BurghError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://burgh.example/problems/"


def problem_type(slug: str | None) -> str:
    """The type URI for a slug; `about:blank` when the HTTP status says it all."""
    return f"{PROBLEM_TYPE_BASE}{slug}" if slug else "about:blank"


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        # With about:blank, RFC 9457 says the title should be the status phrase.
        "title": title if (title and slug) else HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update({key: value for key, value in extra.items() if key not in body})
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_for_error(request: HttpRequest, error: BurghError) -> HttpResponse:
    headers = dict(error.headers)
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="burgh"')
    return problem_response(
        request,
        status=error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
        headers=headers,
        extra=error.extra,
    )
