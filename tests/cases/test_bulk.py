"""Bulk intake from a CSV file: every row a case through intake, or, if any row is wrong,
every problem reported by line and column and nothing saved."""

import csv
import io
import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from burgh.cases.bulk import import_cases, read_csv
from burgh.cases.models import Case, ChronologyEntry
from burgh.cases.services import save_case_type
from burgh.core.errors import InvalidInputError, PermissionDeniedError
from burgh.demo.cases import CASE_TYPES_DIR, deploy_demo_flows
from tests.cases.setting import HOME_UPRN, ROAD_UPRN
from tests.factories import TeamFactory

GOOD = f"""title,uprn,depth,near_school,external_ref,received_at,reporter_name,reporter_email
Pothole outside the school,{ROAD_UPRN},over-40mm,yes,ROADS-101,15/07/2026 09:30,Morag,m@x.example
,{HOME_UPRN},under-40mm,no,ROADS-102,2026-11-30 14:05,,
Deep hole by the bus stop,{ROAD_UPRN},under-40mm,,ROADS-103,,,
"""

# Lines 2 and 6 are good; 3, 4 and 7 are not (line 4's description runs over two lines).
BAD = f"""title,uprn,depth,description,external_ref,received_at,lat,long
Good one,{ROAD_UPRN},over-40mm,,ROADS-201,2026-11-30 09:00,,
Bottomless,{ROAD_UPRN},bottomless,,ROADS-202,,,
Nowhere,134999999999,under-40mm,"Two lines
of description",ROADS-201,,57.1,
Fine,{HOME_UPRN},under-40mm,,ROADS-204,,,
Later,{ROAD_UPRN},,,ROADS-205,2099-01-01 10:00,57.1,north
"""


