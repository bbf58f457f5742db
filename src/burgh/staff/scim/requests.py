"""Reading SCIM requests: JSON bodies, If-Match, search parameters, providers' PATCH quirks."""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from burgh.staff.scim.errors import ScimRefusalError

MAX_COUNT = 200
_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')
ENTERPRISE_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScimRefusalError(
            400, f"The request body is not valid JSON: {error}.", "invalidSyntax"
        ) from error
    if not isinstance(data, dict):
        raise ScimRefusalError(400, "The request body must be a JSON object.", "invalidSyntax")
    return data


def if_match(request: HttpRequest) -> int | None:
    """The version If-Match asks for; None when absent or `*` (SCIM makes If-Match optional)."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    match = _ETAG.match(raw.split(",")[0].strip())
    if match is None:
        raise ScimRefusalError(
            400,
            f'If-Match must be the ETag the resource gave, such as W/"3"; got {raw[:40]!r}.',
            "invalidValue",
        )
    return int(match.group(1))


def not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    return etag in wanted or etag.removeprefix("W/") in wanted


@dataclass(frozen=True)
class Search:
    filter: str | None
    sort_by: str | None
    descending: bool
    start_index: int
    count: int
    attributes: list[str] | None
    excluded_attributes: list[str] | None


def _number(raw: Any, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError) as error:
        raise ScimRefusalError(
            400, f"{name} must be a whole number, not {raw!r}.", "invalidValue"
        ) from error


def _names(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else str(raw).split(",")
    names = [str(item).strip() for item in items if str(item).strip()]
    return names or None


def search_from(values: dict[str, Any]) -> Search:
    """startIndex below 1 reads as 1, a negative count as 0 and a large one as MAX_COUNT."""
    order = str(values.get("sortOrder") or "ascending").lower()
    if order not in {"ascending", "descending"}:
        raise ScimRefusalError(400, "sortOrder is ascending or descending.", "invalidValue")
    attributes = _names(values.get("attributes"))
    excluded = _names(values.get("excludedAttributes"))
    if attributes and excluded:
        raise ScimRefusalError(
            400, "Give attributes or excludedAttributes, not both.", "invalidValue"
        )
    return Search(
        filter=str(values["filter"]) if values.get("filter") else None,
        sort_by=str(values["sortBy"]) if values.get("sortBy") else None,
        descending=order == "descending",
        start_index=max(1, _number(values.get("startIndex"), "startIndex", 1)),
        count=min(MAX_COUNT, max(0, _number(values.get("count"), "count", MAX_COUNT))),
        attributes=attributes,
        excluded_attributes=excluded,
    )


def normalise_patch(body: dict[str, Any], resource_id: str) -> dict[str, Any]:
    """Smooth over what well-known providers send that the standard does not quite say.

    Entra ID sends the enterprise manager as a bare id; Okta repeats the resource's `id` in a
    replace without a path. Capitalised op names and "True"/"False" strings are read as they
    are by scim2-models.
    """
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "").lower()
        value = operation.get("value")
        if path.endswith(f"{ENTERPRISE_URN}:manager") and isinstance(value, str):
            operation["value"] = {"value": value}
        if isinstance(value, dict) and not path:
            if str(value.get("id", resource_id)) == resource_id:
                value.pop("id", None)
            for name in list(value):
                if name.lower() == f"{ENTERPRISE_URN}:manager" and isinstance(value[name], str):
                    value[name] = {"value": value[name]}
                extension = value.get(name)
                if name.lower() == ENTERPRISE_URN and isinstance(extension, dict):
                    _wrap_manager(extension)
    return body


def _wrap_manager(extension: dict[str, Any]) -> None:
    if isinstance(extension.get("manager"), str):
        extension["manager"] = {"value": extension["manager"]}
