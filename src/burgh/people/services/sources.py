"""Source systems and their records as received: checking, hashing, preparing, indexing."""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import jellyfish
from django.db import transaction

from burgh.core.changes import record_change
from burgh.core.errors import InvalidInputError
from burgh.identity.models import User
from burgh.people.linkage import FIELDS, InvalidRecord, blocking_keys, prepare
from burgh.people.models import BlockingKey, SourceRecord, SourceSystem

# Beyond the engine's comparison fields a record may carry its UPRN and a national identifier.
EXTRA_FIELDS = ("uprn", "identifier")
ATTRIBUTE_FIELDS: tuple[str, ...] = (*FIELDS, *EXTRA_FIELDS)
MAX_LENGTHS = {
    "given_name": 120,
    "family_name": 120,
    "date_of_birth": 10,
    "sex": 20,
    "address": 300,
    "postcode": 10,
    "email": 254,
    "phone": 30,
    "uprn": 12,
    "identifier": 40,
}
MAX_SOURCE_ID = 100
UPRN = re.compile(r"[0-9]{1,12}")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_TRUST = 1000

# Who does something: a member of staff, or None for the system itself (a command, a feed).
Actor = User | None


@dataclass(frozen=True)
class IncomingRecord:
    """A record as a council system sent it: which system, its id there, and its attributes.

    Attribute keys are the engine's FIELDS (given_name, family_name, date_of_birth, sex,
    address, postcode, email, phone) and optionally uprn and identifier; blank means unknown.
    """

    system: str
    source_id: str
    attributes: Mapping[str, str | None]
    received_at: datetime | None = None


@dataclass(frozen=True)
class CheckedRecord:
    """An incoming record that passed every check, prepared for matching."""

    system: str
    source_id: str
    # As received (None sent as ""): what the record keeps.
    received: dict[str, str]
    # Trimmed, blanks dropped: what matching, hashing and survivorship read.
    attributes: dict[str, str]
    features: dict[str, Any]
    # The engine's blocking keys: how resolve finds candidates.
    keys: list[str]
    content_hash: str

    @property
    def index_keys(self) -> list[str]:
        """Every key the record is filed under: the engine's, and the search's own."""
        return [*self.keys, *search_keys(self.features)]


def register_source_system(
    slug: str, name: str, *, trust: int = 50, actor: Actor = None
) -> SourceSystem:
    """Add a source system, or change the name and trust of a known one (the same twice: no-op).

    Trust decides survivorship for names, date of birth and sex: the higher wins.
    """
    errors = []
    if not SLUG.fullmatch(slug):
        errors.append(
            {
                "pointer": "#/slug",
                "detail": "Use 1 to 40 lower-case letters, digits, - or _, such as council-tax.",
            }
        )
    if not name.strip():
        errors.append({"pointer": "#/name", "detail": "Enter the system's name."})
    if not 0 <= trust <= MAX_TRUST:
        errors.append({"pointer": "#/trust", "detail": f"Enter a trust from 0 to {MAX_TRUST}."})
    if errors:
        raise InvalidInputError("The source system is not right.", errors=errors)
    with transaction.atomic():
        system = SourceSystem.objects.select_for_update().filter(slug=slug).first()
        if system is None:
            system = SourceSystem.objects.create(slug=slug, name=name.strip(), trust=trust)
            record_change(system, "created", {"slug": slug, "trust": trust}, actor=actor)
        elif (system.name, system.trust) != (name.strip(), trust):
            before = {"name": system.name, "trust": system.trust}
            system.name, system.trust = name.strip(), trust
            system.version += 1
            system.save(update_fields=["name", "trust", "version", "updated_at"])
            record_change(
                system,
                "updated",
                {"from": before, "to": {"name": name, "trust": trust}},
                actor=actor,
            )
    return system


def check_record(record: IncomingRecord) -> CheckedRecord:
    """The record's attributes checked and prepared; bad input names the field that is wrong."""
    errors: list[dict[str, str]] = []
    source_id = record.source_id.strip() if isinstance(record.source_id, str) else ""
    if not source_id:
        errors.append({"pointer": "#/source_id", "detail": "Enter the record's id in its system."})
    elif len(source_id) > MAX_SOURCE_ID:
        errors.append(
            {
                "pointer": "#/source_id",
                "detail": f"The id must be {MAX_SOURCE_ID} characters or fewer.",
            }
        )
    if not isinstance(record.system, str) or not record.system.strip():
        errors.append({"pointer": "#/system", "detail": "Name the source system."})
    attributes = clean_attributes(record.attributes, errors)
    if not errors and not (attributes.get("given_name") or attributes.get("family_name")):
        errors.append(
            {
                "pointer": "#/attributes/family_name",
                "detail": "A record needs at least a given name or a family name.",
            }
        )
    if errors:
        raise InvalidInputError(_summary(errors), errors=errors)
    try:
        features = dict(prepare(attributes))
    except InvalidRecord as bad:
        pointer = f"#/attributes/{bad.field}"
        raise InvalidInputError(
            f"The record's {bad.field.replace('_', ' ')} is not right: {bad.reason}.",
            errors=[{"pointer": pointer, "detail": bad.reason}],
        ) from None
    return CheckedRecord(
        system=record.system.strip(),
        source_id=source_id,
        received={name: value or "" for name, value in record.attributes.items()},
        attributes=attributes,
        features=features,
        keys=sorted(set(blocking_keys(features))),
        content_hash=content_hash(attributes),
    )


