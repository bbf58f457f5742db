"""Reading person records through the access policy: search, and exactly the fields permitted.

Every list, count, page and export starts from `search_people`, whose queryset the policy has
already filtered, and turns rows into values with `person_rows`/`person_record`, which give
only the fields the reader may receive and load the related data (homes, involvements) only
for the rows that may show it, with a constant number of queries whatever the page size.
"""

import operator
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import reduce
from typing import Any
from uuid import UUID

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from burgh.core.errors import PermissionDeniedError
from burgh.identity import policy
from burgh.identity.models import Purpose, User
from burgh.people.access import PERSON, PERSON_FIELDS
from burgh.people.models import HouseholdMember, Involvement, Person
from burgh.places.services import addresses as addresses_of

ORDERING = ("family_name", "given_name", "id")
# Any one of these lets someone find at least some people.
READ_PERMISSIONS = ("people.search", "people.view_person", "people.view_all_people")
# Fields kept in Person's own columns; `address` and `involvements` come from other tables.
COLUMNS = ("given_name", "family_name", "date_of_birth", "email", "phone")
# Words of a name beyond these add nothing to a search but cost.
MAX_NAME_WORDS = 6
# How many records an export reads from the database at a time.
EXPORT_BATCH = 500

# Who is reading: a user, or the Viewer already built for this request.
Reader = User | policy.Viewer


def permitted_fields(visible: policy.Visible[Any]) -> frozenset[str]:
    """Every field some row of `visible` may show: what a list's columns can ever be."""
    grants = visible.grants.for_action(visible.action)
    return frozenset().union(*(grant.fields for grant in grants))


def _permits(visible: policy.Visible[Any], *fields: str) -> Q:
    """Rows whose reader may see all of `fields`.

    A search must not match on a field the reader may not see, or it would tell them the
    value: a partner who receives only phone numbers must not learn who is called Smith.
    """
    grants = visible.grants.for_action(visible.action)
    showing = [grant.q for grant in grants if set(fields) <= grant.fields]
    if len(showing) == len(grants):
        return Q()
    if not showing:
        return Q(pk__in=[])
    return reduce(operator.or_, showing)


def _name_filter(visible: policy.Visible[Any], text: str) -> Q:
    words = text.split()[:MAX_NAME_WORDS]
    if len(words) == 1:
        word = words[0]
        return (Q(given_name__istartswith=word) & _permits(visible, "given_name")) | (
            Q(family_name__istartswith=word) & _permits(visible, "family_name")
        )
    # Given name first, family name last; a name of three words or more may split anywhere
    # ("Mary Ann Smith", "Ruaridh Mac Leod").
    splits = [
        Q(
            given_name__istartswith=" ".join(words[:cut]),
            family_name__istartswith=" ".join(words[cut:]),
        )
        for cut in range(1, len(words))
    ]
    return reduce(operator.or_, splits) & _permits(visible, "given_name", "family_name")


def search_people(
    viewer: Reader,
    *,
    text: str = "",
    born_on: date | None = None,
    uprn: str = "",
    purpose: Purpose,
    action: policy.Action = policy.Action.LIST,
) -> policy.Visible[Person]:
    """The people `viewer` may see for `purpose`, narrowed by name, date of birth and home.

    A one-word `text` matches the start of the given or the family name; two or more words
    match the given name and then the family name, case-insensitively. Ordered by family name,
    given name and id. Only the columns some row may show are loaded.
    """
    visible: policy.Visible[Person] = policy.visible(viewer, PERSON, action=action, purpose=purpose)
    # A merged-away id is a redirect, not a resident: it is never listed.
    people = visible.queryset.filter(merged_into__isnull=True)
    if text.strip():
        people = people.filter(_name_filter(visible, text))
    if born_on is not None:
        people = people.filter(Q(date_of_birth=born_on) & _permits(visible, "date_of_birth"))
    if uprn:
        # Living there is their address: only those whose address the reader may see.
        people = people.filter(_living_at(uprn) & _permits(visible, "address"))
    shown = [name for name in COLUMNS if name in permitted_fields(visible)]
    people = people.only("id", "version", *shown).order_by(*ORDERING)
    return replace(visible, queryset=people)


def _living_at(uprn: str) -> Q:
    """People whose address is the property, or who are in a household there today."""
    today = timezone.localdate()
    members = HouseholdMember.objects.filter(
        Q(moved_in_on__isnull=True) | Q(moved_in_on__lte=today),
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=today),
        household__uprn=uprn,
    ).values("person_id")
    return Q(uprn=uprn) | Q(pk__in=members)


def people_at(
    viewer: Reader, uprn: str, *, purpose: Purpose, limit: int = 100
) -> list[dict[str, Any]]:
    """The people living at a property whom `viewer` may see, as rows of the fields they may
    see, logged as listed. Nobody the reader may not see is counted or hinted at."""
    visible = search_people(viewer, uprn=uprn, purpose=purpose)
    people = list(visible.queryset[:limit])
    policy.log_listed(viewer, PERSON, people, purpose=purpose)
    return person_rows(visible, people)


def _current_homes() -> "Prefetch[Any, Any, Any]":
    today = timezone.localdate()
    current = HouseholdMember.objects.filter(
        Q(moved_in_on__isnull=True) | Q(moved_in_on__lte=today),
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=today),
    )
    return Prefetch(
        "householdmember_set",
        queryset=current.select_related("household").order_by(
            F("moved_in_on").desc(nulls_last=True), "-created_at"
        ),
        to_attr="current_homes",
    )


