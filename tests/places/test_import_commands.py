"""`burgh places import` and `burgh places attributes` as the custodian runs them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from burgh.places.gazetteer_files import write_gazetteer_csv
from burgh.places.models import GazetteerImport, PlaceAttribute, Property

pytestmark = pytest.mark.django_db


def _row(uprn: str, number: str) -> dict[str, str]:
    return {
        "uprn": uprn,
        "organisation": "",
        "sub_building": "",
        "building_name": "",
        "building_number": number,
        "street": "Shore Road",
        "locality": "",
        "town": "Portmhairi",
        "postcode": "KL11 2AB",
        "usrn": "34600999",
        "easting": "232900",
        "northing": "744700",
    }


def _run(*args: str) -> str:
    out = StringIO()
    call_command("places", *args, stdout=out)
    return out.getvalue()


def test_import_then_the_same_file_again_then_a_full_refresh(tmp_path) -> None:
    gazetteer = tmp_path / "llpg.csv"
    gazetteer.write_text(
        write_gazetteer_csv([_row("134000000001", "1"), _row("134000000002", "2")])
    )
    assert (
        _run("import", str(gazetteer)) == "llpg.csv: 2 added, 0 changed, 0 retired, 0 unchanged\n"
    )
    assert (
        _run("import", str(gazetteer)) == "llpg.csv: 0 added, 0 changed, 0 retired, 2 unchanged\n"
    )
    smaller = tmp_path / "full.csv"
    smaller.write_text(write_gazetteer_csv([_row("134000000001", "1")]))
    assert _run("import", str(smaller), "--full-refresh").startswith(
        "full.csv: 0 added, 0 changed, 1 retired"
    )
    assert list(GazetteerImport.objects.values_list("source", flat=True)) == [
        "full.csv",
        "llpg.csv",
        "llpg.csv",
    ]


def test_a_bad_file_names_each_problem_and_saves_nothing(tmp_path) -> None:
    gazetteer = tmp_path / "llpg.csv"
    rows = [_row("134000000001", "1"), _row("x1", "2"), {**_row("134000000003", "3"), "town": ""}]
    gazetteer.write_text(write_gazetteer_csv(rows))
    with pytest.raises(CommandError) as refused:
        _run("import", str(gazetteer))
    message = str(refused.value)
    assert "2 gazetteer rows cannot be loaded, so none were" in message
    assert "llpg.csv, line 3, uprn: 'x1' is not a number of up to 12 digits" in message
    assert "llpg.csv, line 4, town: a town is needed" in message
    assert Property.objects.count() == 0
    with pytest.raises(CommandError, match="is not a file"):
        _run("import", str(tmp_path / "missing.csv"))


def test_attributes_load_from_a_csv(tmp_path) -> None:
    gazetteer = tmp_path / "llpg.csv"
    gazetteer.write_text(write_gazetteer_csv([_row("134000000001", "1")]))
    _run("import", str(gazetteer))
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("uprn,name,value\n134000000001,collection_day,Friday\n")
    assert _run("attributes", "--service", "waste", str(rounds)) == (
        "rounds.csv: 1 added, 0 changed, 0 unchanged\n"
    )
    assert PlaceAttribute.objects.get().value == "Friday"
    bad = tmp_path / "bad.csv"
    bad.write_text("uprn,name,value\n134000000001,collection_day,Monday\n999,day,\n")
    with pytest.raises(CommandError) as refused:
        _run("attributes", "--service", "waste", str(bad))
    assert "bad.csv, line 3, uprn: '999' is not a UPRN in the gazetteer" in str(refused.value)
    assert PlaceAttribute.objects.get().value == "Friday"
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("uprn,value\n")
    with pytest.raises(CommandError, match="line 1: the header lacks name"):
        _run("attributes", "--service", "waste", str(headerless))
