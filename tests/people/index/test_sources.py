"""Source systems and loading many records at once."""

import pytest

from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry
from burgh.people.models import Person, SourceRecord, SourceSystem
from burgh.people.services import IncomingRecord, load_records, register_source_system
from tests.people.index.conftest import MORAG


def test_registering_a_system_twice_changes_nothing_and_a_new_trust_is_kept(db):
    register_source_system("housing", "Housing", trust=50)
    entries = AuditEntry.objects.count()

    register_source_system("housing", "Housing", trust=50)
    assert AuditEntry.objects.count() == entries

    register_source_system("housing", "Housing", trust=70)
    assert SourceSystem.objects.get(slug="housing").trust == 70


def test_a_bad_system_is_refused_with_its_field(db):
    with pytest.raises(InvalidInputError) as bad:
        register_source_system("Council Tax", "", trust=5000)
    assert {error["pointer"] for error in bad.value.errors} == {"#/slug", "#/name", "#/trust"}


def test_a_load_reports_bad_records_by_position_and_keeps_the_good_ones(systems):
    records = [
        IncomingRecord("health", "H1", MORAG),
        IncomingRecord("health", "H2", {**MORAG, "date_of_birth": "1984-02-30"}),
        IncomingRecord("library", "L1", MORAG),
        IncomingRecord("council-tax", "CT1", MORAG),
        IncomingRecord("health", "H3", {"given_name": "Iain", "family_name": "Ross"}),
    ]

    report = load_records(records)

    assert report.added == 3
    assert [(bad.row, bad.errors[0]["pointer"]) for bad in report.rejected] == [
        (2, "#/attributes/date_of_birth"),
        (3, "#/system"),
    ]
    assert SourceRecord.objects.count() == 3
    assert Person.objects.count() == 2

    again = load_records(records)

    assert (again.added, again.unchanged, again.changed) == (0, 3, 0)
    assert SourceRecord.objects.count() == 3


def test_a_load_passes_changed_records_through_with_their_history(systems):
    load_records([IncomingRecord("health", "H1", MORAG)])

    report = load_records([IncomingRecord("health", "H1", {**MORAG, "phone": "01234 567890"})])

    assert report.changed == 1
    record = SourceRecord.objects.get()
    assert record.record_version == 2
    assert record.versions.count() == 2
