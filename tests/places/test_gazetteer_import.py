"""Importing the gazetteer: idempotent, with changes and retirements reported and dated."""

import pytest
from django.utils import timezone

from burgh.core.errors import InvalidInputError
from burgh.core.models import AuditEntry
from burgh.places.models import Property, Street
from burgh.places.services import GazetteerImportReport, import_gazetteer, known_uprns

pytestmark = pytest.mark.django_db


def _row(uprn: str, **changes: str) -> dict[str, str]:
    row = {
        "uprn": uprn,
        "organisation": "",
        "sub_building": "Flat 2/1",
        "building_name": "",
        "building_number": "14",
        "street": "Burnside Crescent",
        "locality": "Burnbank",
        "town": "Kinloch",
        "postcode": "KL2 4AB",
        "usrn": "34600010",
        "easting": "265100",
        "northing": "737900",
    }
    return {**row, **changes}


ROWS = [_row("134000000001"), _row("134000000002", sub_building="Flat 2/2"), _row("134000000003")]


def test_a_first_import_adds_every_property() -> None:
    report = import_gazetteer(ROWS)
    assert report == GazetteerImportReport(added=3, changed=0, retired=0, unchanged=0)
    flat = Property.objects.get(uprn="134000000002")
    assert flat.single_line() == "Flat 2/2, 14 Burnside Crescent, Burnbank, Kinloch, KL2 4AB"
    assert (flat.easting, flat.northing) == (265100, 737900)
    assert Street.objects.get().usrn == "34600010"


def test_the_same_rows_twice_change_nothing() -> None:
    import_gazetteer(ROWS)
    before = list(Property.objects.values_list("uprn", "version", "updated_at"))
    report = import_gazetteer(ROWS)
    assert report == GazetteerImportReport(added=0, changed=0, retired=0, unchanged=3)
    assert list(Property.objects.values_list("uprn", "version", "updated_at")) == before


def test_a_changed_row_is_updated_and_its_version_bumped() -> None:
    import_gazetteer(ROWS)
    same = {**ROWS[1], "postcode": " kl24ab "}
    report = import_gazetteer([ROWS[0], same, ROWS[2]])
    assert report.changed == 0  # the same postcode, written differently
    report = import_gazetteer([ROWS[0], _row("134000000002", sub_building="Flat 3/2"), ROWS[2]])
    assert report == GazetteerImportReport(added=0, changed=1, retired=0, unchanged=2)
    flat = Property.objects.get(uprn="134000000002")
    assert (flat.sub_building, flat.version) == ("Flat 3/2", 2)


def test_a_renamed_street_changes_every_address_on_it() -> None:
    import_gazetteer(ROWS)
    renamed = [{**row, "street": "Burnside Gardens"} for row in ROWS]
    report = import_gazetteer(renamed)
    assert report.changed == 3
    street = Street.objects.get(usrn="34600010")
    assert (street.name, street.version) == ("Burnside Gardens", 2)


def test_a_full_refresh_retires_missing_uprns_without_deleting_them() -> None:
    import_gazetteer(ROWS)
    report = import_gazetteer(ROWS[:2], full_refresh=True)
    assert report == GazetteerImportReport(added=0, changed=0, retired=1, unchanged=2)
    gone = Property.objects.get(uprn="134000000003")
    assert gone.retired_on == timezone.localdate()
    assert gone.version == 2
    assert known_uprns(["134000000001", "134000000003"]) == {"134000000001"}
    # Retiring again is not a change; bringing it back is.
    assert import_gazetteer(ROWS[:2], full_refresh=True).retired == 0
    assert import_gazetteer(ROWS).changed == 1
    assert Property.objects.get(uprn="134000000003").retired_on is None


def test_without_full_refresh_missing_uprns_stay_in_use() -> None:
    import_gazetteer(ROWS)
    assert import_gazetteer(ROWS[:1]).retired == 0
    assert known_uprns(row["uprn"] for row in ROWS) == {row["uprn"] for row in ROWS}


def test_rows_without_coordinates_or_usrn_are_accepted() -> None:
    import_gazetteer(ROWS)
    bare = [{k: v for k, v in _row("134000000001").items() if k not in ("easting", "northing")}]
    assert import_gazetteer(bare).unchanged == 1
    assert Property.objects.get(uprn="134000000001").easting == 265100
    no_usrn = {**_row("134000000009", street="Mill Lane"), "usrn": ""}
    import_gazetteer([no_usrn])
    street = Street.objects.get(name="Mill Lane")
    assert len(street.usrn) == 8
    assert import_gazetteer([no_usrn]).unchanged == 1
    assert Street.objects.filter(name="Mill Lane").count() == 1


def test_bad_rows_stop_the_whole_import() -> None:
    rows = [*ROWS, _row("not-a-uprn"), _row("134000000001")]
    with pytest.raises(InvalidInputError) as refused:
        import_gazetteer(rows)
    assert "2 gazetteer rows cannot be loaded" in refused.value.detail
    assert "appears more than once" in refused.value.detail
    assert Property.objects.count() == 0


def test_each_import_is_audited_with_its_report() -> None:
    import_gazetteer(ROWS)
    import_gazetteer(ROWS[:1], full_refresh=True)
    entries = AuditEntry.objects.filter(action="places.gazetteer_imported").order_by("seq")
    assert [(e.detail["added"], e.detail["retired"]) for e in entries] == [(3, 0), (0, 2)]
