"""The demo's residents enter the person index the way a council's first load does.

Every system's export is loaded in one batch (`load_records`: the batch engine links the
records, opens reviews for doubtful pairs and builds golden records on its own). The households the
generator planned then get their relationships and moving-in days (for the demo only, written
straight to the rows `resolve` made, as access_control.py does for involvements).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from uuid import UUID

from burgh.demo.generator import DemoCouncil
from burgh.people.models import Household, HouseholdMember, MatchReview, Person, SourceRecord
from burgh.people.services.loading import load_records
from burgh.people.services.sources import IncomingRecord, register_source_system

BATCH_SIZE = 2000


@dataclass(frozen=True)
class IndexReport:
    source_records: int
    # Records that joined a person another record had started.
    linked: int
    people: int
    reviews: int
    # The person id of each of `council.people`, in order.
    person_ids: list[UUID]


def _received(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def load_source_records(council: DemoCouncil) -> IndexReport:
    """Load every system's records in one batch; then fill in the planned households."""
    for system in council.source_systems:
        register_source_system(system.slug, system.name, trust=system.trust)
    load_records(
        IncomingRecord(
            system=record.system,
            source_id=record.source_id,
            attributes=record.attribute_map(),
            received_at=_received(record.received_on),
        )
        for record in council.source_records
    )
    ids = _person_ids(council)
    _fill_households(council, ids)
    people = Person.objects.filter(merged_into__isnull=True).count()
    return IndexReport(
        source_records=len(council.source_records),
        linked=len(council.source_records) - people,
        people=people,
        reviews=MatchReview.objects.filter(status=MatchReview.Status.PENDING).count(),
        person_ids=ids,
    )


def _person_ids(council: DemoCouncil) -> list[UUID]:
    """Each resident's person: that of their record in the most trusted system.

    A resident whose records the index has not (yet) joined has more than one person; the
    most trusted system's is the one the council's services know them by.
    """
    trust = {system.slug: system.trust for system in council.source_systems}
    placed = {
        (system, source_id): person_id
        for system, source_id, person_id in SourceRecord.objects.values_list(
            "system__slug", "source_id", "person_id"
        )
    }
    best: dict[int, tuple[int, UUID]] = {}
    for record in council.source_records:
        rank = trust[record.system]
        if record.person not in best or rank > best[record.person][0]:
            best[record.person] = (rank, placed[(record.system, record.source_id)])
    missing = [index for index in range(len(council.people)) if index not in best]
    if missing:
        raise ValueError(
            f"{len(missing)} demo residents have no source record (first {missing[0]})."
        )
    return [best[index][1] for index in range(len(council.people))]


def _fill_households(council: DemoCouncil, person_ids: list[UUID]) -> None:
    """Each planned household at its home, with who is who in it and when they moved in."""
    members = {
        (member.household.uprn, member.person_id): member
        for member in HouseholdMember.objects.select_related("household")
    }
    homes = {household.uprn: household for household in Household.objects.all()}
    changed: list[HouseholdMember] = []
    added: list[HouseholdMember] = []
    index = 0
    for planned in council.households:
        home = homes.get(planned.uprn)
        if home is None:
            home = homes[planned.uprn] = Household.objects.create(uprn=planned.uprn)
        for member in planned.members:
            person_id = person_ids[index]
            index += 1
            row = members.get((planned.uprn, person_id))
            if row is None:
                row = HouseholdMember(household=home, person_id=person_id)
                members[(planned.uprn, person_id)] = row
                added.append(row)
            else:
                changed.append(row)
            row.relationship = member.relationship
            row.moved_in_on = planned.moved_in_on
            row.moved_out_on = None
    HouseholdMember.objects.bulk_create(added, batch_size=BATCH_SIZE)
    HouseholdMember.objects.bulk_update(
        changed, ["relationship", "moved_in_on", "moved_out_on"], batch_size=BATCH_SIZE
    )