def _involvements() -> "Prefetch[Any, Any, Any]":
    return Prefetch(
        "involvements",
        queryset=Involvement.objects.select_related("team", "worker").order_by(
            "-started_on", "-created_at"
        ),
        to_attr="involvement_list",
    )


def load_related(
    people: Sequence[Person], fields: Mapping[UUID, Collection[str]]
) -> dict[str, str]:
    """Fetch homes and involvements for the people whose `fields` include them.

    A fixed number of queries for any number of people, and nothing for people who may not
    show an address or involvements. Returns the single-line address of each home's UPRN.
    """
    with_address = [person for person in people if "address" in fields[person.pk]]
    with_involvements = [person for person in people if "involvements" in fields[person.pk]]
    prefetch_related_objects(with_address, _current_homes())
    prefetch_related_objects(with_involvements, _involvements())
    uprns = [uprn for person in with_address if (uprn := _home_uprn(person))]
    return addresses_of(uprns) if uprns else {}


def _home_uprn(person: Person) -> str | None:
    homes: list[HouseholdMember] = getattr(person, "current_homes", [])
    return homes[0].household.uprn if homes else None


def _related_loaded(person: Person, fields: Collection[str]) -> bool:
    return ("address" not in fields or hasattr(person, "current_homes")) and (
        "involvements" not in fields or hasattr(person, "involvement_list")
    )


def involvement_values(involvement: Involvement) -> dict[str, Any]:
    return {
        "team": involvement.team.name,
        "worker": involvement.worker.full_name if involvement.worker else None,
        "reason": involvement.reason,
        "started_on": involvement.started_on,
        "ended_on": involvement.ended_on,
    }


def person_fields(
    person: Person, fields: Collection[str], *, addresses: Mapping[str, str]
) -> dict[str, Any]:
    """Exactly the permitted `fields` of `person`, in the kind's order; nothing else is read.

    `address` is the single-line address of the person's current home (None when unknown),
    `involvements` a list of {team, worker, reason, started_on, ended_on}. Call `load_related`
    for the whole page first (or use `person_rows`): otherwise each person costs queries.
    """
    if not _related_loaded(person, fields):
        addresses = {**addresses, **load_related([person], {person.pk: fields})}
    values: dict[str, Any] = {}
    for name in PERSON_FIELDS:
        if name not in fields:
            continue
        if name == "address":
            uprn = _home_uprn(person)
            values[name] = addresses.get(uprn) if uprn else None
        elif name == "involvements":
            listed: list[Involvement] = person.involvement_list  # type: ignore[attr-defined]
            values[name] = [involvement_values(item) for item in listed]
        else:
            values[name] = getattr(person, name)
    return values


def person_rows(visible: policy.Visible[Person], people: Sequence[Person]) -> list[dict[str, Any]]:
    """Each of `people` (rows of `visible`) as its id and the fields its row may show."""
    fields = {person.pk: visible.fields(person) for person in people}
    addresses = load_related(people, fields)
    return [
        {"id": person.pk, **person_fields(person, fields[person.pk], addresses=addresses)}
        for person in people
    ]


def person_record(person: Person, fields: Collection[str]) -> dict[str, Any]:
    """One person, as `policy.read` gave them, with the fields its decision permits."""
    addresses = load_related([person], {person.pk: fields})
    return {"id": person.pk, **person_fields(person, fields, addresses=addresses)}


@dataclass(frozen=True)
class PeopleExport:
    """An export ready to stream: its columns, how many rows, and the rows as they are read."""

    columns: list[str]
    count: int
    rows: Iterator[dict[str, Any]]


def export_people(
    viewer: Reader, *, text: str = "", born_on: date | None = None, purpose: Purpose
) -> PeopleExport:
    """The people a search finds, for download: refused without an export permission.

    The columns are the fields at least one row may show; a field shown for no row is not a
    column at all. Every row is in the access log as exported before the first is sent, and
    rows are read in batches so that an export of the whole index never sits in memory.
    """
    viewer = viewer if isinstance(viewer, policy.Viewer) else policy.viewer_for(viewer)
    visible = search_people(
        viewer, text=text, born_on=born_on, purpose=purpose, action=policy.Action.EXPORT
    )
    if not visible.grants.for_action(policy.Action.EXPORT):
        raise PermissionDeniedError(
            "None of your roles lets you export person records for this purpose."
        )
    # Ids and the per-row grant flags only: enough to log the export and choose the columns.
    found = list(visible.queryset.only("id"))
    shown = frozenset().union(*(visible.fields(person) for person in found))
    columns = ["id", *(name for name in PERSON_FIELDS if name in shown)]
    policy.log_listed(
        viewer, PERSON, found, purpose=purpose, exported=True, detail={"rows": len(found)}
    )
    return PeopleExport(columns, len(found), _exported_rows(visible, [p.pk for p in found]))


def _exported_rows(visible: policy.Visible[Person], ids: list[UUID]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(ids), EXPORT_BATCH):
        # Read again through the policy's filter: a record restricted since the export began
        # drops out rather than being sent.
        batch = list(visible.queryset.filter(pk__in=ids[start : start + EXPORT_BATCH]))
        yield from person_rows(visible, batch)
