"""`burgh people link`, run as a user runs it: a fresh directory, no database, a CSV in."""

import csv

import pytest

from tests.processes import run_module

HEADER = (
    "source_system,source_id,given_name,family_name,date_of_birth,sex,address,postcode,email,phone"
)
ROWS = [
    'council_tax,CT1,Elizabeth,MacDonald,1980-05-12,F,"Flat 2/1, 14 Main St",G12 8QQ,,07700 900123',
    "housing,H9,Liz,McDonald,1980-12-05,female,14 Main Street 2F1,g128qq,liz@example.org,",
    'nhs,N5,Margaret,MacDonald,1980-05-12,F,"Flat 2/1, 14 Main St",G12 8QQ,,',
    "electoral_register,E3,Hamish,Nicolson,,,8 Harbour Road,IV1 1AA,,",
    'education,S7,Beth,Macdonald,1980,F,"2/1 14 Main Street, Kinloch",G12 8QQ,,+44 7700 900123',
]


def _link(tmp_path, lines, *extra, name="in.csv", data=None):
    source = tmp_path / name
    if data is None:
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        source.write_bytes(data)
    out = tmp_path / "out.csv"
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.local",
        "BURGH_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": None,
    }
    result = run_module(
        "burgh.cli", "people", "link", str(source), "--out", str(out), *extra, env=env, timeout=300
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8"))) if out.exists() else None
    return result, rows


def test_links_an_export_without_any_setup(tmp_path):
    result, rows = _link(tmp_path, [HEADER, *ROWS])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [(r["source_system"], r["source_id"]) for r in rows] == [
        ("council_tax", "CT1"),
        ("housing", "H9"),
        ("nhs", "N5"),
        ("electoral_register", "E3"),
        ("education", "S7"),
    ]
    ids = {r["source_id"]: r["person_id"] for r in rows}
    # Liz (nickname, Mc, day and month swapped, Edinburgh flat notation) and Beth (year only,
    # +44 phone) are Elizabeth; Margaret, her twin at the same flat, is not; nor is Hamish.
    assert ids["CT1"] == ids["H9"] == ids["S7"]
    assert len({ids["CT1"], ids["N5"], ids["E3"]}) == 3
    assert not (tmp_path / "var" / "burgh.sqlite3").exists()


def test_the_same_file_gives_the_same_ids(tmp_path):
    _result, first = _link(tmp_path, [HEADER, *ROWS])
    _result, again = _link(tmp_path, [HEADER, *reversed(ROWS)])
    assert {r["source_id"]: r["person_id"] for r in first} == {
        r["source_id"]: r["person_id"] for r in again
    }


def test_bad_rows_are_reported_and_every_good_row_still_linked(tmp_path):
    lines = [
        HEADER,
        *ROWS,
        "housing,,Ann,Bell,1970-01-01,F,,,,",  # line 7: blank id
        "housing,H10,Ann,Bell,12/01/1970,F,,,,",  # line 8: bad date
        "council_tax,CT1,Someone,Else,,,,,,",  # line 9: duplicate
        "housing,H11,Ann,Bell",  # line 10: too few columns
        "housing,H12,Ann,Bell,1970-02-30,F,,,,",  # line 11: no such day
        "housing,H13,Ann,Bell,2999,F,,,,",  # line 12: future
        "housing,H14,Ann,Bell,1970-02-03,F,,,,",  # good
    ]
    result, rows = _link(tmp_path, lines)
    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()
    assert problems == [
        "line 7: source_id: blank",
        "line 8: date_of_birth: '12/01/1970' is not a date: write yyyy-mm-dd or yyyy",
        "line 9: source_id: 'CT1' of 'council_tax' already on line 2",
        "line 10: row: expected 10 columns, found 4",
        "line 11: date_of_birth: '1970-02-30' is not a date in the calendar",
        "line 12: date_of_birth: '2999' is in the future",
    ]
    assert [r["source_id"] for r in rows] == ["CT1", "H9", "N5", "E3", "S7", "H14"]


def test_text_that_is_not_utf8_is_reported_by_line_and_field(tmp_path):
    data = "\n".join([HEADER, ROWS[0], "housing,H2,Zo\udce9,Bell,,,,,,", ROWS[3]]).encode(
        "utf-8", "surrogateescape"
    )
    result, rows = _link(tmp_path, [], data=data)
    assert result.returncode == 1
    assert result.stderr.strip() == "line 3: given_name: not UTF-8 text (check the encoding)"
    assert [r["source_id"] for r in rows] == ["CT1", "E3"]


def test_quoted_multiline_fields_keep_line_numbers_right(tmp_path):
    lines = [HEADER, 'housing,H1,Ann,Bell,,,"1 High St\nKinloch",,,', "housing,,Bo,Bell,,,,,,"]
    result, rows = _link(tmp_path, lines)
    assert result.stderr.strip() == "line 4: source_id: blank"
    assert [r["source_id"] for r in rows] == ["H1"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("source_system,source_id,given_name", "line 1: header: missing columns family_name"),
        ("", "line 1: header: missing columns source_system"),
    ],
)
def test_a_file_without_the_columns_is_refused_with_nothing_written(tmp_path, header, message):
    result, rows = _link(tmp_path, [header, "a,b,c"])
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert rows is None


def test_an_empty_file_is_refused(tmp_path):
    result, rows = _link(tmp_path, [], data=b"")
    assert result.returncode == 1
    assert "line 1: header: the file is empty" in result.stderr
    assert rows is None


def test_a_header_only_file_gives_an_empty_output(tmp_path):
    result, rows = _link(tmp_path, [HEADER])
    assert result.returncode == 0, result.stderr
    assert rows == []


def test_a_model_file_that_is_not_a_model_is_refused(tmp_path):
    broken = tmp_path / "model.json"
    broken.write_text("{}", encoding="utf-8")
    result, rows = _link(tmp_path, [HEADER, *ROWS], "--model", str(broken))
    assert result.returncode != 0
    assert "cannot use this model" in result.stderr
    assert rows is None
