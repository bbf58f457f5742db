"""The contact-centre search: golden records ranked by how well they fit what the caller said.

Candidates come from the blocking index (a few index look-ups whatever the size of the index),
then the access policy filters that small set, then the model scores each survivor against a
query record made of what was typed. A field the reader may not see for a person is left out
of that person's score, so a search never matches on it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from burgh.core.errors import InvalidInputError
from burgh.identity import policy
from burgh.identity.models import Purpose
from burgh.people.access import PERSON
from burgh.people.linkage import InvalidRecord, Model, blocking_keys, prepare
from burgh.people.linkage.model import probability_of, weight_of
from burgh.people.models import Person, SourceRecord
from burgh.people.services.matching import candidate_people, current_model
from burgh.people.services.records import Reader
from burgh.people.services.sources import MAX_LENGTHS, search_keys

MAX_LIMIT = 100
# How many people the index may offer a search before the policy and the model judge them.
MAX_SEARCH_CANDIDATES = 100
# Which query attribute each of the policy's fields lets a search use.
QUERY_FIELDS = {
    "given_name": ("given_name",),
    "family_name": ("family_name",),
    "date_of_birth": ("date_of_birth",),
    "address": ("address", "postcode"),
}


@dataclass(frozen=True)
class RankedPerson:
    """A person a search found: the match weight of the best of their records against the query
    (higher is a better fit), its probability, and the fields the reader may see of them."""

    person: Person
    score: float
    probability: float
    fields: frozenset[str]


def _query(name: str, date_of_birth: date | None, postcode: str, address: str) -> dict[str, str]:
    errors = []
    words = name.split()
    attrs: dict[str, str] = {}
    if len(words) == 1:
        attrs["family_name"] = words[0]
    elif words:
        attrs["given_name"] = " ".join(words[:-1])
        attrs["family_name"] = words[-1]
    if date_of_birth is not None:
        attrs["date_of_birth"] = date_of_birth.isoformat()
    if postcode.strip():
        attrs["postcode"] = postcode.strip()
    if address.strip():
        attrs["address"] = " ".join(address.split())
    for field, limit in (("given_name", 120), ("family_name", 120), ("address", 300)):
        if len(attrs.get(field, "")) > limit:
            pointer = "name" if field.endswith("_name") else field
            errors.append({"pointer": f"#/{pointer}", "detail": "This is too long to search for."})
    if len(attrs.get("postcode", "")) > MAX_LENGTHS["postcode"]:
        errors.append({"pointer": "#/postcode", "detail": "Enter a postcode such as KA27 8AB."})
    if errors:
        raise InvalidInputError("The search is not right.", errors=errors)
    return attrs


def _features(attrs: Mapping[str, str]) -> dict[str, Any]:
    try:
        return dict(prepare(attrs))
    except InvalidRecord as bad:
        raise InvalidInputError(
            f"The search's {bad.field.replace('_', ' ')} is not right: {bad.reason}.",
            errors=[{"pointer": f"#/{bad.field}", "detail": bad.reason}],
        ) from None


def _masked(attrs: Mapping[str, str], fields: frozenset[str]) -> dict[str, str]:
    allowed = {name for field in fields for name in QUERY_FIELDS.get(field, ())}
    return {name: value for name, value in attrs.items() if name in allowed}


def rank_people(
    reader: Reader,
    *,
    name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    address: str = "",
    limit: int = 20,
    purpose: Purpose = Purpose.SERVICE_DELIVERY,
) -> list[RankedPerson]:
    """The people best fitting a name (typos welcome), date of birth, postcode and part of an
    address, that `reader` may see for `purpose`, best first; at most `limit` of them.

    Someone is listed only when the fields the reader may see of them fit the query better
    than chance. The caller logs the list it shows (policy.log_listed).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(
            "Ask for between 1 and 100 people.",
            errors=[{"pointer": "#/limit", "detail": f"Enter 1 to {MAX_LIMIT}."}],
        )
    attrs = _query(name, date_of_birth, postcode, address)
    if not attrs:
        return []
    query = _features(attrs)
    keys = [*blocking_keys(query), *search_keys(query)]
    candidates = candidate_people(keys, limit=MAX_SEARCH_CANDIDATES)
    if not candidates:
        return []
    visible: policy.Visible[Person] = policy.visible(reader, PERSON, purpose=purpose)
    people = list(visible.queryset.filter(pk__in=candidates, merged_into__isnull=True))
    if not people:
        return []
    model = current_model()
    records: dict[UUID, list[dict[str, Any]]] = {}
    rows = SourceRecord.objects.filter(person_id__in=[person.pk for person in people])
    for person_id, features in rows.values_list("person_id", "features"):
        records.setdefault(person_id, []).append(features)
    chance = weight_of(model.probability_two_random_records_match)
    prepared: dict[frozenset[str], dict[str, Any]] = {}
    ranked = []
    for person in people:
        fields = visible.fields(person)
        if fields not in prepared:
            masked = _masked(attrs, fields)
            prepared[fields] = _features(masked) if masked else {}
        masked_query = prepared[fields]
        if not masked_query:
            continue
        weight = _best_weight(model, masked_query, records.get(person.pk, ()))
        if weight is None or weight <= chance:
            continue
        ranked.append(RankedPerson(person, weight, probability_of(weight), fields))
    ranked.sort(key=lambda row: (-row.score, row.person.family_name, str(row.person.pk)))
    return ranked[:limit]


def _best_weight(model: Model, query: dict[str, Any], records: Any) -> float | None:
    weights = [model.weight(query, features) for features in records]
    return max(weights) if weights else None