def _summary(errors: list[dict[str, str]]) -> str:
    first = errors[0]
    where = first["pointer"].removeprefix("#/").replace("/", " ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"The record is not right: {where}: {first['detail']}{more}"


def clean_attributes(attributes: Any, errors: list[dict[str, str]]) -> dict[str, str]:
    """Known fields only, text only, trimmed, within length; blanks dropped (blank = unknown)."""
    cleaned: dict[str, str] = {}
    if not isinstance(attributes, Mapping):
        errors.append({"pointer": "#/attributes", "detail": "Send the attributes as an object."})
        return cleaned
    for name, value in attributes.items():
        pointer = f"#/attributes/{name}"
        if name not in ATTRIBUTE_FIELDS:
            errors.append(
                {
                    "pointer": pointer,
                    "detail": f"Unknown field; use {', '.join(ATTRIBUTE_FIELDS)}.",
                }
            )
            continue
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append({"pointer": pointer, "detail": "Send the value as text."})
            continue
        text = " ".join(value.split())
        if not text:
            continue
        if len(text) > MAX_LENGTHS[name]:
            errors.append(
                {
                    "pointer": pointer,
                    "detail": f"The value must be {MAX_LENGTHS[name]} characters or fewer.",
                }
            )
            continue
        if name == "uprn" and not UPRN.fullmatch(text):
            errors.append({"pointer": pointer, "detail": "A UPRN is 1 to 12 digits."})
            continue
        cleaned[name] = text
    return cleaned


def content_hash(attributes: Mapping[str, str]) -> str:
    """The same attributes, in any order and spacing, hash alike: a resend changes nothing."""
    canonical = json.dumps(dict(sorted(attributes.items())), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cleaned(attributes: Mapping[str, str]) -> dict[str, str]:
    """A stored record's attributes as matching and survivorship read them."""
    return {name: text for name, value in attributes.items() if (text := " ".join(value.split()))}


def parse_date_of_birth(value: str) -> date | None:
    """A full `yyyy-mm-dd` date; a year alone (or anything else) is not a date of birth column."""
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _sounds(name: str) -> str:
    return str(jellyfish.metaphone(name)).replace(" ", "")[:20] if name else ""


def search_keys(features: Mapping[str, Any]) -> list[str]:
    """Extra keys for the contact-centre search, which may know only part of a record: a name
    misspelt, a name alone, a date of birth, a postcode or part of an address.

    Names are filed by how they sound and by how they start, so a slip in a name ("Smyth",
    "Cambell") still shares a key with the right one; the keys' prefixes differ from the
    engine's, so resolve never reads them.
    """
    given, family = features.get("given_key") or "", features.get("family") or ""
    given_sound, family_sound = _sounds(features.get("given") or ""), _sounds(family)
    dob, postcode = features.get("dob") or "", features.get("postcode") or ""
    street, building = features.get("street") or "", features.get("building") or ""
    keys = []
    if family_sound:
        keys.append(f"sf:{family_sound}")
        if given:
            keys.append(f"sn:{family_sound}|{given}")
        if given_sound:
            keys.append(f"sm:{family_sound}|{given_sound}")
    if family and given:
        keys.append(f"sp:{family[:3]}|{given}")
    if len(dob) == 10:
        keys.append(f"sd:{dob}")
    if postcode:
        keys.append(f"sc:{postcode}")
    if street:
        keys.append(f"ss:{street}|{features.get('postcode_district') or ''}")
        if building:
            keys.append(f"sb:{building}|{street}")
    return [key[:80] for key in keys]


def write_blocking_keys(record: SourceRecord, keys: Iterable[str], *, new: bool = False) -> None:
    """Replace the record's keys in the online index (a `new` record has none to replace)."""
    if not new:
        BlockingKey.objects.filter(record=record).delete()
    BlockingKey.objects.bulk_create(
        [BlockingKey(key=key, record_id=record.pk, person_id=record.person_id) for key in keys]
    )


def move_blocking_keys(record_ids: Iterable[UUID], person_id: UUID) -> None:
    """Keep the index's copy of the person in step with records that moved."""
    BlockingKey.objects.filter(record_id__in=list(record_ids)).update(person_id=person_id)


def system_for(slug: str) -> SourceSystem:
    """The source system with this slug (InvalidInputError naming #/system if there is none)."""
    system = SourceSystem.objects.filter(slug=slug).first()
    if system is None:
        raise InvalidInputError(
            f"There is no source system {slug!r}: register it before sending its records.",
            errors=[{"pointer": "#/system", "detail": f"Unknown source system {slug!r}."}],
        )
    return system


def records_of(person_ids: Iterable[UUID]) -> list[SourceRecord]:
    """Every record of these people, with its system, oldest first."""
    return list(
        SourceRecord.objects.filter(person_id__in=list(person_ids))
        .select_related("system")
        .order_by("created_at", "id")
    )