def write(tmp_path: Path, text: str, name: str = "potholes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_logs_every_row_through_intake(cases) -> None:
    report = import_cases(None, "pothole", read_csv(GOOD))

    assert (report.rows, report.logged, report.dry_run) == (3, 3, False)
    assert report.by_team == {"Roads Maintenance": 3}
    logged = {case.external_ref: case for case in Case.objects.all()}
    assert set(logged) == {"ROADS-101", "ROADS-102", "ROADS-103"}
    first = logged["ROADS-101"]
    assert first.channel == "bulk"
    assert first.title == "Pothole outside the school"
    assert first.data == {"depth": "over-40mm", "near_school": True}
    # The routing rule for deep holes applies to imported cases as to any.
    assert first.priority == 2
    assert first.reporter == {"name": "Morag", "email": "m@x.example"}
    # 09:30 in July is British Summer Time: 08:30 UTC.
    assert first.received_at == datetime(2026, 7, 15, 8, 30, tzinfo=UTC)
    assert logged["ROADS-102"].title == "Pothole"
    assert logged["ROADS-102"].data == {"depth": "under-40mm", "near_school": False}
    assert ChronologyEntry.objects.filter(kind="created").count() == 3
    # The third is at the same place as the first: offered as a possible duplicate.
    assert report.possible_duplicates == 1
    assert report.references == tuple(sorted(case.reference for case in logged.values()))


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_saved(
    cases,
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        import_cases(None, "pothole", read_csv(BAD))

    found = {(error["row"], error["field"]) for error in refused.value.errors}
    assert found == {
        (3, "depth"),
        (4, "uprn"),
        (4, "external_ref"),
        (4, "long"),
        (7, "depth"),
        (7, "received_at"),
        (7, "long"),
    }
    assert refused.value.detail.startswith("3 rows cannot be loaded, so none were")
    details = {(e["row"], e["field"]): e["detail"] for e in refused.value.errors}
    assert details[(4, "external_ref")] == "'ROADS-201' is also on line 2"
    assert "134999999999" in details[(4, "uprn")]
    assert "future" in details[(7, "received_at")]
    # Not even the good rows: a file is loaded whole or not at all.
    assert not Case.objects.exists()
    assert not ChronologyEntry.objects.exists()


def test_the_command_prints_every_problem_and_exits_2(cases, tmp_path: Path) -> None:
    path = write(tmp_path, BAD)

    with pytest.raises(CommandError) as refused:
        call_command("cases", "import", str(path), "--case-type", "pothole", stdout=StringIO())

    assert refused.value.returncode == 2
    lines = str(refused.value).splitlines()
    assert "potholes.csv, line 3, depth: " in "\n".join(lines)
    assert any(line.startswith("potholes.csv, line 4, uprn: ") for line in lines)
    assert any(line.startswith("potholes.csv, line 7, received_at: ") for line in lines)
    assert len([line for line in lines if line.startswith("potholes.csv, line")]) == 7
    assert not Case.objects.exists()


def test_a_dry_run_checks_every_row_and_saves_nothing(cases, tmp_path: Path) -> None:
    report = import_cases(None, "pothole", read_csv(GOOD), dry_run=True)

    assert (report.rows, report.logged, report.dry_run) == (3, 0, True)
    assert report.by_team == {"Roads Maintenance": 3}
    assert not Case.objects.exists()
    out = StringIO()
    path = write(tmp_path, GOOD)
    call_command("cases", "import", str(path), "--case-type", "pothole", "--dry-run", stdout=out)
    assert "all 3 rows can be logged as pothole (dry run: nothing was saved)" in out.getvalue()
    assert "Roads Maintenance  3" in out.getvalue()
    assert not Case.objects.exists()


def test_the_command_reports_the_cases_logged_per_team(cases, tmp_path: Path) -> None:
    out = StringIO()
    path = write(tmp_path, GOOD)

    call_command("cases", "import", str(path), "--case-type", "pothole", stdout=out)

    assert "potholes.csv: logged 3 pothole cases (C" in out.getvalue()
    assert "Roads Maintenance  3" in out.getvalue()
    assert "1 of them match an open case" in out.getvalue()


def test_the_same_file_twice_is_refused_the_second_time(cases) -> None:
    import_cases(None, "pothole", read_csv(GOOD))

    with pytest.raises(InvalidInputError) as refused:
        import_cases(None, "pothole", read_csv(GOOD))

    assert {error["field"] for error in refused.value.errors} == {"external_ref"}
    assert "was imported before, as case C" in refused.value.errors[0]["detail"]
    assert Case.objects.count() == 3


def test_unknown_columns_are_reported_on_the_header_line(cases) -> None:
    text = f"title,uprn,depth,colour\nA hole,{ROAD_UPRN},over-40mm,red\n"

    with pytest.raises(InvalidInputError) as refused:
        import_cases(None, "pothole", read_csv(text))

    assert [(e["row"], e["field"]) for e in refused.value.errors] == [(1, "colour")]
    assert "near_school" in refused.value.errors[0]["detail"]


def test_ticked_boxes_are_separated_by_semicolons(cases) -> None:
    TeamFactory(organisation=cases.council, name="Waste Collection", slug="waste-collection")
    save_case_type(None, json.loads((CASE_TYPES_DIR / "fly-tipping.json").read_text()))
    text = (
        "uprn,waste_types,size,land_type\n"
        f"{ROAD_UPRN},tyres; furniture,car-boot,road-or-pavement\n"
        f"{HOME_UPRN},asbestos,single-item,not-sure\n"
    )

    report = import_cases(None, "fly-tipping", read_csv(text))

    assert report.by_team == {"Waste Collection": 2}
    tyres, asbestos = Case.objects.order_by("reference")
    # Kept in the order the options are listed, whatever the order in the cell.
    assert tyres.data["waste_types"] == ["furniture", "tyres"]
    assert asbestos.priority == 1


def test_dates_may_be_written_the_uk_way_as_spreadsheets_do(cases) -> None:
    TeamFactory(organisation=cases.council, name="Waste Collection", slug="waste-collection")
    deploy_demo_flows()  # the demo's missed bin type runs the demo's process
    save_case_type(None, json.loads((CASE_TYPES_DIR / "missed-bin.json").read_text()))
    text = (
        "uprn,bin_type,collection_day,out_by_7am,missed_on\n"
        f"{HOME_UPRN},glass,monday,Yes,30/11/2026\n"
        f"{ROAD_UPRN},glass,monday,No,31/11/2026\n"
    )

    with pytest.raises(InvalidInputError) as refused:
        import_cases(None, "missed-bin", read_csv(text))
    assert [(e["row"], e["field"]) for e in refused.value.errors] == [(3, "missed_on")]

    import_cases(None, "missed-bin", read_csv(text.rsplit("\n", 2)[0] + "\n"))
    assert Case.objects.get().data["missed_on"] == "2026-11-30"


def test_staff_need_leave_to_log_requests(cases) -> None:
    with pytest.raises(PermissionDeniedError):
        import_cases(cases.social_worker, "pothole", read_csv(GOOD))
    report = import_cases(cases.adviser, "pothole", read_csv(GOOD))
    assert {case.created_by for case in Case.objects.all()} == {cases.adviser}
    assert report.logged == 3


def test_a_row_of_the_wrong_width_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_csv("title,uprn\nOne,1\nTwo,2,extra\n\nThree\n")

    assert [(e["row"], e["field"]) for e in refused.value.errors] == [
        (3, "columns"),
        (5, "columns"),
    ]


# Any text but NUL and a bare carriage return (which a reader may count as a line break).
cells = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"),
    max_size=12,
)


@given(st.lists(st.tuples(cells, cells).filter(lambda row: any(c.strip() for c in row))))
def test_rows_come_back_as_written_with_the_line_each_starts_on(
    rows: list[tuple[str, str]],
) -> None:
    handle = io.StringIO()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["title", "description"])
    starts = []
    for row in rows:
        starts.append(handle.getvalue().count("\n") + 1)
        writer.writerow(row)

    read = read_csv(handle.getvalue())

    assert [(r["title"], r["description"]) for r in read] == rows
    assert [int(r["_line"]) for r in read] == starts
