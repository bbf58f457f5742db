"""Reading gazetteer files as a custodian exports them: the simple CSV and BS7666 records."""

import pytest

from burgh.core.errors import InvalidInputError
from burgh.places.gazetteer_files import read_gazetteer_text, write_gazetteer_csv
from burgh.places.models import GazetteerImport, Property, PropertyChange
from burgh.places.services import import_gazetteer


def _record(kind: str, width: int, **cells: str) -> str:
    """One line of a record file: `cells` by column position (c3="..." is the fourth)."""
    line = [""] * width
    line[0] = kind
    for name, value in cells.items():
        line[int(name[1:])] = value
    return ",".join(f'"{cell}"' if "," in cell else cell for cell in line)


def street(usrn: str, name: str, town: str, language: str = "ENG", locality: str = "") -> str:
    return _record("15", 13, c1="I", c3=usrn, c4=name, c5=locality, c6=town, c8=language)


def blpu(uprn: str, postcode: str, status: str = "1", change: str = "I", end: str = "") -> str:
    return _record(
        "21",
        22,
        c1=change,
        c3=uprn,
        c4=status,
        c8="265100.00",
        c9="737900.00",
        c16=end,
        c20=postcode,
    )


def lpi(uprn: str, usrn: str, language: str = "ENG", **parts: str) -> str:
    positions = {
        "sao_start": "c11",
        "sao_suffix": "c12",
        "sao_end": "c13",
        "sao_text": "c15",
        "pao_start": "c16",
        "pao_suffix": "c17",
        "pao_end": "c18",
        "pao_text": "c20",
    }
    cells = {positions[name]: value for name, value in parts.items()}
    return _record("24", 26, c1="I", c3=uprn, c5=language, c6="1", c21=usrn, **cells)


RECORDS = "\n".join(
    [
        _record("10", 9, c1="Kinloch Council"),
        _record("11", 24, c3="34600010"),
        street("34600010", "BURNSIDE CRESCENT", "KINLOCH", locality="BURNBANK"),
        street("34600010", "CORRAN BHRUAICH", "CEANN LOCH", language="GAE"),
        blpu("134000000001", "KL2 4AB"),
        lpi("134000000001", "34600010", sao_text="FLAT 2/1", pao_start="14"),
        blpu("134000000002", "KL2 4AB"),
        lpi("134000000002", "34600010", pao_start="12", pao_end="16", pao_suffix="A"),
        blpu("134000000003", "KL2 4AB"),
        lpi("134000000003", "34600010", pao_text="ROWAN COTTAGE"),
        _record("31", 11, c1="I", c3="134000000003", c5="KINLOCH PHARMACY"),
        _record("32", 12, c3="134000000003", c5="CR08"),
        # Historical: not an address in use.
        blpu("134000000004", "KL2 4AB", status="8"),
        lpi("134000000004", "34600010", pao_start="18"),
        _record("99", 6),
    ]
)


def test_bs7666_records_become_gazetteer_rows() -> None:
    read = read_gazetteer_text(RECORDS)
    assert read.file_format == "bs7666"
    rows = {row["uprn"]: row for row in read.rows}
    assert set(rows) == {"134000000001", "134000000002", "134000000003"}
    flat = rows["134000000001"]
    assert (flat["sub_building"], flat["building_number"], flat["street"]) == (
        "FLAT 2/1",
        "14",
        "BURNSIDE CRESCENT",  # the English descriptor, not the Gaelic one
    )
    assert (flat["locality"], flat["town"], flat["postcode"]) == ("BURNBANK", "KINLOCH", "KL2 4AB")
    assert rows["134000000002"]["building_number"] == "12A-16"
    assert rows["134000000003"]["organisation"] == "KINLOCH PHARMACY"
    assert rows["134000000003"]["building_name"] == "ROWAN COTTAGE"


@pytest.mark.django_db
def test_a_change_file_retires_deleted_properties_and_leaves_the_rest() -> None:
    read = read_gazetteer_text(RECORDS)
    import_gazetteer(read.rows, retire=read.retire, file_format=read.file_format)
    change = "\n".join(
        [
            blpu("134000000002", "KL2 4AB", change="D"),
            street("34600010", "BURNSIDE CRESCENT", "KINLOCH", locality="BURNBANK"),
            blpu("134000000001", "KL2 4AD", change="U"),
            lpi("134000000001", "34600010", sao_text="FLAT 2/1", pao_start="14"),
        ]
    )
    changes = read_gazetteer_text(change)
    report = import_gazetteer(changes.rows, retire=changes.retire, file_format="bs7666")
    assert (report.added, report.changed, report.retired, report.unchanged) == (0, 1, 1, 0)
    assert Property.objects.get(uprn="134000000002").retired_on is not None
    assert Property.objects.get(uprn="134000000003").retired_on is None
    assert Property.objects.get(uprn="134000000001").postcode == "KL2 4AD"
    history = PropertyChange.objects.filter(uprn="134000000001").order_by("at")
    assert [(c.kind, c.after.endswith("KL2 4AD")) for c in history] == [
        ("added", False),
        ("changed", True),
    ]
    assert GazetteerImport.objects.count() == 2


def test_every_bad_record_is_reported_by_line_and_column() -> None:
    broken = "\n".join(
        [
            street("34600010", "BURNSIDE CRESCENT", "KINLOCH"),
            "21,I,1,134000000009",
            blpu("134000000001", "KL2 4AB"),
            "77,I,1",
            blpu("134000000002", "KL2 4AB"),
            lpi("134000000002", "34600099", pao_start="3"),
        ]
    )
    with pytest.raises(InvalidInputError) as refused:
        read_gazetteer_text(broken, name="llpg.csv")
    found = {(e["row"], e["field"]) for e in refused.value.errors}
    assert found == {(2, "record"), (3, "UPRN"), (4, "RECORD_IDENTIFIER"), (5, "USRN")}
    assert "records of llpg.csv cannot be loaded" in refused.value.detail


def test_a_simple_csv_lacking_columns_names_them() -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_gazetteer_text("uprn,street,town\n1,Main Street,Kinloch\n", name="g.csv")
    assert "g.csv, line 1: the header lacks the column(s) organisation" in refused.value.detail
    with pytest.raises(InvalidInputError, match=r"g\.csv is empty"):
        read_gazetteer_text("\n\n", name="g.csv")


@pytest.mark.django_db
def test_a_simple_csv_round_trips_and_bad_rows_name_their_line_and_field() -> None:
    rows = [
        {
            "uprn": "134000000001",
            "organisation": "",
            "sub_building": "2F1",
            "building_name": "",
            "building_number": "7",
            "street": "Market Street",
            "locality": "",
            "town": "Inverbrae",
            "postcode": "KL4 2AB",
            "usrn": "34600011",
            "easting": "283100",
            "northing": "721600",
        }
    ]
    text = write_gazetteer_csv(rows)
    read = read_gazetteer_text(text)
    assert read.file_format == "csv"
    assert import_gazetteer(read.rows).added == 1
    bad = text + "0,,,,,Market Street,,,NOT A CODE,,north,\n"
    with pytest.raises(InvalidInputError) as refused:
        import_gazetteer(read_gazetteer_text(bad).rows)
    assert {(e["row"], e["field"]) for e in refused.value.errors} == {
        (3, "uprn"),
        (3, "town"),
        (3, "postcode"),
        (3, "easting"),
    }
    assert Property.objects.count() == 1
