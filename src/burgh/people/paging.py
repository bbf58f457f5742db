"""Keyset pages of people whose cursors name nobody: a cursor carries only the last row's id.

The shared cursor (core.pagination) holds the last row's ordering values, here a family and a
given name, which are signed but readable, and may be names the reader was not given. This
one keeps just the id, and the database looks the names up itself to find the next page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from django.core import signing
from django.db.models import Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse

from burgh.core.errors import InvalidCursorError
from burgh.people.models import Person

_SALT = "burgh.people.paging"


@dataclass(frozen=True)
class PeoplePage:
    items: list[Person]
    next_cursor: str | None


def page_of_people(
    request: HttpRequest,
    people: "QuerySet[Person]",
    *,
    cursor: str | None,
    limit: int,
    response: HttpResponse | None = None,
) -> PeoplePage:
    """One page of `people`, which must be ordered by family name, given name and id."""
    if cursor:
        people = people.filter(_after(_decode(cursor, request.path)))
    rows = list(people[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = signing.dumps({"p": request.path, "id": str(items[-1].pk)}, salt=_SALT)
        if response is not None:
            query = request.GET.copy()
            query["cursor"] = next_cursor
            url = request.build_absolute_uri(
                f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
            )
            response["Link"] = f'<{url}>; rel="next"'
    return PeoplePage(items, next_cursor)


def _decode(cursor: str, path: str) -> UUID:
    refusal = InvalidCursorError(
        "The cursor parameter is not one this list gave out, or it has been altered. "
        "Start again from the first page (leave cursor out) and follow next_cursor.",
        errors=[{"pointer": "query.cursor", "detail": "Not a cursor from this list."}],
    )
    try:
        payload = signing.loads(cursor, salt=_SALT)
        if not isinstance(payload, dict) or payload.get("p") != path:
            raise refusal
        return UUID(str(payload.get("id")))
    except (signing.BadSignature, ValueError) as error:
        raise refusal from error


def _after(last_id: UUID) -> Q:
    """Rows after `last_id` in (family_name, given_name, id) order, compared in the database."""
    last = Person.objects.filter(pk=last_id)
    family = Subquery(last.values("family_name")[:1])
    given = Subquery(last.values("given_name")[:1])
    return (
        Q(family_name__gt=family)
        | Q(family_name=family, given_name__gt=given)
        | Q(family_name=family, given_name=given, pk__gt=last_id)
    )
