"""Residents and households: the bulk import that puts people in households at known UPRNs."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import transaction

from burgh.core import audit
from burgh.core.errors import InvalidInputError
from burgh.people.models import Household, HouseholdMember, Person
from burgh.places.services import known_uprns

BATCH_SIZE = 2000


@dataclass(frozen=True)
class NewResident:
    given_name: str
    family_name: str
    date_of_birth: date | None = None
    email: str = ""
    phone: str = ""
    # How they relate to the household: householder, partner, child, parent, sharer...
    relationship: str = ""


@dataclass(frozen=True)
class NewHousehold:
    uprn: str
    members: Sequence[NewResident] = field(default_factory=tuple)
    moved_in_on: date | None = None


@dataclass(frozen=True)
class HouseholdImportReport:
    households: int
    people: int
    members: int


def import_households(households: Sequence[NewHousehold]) -> HouseholdImportReport:
    """Add each household, with its people, at its UPRN, which must be in use in the gazetteer.

    Nothing is imported if any UPRN is unknown or retired. Records one summary audit entry.
    """
    unknown = sorted({h.uprn for h in households} - known_uprns(h.uprn for h in households))
    if unknown:
        raise InvalidInputError(
            f"{len(unknown)} households are at UPRNs the gazetteer does not hold in use, "
            f"so none were imported: {', '.join(unknown[:10])}.",
            errors=[{"pointer": "#/uprn", "detail": f"Unknown UPRN {uprn}."} for uprn in unknown],
        )
    empty = [h.uprn for h in households if not h.members]
    if empty:
        raise InvalidInputError(f"A household needs at least one person (UPRN {empty[0]}).")
    with transaction.atomic():
        people_count = member_count = 0
        # Batches keep memory flat for a whole council's worth of residents.
        for start in range(0, len(households), BATCH_SIZE):
            batch = households[start : start + BATCH_SIZE]
            rows = [Household(uprn=h.uprn) for h in batch]
            people: list[Person] = []
            members: list[HouseholdMember] = []
            for household, row in zip(batch, rows, strict=True):
                for resident in household.members:
                    person = Person(
                        given_name=resident.given_name.strip(),
                        family_name=resident.family_name.strip(),
                        date_of_birth=resident.date_of_birth,
                        email=resident.email.strip().lower(),
                        phone=resident.phone.strip(),
                    )
                    people.append(person)
                    members.append(
                        HouseholdMember(
                            household=row,
                            person=person,
                            relationship=resident.relationship,
                            moved_in_on=household.moved_in_on,
                        )
                    )
            Household.objects.bulk_create(rows)
            Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
            HouseholdMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
            people_count += len(people)
            member_count += len(members)
        report = HouseholdImportReport(len(households), people_count, member_count)
        audit.record("people.households_imported", detail=asdict(report))
    return report


def households_at(uprn: str) -> list[Household]:
    """The households recorded at a UPRN, with their members."""
    return list(Household.objects.filter(uprn=uprn).prefetch_related("members"))
