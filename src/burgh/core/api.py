"""The REST API at /api/v1: one NinjaAPI that every context's router joins.

Every error leaves as an RFC 9457 problem (`application/problem+json`): domain errors are
mapped here once, and so are Ninja's own refusals, Django's, and paths or methods the API
does not have.
"""

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from burgh.core import context
from burgh.core.errors import (
    BurghError,
    MalformedBodyError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from burgh.core.problems import problem_for_error, problem_response
from burgh.identity.auth import ApiTokenAuth, acting_as_caller, docs_sign_in_required

logger = logging.getLogger("burgh.api")

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error, as RFC 9457 problem details.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem."},
        "title": {"type": "string", "description": "The same for every problem of this type."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong this time."},
        "instance": {"type": "string", "description": "The path of the request."},
        "errors": {
            "type": "array",
            "description": "Each field or parameter that is wrong.",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {
                    "pointer": {
                        "type": "string",
                        "description": "`#/name` for a body field (a JSON Pointer), "
                        "`query.limit` or `header.If-Match` for a parameter.",
                    },
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_RESPONSE: dict[str, Any] = {
    "description": "An error, as an RFC 9457 problem.",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


class JsonBodyParser(Parser):
    """Reads JSON bodies, saying where a malformed one goes wrong."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedBodyError(
                f"The request body is not valid JSON: it is not UTF-8 text "
                f"(byte {error.start + 1} cannot be read). Send JSON encoded as UTF-8."
            ) from error
        try:
            data: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedBodyError(
                f"The request body is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno} (character {error.pos + 1}).",
                extra={"line": error.lineno, "column": error.colno},
            ) from error
        return data


class ApiDocs(Swagger):
    """Swagger UI in a page of our own: `lang`, a title and contrast fixes that axe asks for.

    Deep links are off because they put a link inside each operation's button (nested
    interactive controls), which screen readers cannot announce properly.
    """

    template = "core/api_docs.html"


class BurghAPI(NinjaAPI):
    """NinjaAPI whose every URL answers errors as problem details."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    # Kept by name: Ninja reverses it to find the API's own path.
                    pattern.callback = _unknown_path
                else:
                    pattern.callback = _method_not_allowed_as_problem(pattern.callback)
        urls.append(re_path(r"^.*$", _unknown_path, name="api-unknown-path"))
        return urls

    def validation_error_from_error_contexts(self, error_contexts: Any) -> ValidationError:
        errors: list[dict[str, Any]] = []
        for error_context in error_contexts:
            found = super().validation_error_from_error_contexts([error_context]).errors
            # A body read into one schema is nested under the parameter's name (`payload`),
            # which the client never sent: drop it so the location points into their JSON.
            wrapper = getattr(error_context.model, "__read_from_single_attr__", None)
            for item in found:
                location = tuple(item.get("loc", ()))
                if wrapper and location[:2] == ("body", wrapper):
                    item["loc"] = ("body", *location[2:])
                errors.append(item)
        return ValidationError(errors)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("default", PROBLEM_RESPONSE)
        return schema


api = BurghAPI(
    title="Burgh API",
    version="1",
    description=(
        "The council platform's REST API. Authenticate with an API token: "
        "`Authorization: Bearer burgh_<prefix>_<secret>`. Errors are RFC 9457 problem "
        "details. Lists are cursor-paginated (`limit`, `cursor`, `next_cursor`, `Link`). "
        "Changes need the record's ETag in `If-Match`; creates accept `Idempotency-Key`."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
    parser=JsonBodyParser(),
    # The docs page is Ninja's own template, served from the `ninja` app's static files (no
    # CDN). It runs under the site CSP unchanged: its only inline <script> is a JSON data
    # block (never executed), its code is in swagger-ui-init.js, and Swagger UI sets styles
    # through the DOM, which `style-src 'self'` does not block; checked in Chromium with no
    # CSP violations. validatorUrl None stops Swagger UI loading a badge from another site.
    docs=ApiDocs(settings={"validatorUrl": None, "tryItOutEnabled": False, "deepLinking": False}),
    docs_decorator=docs_sign_in_required,
)
api.add_decorator(acting_as_caller, mode="operation")


@api.exception_handler(BurghError)
def _burgh_error(request: HttpRequest, error: BurghError) -> HttpResponse:
    return problem_for_error(request, error)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [_field_error(item) for item in error.errors]
    if len(errors) == 1:
        detail = f"{errors[0]['pointer']}: {errors[0]['detail']}"
    else:
        detail = f"The request has {len(errors)} problems: " + "; ".join(
            f"{item['pointer']}: {item['detail']}" for item in errors
        )
    return problem_response(
        request,
        status=422,
        slug="invalid-input",
        title="The request has invalid input",
        detail=detail,
        errors=errors,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # Ninja wraps whatever the body parser raised; ours already says what went wrong.
    cause = error.__cause__
    if isinstance(cause, BurghError):
        return problem_for_error(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return _too_big(request, cause)
    headers = {"WWW-Authenticate": 'Bearer realm="burgh"'} if error.status_code == 401 else {}
    return problem_response(
        request, status=error.status_code, detail=error.message or "", headers=headers
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem_for_error(
        request, NotFoundError("There is nothing at this address, or you cannot see it.")
    )


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return problem_for_error(
        request, PermissionDeniedError(str(error) or "You do not have permission to do this.")
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_for_error(
        request,
        PayloadTooLargeError(
            f"The request body is larger than the {_size(limit)} this API accepts. "
            "Send less data in one request.",
            extra={"max_bytes": limit},
        ),
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    logger.warning("Suspicious API request refused: %s", error)
    return problem_response(
        request, status=400, detail="The request cannot be accepted as it stands."
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    # Logged in full for the team; the caller gets a reference, never the traceback.
    logger.exception("API request failed: %s %s", request.method, request.path)
    reference = context.current().request_id
    return problem_response(
        request,
        status=500,
        slug="server-error",
        title="Something went wrong on our side",
        detail=(
            "The request could not be completed because of a fault in the service; nothing "
            f"was changed. If it keeps happening, quote reference {reference or 'unknown'}."
        ),
        extra={"reference": reference},
    )


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    location = [str(part) for part in item.get("loc", ())]
    source = location[0] if location else "body"
    rest = location[1:]
    if source == "body":
        pointer = "#" + "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in rest)
    else:
        pointer = ".".join([source, *rest])
    return {"pointer": pointer, "detail": _message(item, rest), "code": str(item.get("type", ""))}


def _message(item: dict[str, Any], location: list[str]) -> str:
    kind = item.get("type")
    name = location[-1] if location else "the body"
    if kind == "extra_forbidden":
        return f"Unknown field {name!r}: this request does not accept it."
    if kind == "missing":
        return "This is required." if location else "The request body is required."
    if not location and kind in {"model_attributes_type", "dict_type", "model_type"}:
        return "The request body must be a JSON object."
    return str(item.get("msg", "Not valid."))


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB" if limit >= 1024 else f"{limit} bytes"


@csrf_exempt
def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem_response(
        request,
        status=404,
        slug="unknown-path",
        title="The API has no such path",
        detail=(
            f"There is no {request.path} in this API. The paths it has are listed in "
            f"{reverse('api:openapi-json')}."
        ),
    )


def _method_not_allowed_as_problem(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        # Ninja builds Allow from a set; sorted, it reads the same on every response.
        allowed = ", ".join(sorted(filter(None, response.get("Allow", "").split(", "))))
        return problem_response(
            request,
            status=405,
            slug="method-not-allowed",
            title="The method is not allowed here",
            detail=f"{request.method} is not allowed on {request.path}; use {allowed}.",
            headers={"Allow": allowed},
        )

    return wrapper


def _mount_routers() -> None:
    from burgh.cases.api import router as cases_router
    from burgh.flows.api import router as flows_router
    from burgh.identity.api import router as identity_router
    from burgh.people.api import router as people_router
    from burgh.places.api import router as places_router

    api.add_router("", identity_router)
    api.add_router("/people", people_router)
    api.add_router("/places", places_router)
    api.add_router("/cases", cases_router)
    api.add_router("/flows", flows_router)


_mount_routers()
