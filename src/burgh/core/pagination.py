"""Keyset pagination with opaque, signed cursors: no OFFSET scans, stable under inserts."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.core import signing
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

from burgh.core.errors import InvalidCursorError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "burgh.core.pagination"

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


class PageParams(Schema):
    """The query parameters every list takes."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return (1 to 200)."
    )
    cursor: str | None = Field(
        None,
        max_length=2000,
        description="The `next_cursor` of the previous page; leave out for the first page.",
    )


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


@dataclass(frozen=True)
class PageResult(Generic[M]):
    items: list[M]
    next_cursor: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


def paginate(
    request: HttpRequest,
    queryset: models.QuerySet[M],
    params: PageParams,
    *,
    ordering: Sequence[str],
    response: HttpResponse | None = None,
) -> PageResult[M]:
    """One page of `queryset` in `ordering`, which must end in a unique, non-null field.

    The cursor holds the ordering values of the last item, signed so that a client cannot
    forge one and bound to this list's path so one list's cursor is refused by another.
    Sets `Link: <...>; rel="next"` on `response` when there is a next page.
    """
    fields = [name.lstrip("-") for name in ordering]
    if not _field(queryset.model, fields[-1]).unique:
        raise ValueError("The last ordering field must be unique so that no item is skipped.")
    queryset = queryset.order_by(*ordering)
    if params.cursor:
        after = _decode(params.cursor, request.path, queryset.model, fields)
        queryset = queryset.filter(_after(ordering, after))
    rows = list(queryset[: params.limit + 1])
    items = rows[: params.limit]
    next_cursor = None
    if len(rows) > params.limit:
        last = items[-1]
        next_cursor = _encode(request.path, [_value(last, name) for name in fields])
        if response is not None:
            response["Link"] = f'<{_next_url(request, next_cursor)}>; rel="next"'
    return PageResult(items, next_cursor)


def _value(record: models.Model, field: str) -> Any:
    value = getattr(record, field)
    if value is None:
        raise ValueError(f"Ordering field {field!r} is null: keyset pagination cannot use it.")
    if isinstance(value, str | int | bool):
        return value
    # UUID, date and datetime: their string form is what Field.to_python reads back.
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _encode(path: str, values: list[Any]) -> str:
    return signing.dumps({"p": path, "v": values}, salt=_SALT, compress=True)


def _decode(cursor: str, path: str, model: type[models.Model], fields: list[str]) -> list[Any]:
    refusal = InvalidCursorError(
        "The cursor parameter is not one this list gave out, or it has been altered. "
        "Start again from the first page (leave cursor out) and follow next_cursor.",
        errors=[{"pointer": "query.cursor", "detail": "Not a cursor from this list."}],
    )
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as error:
        raise refusal from error
    if (
        not isinstance(payload, dict)
        or payload.get("p") != path
        or not isinstance(payload.get("v"), list)
        or len(payload["v"]) != len(fields)
    ):
        raise refusal
    values = []
    for name, raw in zip(fields, payload["v"], strict=True):
        values.append(_field(model, name).to_python(raw))
    return values


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{name!r} is not a column of {model.__name__}, so cannot order a page.")
    return field


def _after(ordering: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) or (a = x and b > y) or ..."""
    condition = Q()
    equal_so_far = Q()
    for name, value in zip(ordering, values, strict=True):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{field}__{lookup}": value})
        equal_so_far &= Q(**{field: value})
    return condition


def _next_url(request: HttpRequest, cursor: str) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(
        f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
    )
