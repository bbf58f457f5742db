"""`burgh places match`, run as a user runs it: a fresh directory, no database, CSVs in."""

import csv

from tests.places.gazetteer import ROWS
from tests.processes import run_module

COLUMNS = list(ROWS[0])
ADDRESSES = [
    ("a1", "2/1 14 main st kinloch"),
    ("a2", "Flat 2/1, 14 Main Street, Kinloch, KL1 2AB"),
    ("a3", "40 Burnside Road, Kinloch, KL1 3BD"),
    ("a4", "5 Station Road"),
    ("a5", "20A BURNSIDE RD KINLOCH"),
]


def _write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _run(tmp_path, gazetteer="g.csv", source="in.csv"):
    env = {
        "DJANGO_SETTINGS_MODULE": "burgh.settings.local",
        "BURGH_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": None,
    }
    out = tmp_path / "out.csv"
    result = run_module(
        "burgh.cli",
        "places",
        "match",
        "--gazetteer",
        str(tmp_path / gazetteer),
        str(tmp_path / source),
        "--out",
        str(out),
        env=env,
        timeout=300,
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8"))) if out.exists() else None
    return result, rows


def test_matches_a_file_of_addresses_without_any_setup(tmp_path):
    _write(tmp_path / "g.csv", COLUMNS, [[row[c] for c in COLUMNS] for row in ROWS])
    _write(tmp_path / "in.csv", ["id", "address"], ADDRESSES)
    result, rows = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Matched 3 of 5 addresses" in result.stdout
    assert [(r["id"], r["uprn"]) for r in rows] == [
        ("a1", "100000000105"),
        ("a2", "100000000105"),
        ("a3", ""),
        ("a4", ""),
        ("a5", "100000000302"),
    ]
    scores = {r["id"]: float(r["score"]) for r in rows}
    assert scores["a2"] > 0.95
    assert scores["a4"] < 0.7
    # Nothing was set up: no database file in the empty var directory.
    assert not (tmp_path / "var" / "burgh.sqlite3").exists()


def test_a_bad_uprn_in_the_gazetteer_is_named_by_file_line_and_column(tmp_path):
    rows = [[row[c] for c in COLUMNS] for row in ROWS[:3]]
    rows[1][0] = "not-a-uprn"
    _write(tmp_path / "g.csv", COLUMNS, rows)
    _write(tmp_path / "in.csv", ["id", "address"], ADDRESSES)
    result, out = _run(tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'g.csv'}, line 3, column uprn: 'not-a-uprn' is not a UPRN" in result.stderr
    assert out is None


def test_a_missing_column_or_an_empty_file_is_refused(tmp_path):
    _write(tmp_path / "g.csv", COLUMNS, [[row[c] for c in COLUMNS] for row in ROWS])
    _write(tmp_path / "in.csv", ["id", "text"], ADDRESSES)
    result, _out = _run(tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'in.csv'}, line 1: no column address" in result.stderr

    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    result, _out = _run(tmp_path, source="empty.csv")
    assert result.returncode == 1
    assert f"{tmp_path / 'empty.csv'}: the file is empty" in result.stderr

    _write(tmp_path / "nostreet.csv", ["uprn", "town"], [["1", "Kinloch"]])
    result, _out = _run(tmp_path, gazetteer="nostreet.csv")
    assert result.returncode == 1
    assert "nostreet.csv, line 1: no column street" in result.stderr


def test_a_repeated_id_is_refused_with_both_lines(tmp_path):
    _write(tmp_path / "g.csv", COLUMNS, [[row[c] for c in COLUMNS] for row in ROWS])
    _write(tmp_path / "in.csv", ["id", "address"], [*ADDRESSES, ("a2", "7 High St")])
    result, _out = _run(tmp_path)
    assert result.returncode == 1
    assert "line 7, column id: 'a2' already on line 3" in result.stderr
