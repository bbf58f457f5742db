"""The synthetic residents: deterministic, complete, realistic in their mess, and with the traps."""

import re
from collections import Counter, defaultdict
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burgh.people.linkage import prepare
from burgh.people.linkage.synthetic import (
    HARD_NEGATIVE_KINDS,
    RECORD_FIELDS,
    SYSTEMS,
    Generated,
    generate,
)
from burgh.people.linkage.synthetic_names import NICKNAMES

DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
POSTCODE = re.compile(r"^KL\d{1,2} ?\d[A-Z]{2}$", re.IGNORECASE)


@pytest.fixture(scope="module")
def town() -> Generated:
    return generate(3000, seed=7)


def by_resident(generated: Generated) -> dict[int, list[dict[str, str]]]:
    found = defaultdict(list)
    for record in generated.records:
        found[generated.truth[record["key"]]].append(record)
    return found


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    first, again, other = generate(400, seed=3), generate(400, seed=3), generate(400, seed=4)

    assert first.records == again.records
    assert first.truth == again.truth
    assert first.hard_negative_pairs == again.hard_negative_pairs
    assert first.records != other.records


@settings(max_examples=25, deadline=None)
@given(n_people=st.integers(1, 60), seed=st.integers(0, 10**6))
def test_every_record_is_one_of_exactly_n_people_each_in_one_to_six_systems(n_people, seed):
    generated = generate(n_people, seed=seed)

    keys = [record["key"] for record in generated.records]
    assert len(keys) == len(set(keys))
    assert set(generated.truth) == set(keys)
    assert set(generated.truth.values()) == set(range(n_people))
    for record in generated.records:
        assert tuple(record) == RECORD_FIELDS
        assert all(isinstance(value, str) for value in record.values())
        assert record["key"] == f"{record['source_system']}:{record['source_id']}"
        assert record["source_system"] in SYSTEMS
    for records in by_resident(generated).values():
        assert 1 <= len({record["source_system"] for record in records}) <= 6


def test_the_engine_reads_every_record(town):
    # No InvalidRecord: every date is real and in the past, every field in a shape it reads.
    for record in town.records:
        features = prepare(record)
        assert features["family"], record
    dates = [record["date_of_birth"] for record in town.records if record["date_of_birth"]]
    assert all(DATE.match(text) for text in dates)
    assert all(date.fromisoformat(text) < date(2026, 1, 1) for text in dates if len(text) == 10)


def test_fields_come_in_the_shapes_the_systems_write_them(town):
    records = town.records
    postcodes = [record["postcode"] for record in records if record["postcode"]]
    assert all(POSTCODE.match(postcode) for postcode in postcodes)
    assert any(" " not in postcode for postcode in postcodes)
    assert any(postcode.islower() for postcode in postcodes)
    assert {record["sex"] for record in records} == {"M", "F", "Male", "Female", ""}
    phones = [record["phone"] for record in records if record["phone"]]
    for phone in phones:
        digits = re.sub(r"\D", "", phone)
        national = "0" + digits[2:] if digits.startswith("44") else digits
        assert len(national) == 11, phone
        assert national[:2] in ("01", "07"), phone
    assert any(phone.startswith("+44") for phone in phones)
    assert any(phone.startswith("(01") for phone in phones)
    emails = [record["email"] for record in records if record["email"]]
    assert all(email.count("@") == 1 for email in emails)
    assert any(email != email.lower() for email in emails)
    # Year-only dates of birth in council tax; none at all on the register for adult voters.
    council_tax = [r["date_of_birth"] for r in records if r["source_system"] == "council_tax"]
    assert any(len(text) == 4 for text in council_tax)
    assert any(text == "" for text in council_tax)
    # The NHS record carries the CHI number, whose first six digits are the date of birth.
    for record in records:
        if record["source_system"] == "nhs_grampian" and record["date_of_birth"] == "":
            pytest.fail(f"an NHS record without a date of birth: {record}")
    addresses = [record["address"] for record in records]
    for flat in (
        r"^Flat \d/\d, \d+ ",
        r"^\d/\d \d+ ",
        r", Flat [G\d]/\d",
        r"^[G\d]F\d,? ",
        r"Floor",
    ):
        assert any(re.search(flat, address) for address in addresses), flat
    assert any(re.search(r"^\d+/\d+ ", address) for address in addresses)  # Edinburgh 14/5
    assert any(re.search(r"\b(St|Rd|Ave|Cres|Gdns|Terr)\b", address) for address in addresses)
    assert any(address.isupper() for address in addresses)


def test_one_resident_is_written_differently_by_different_systems(town):
    nickname = initial = mac = married = moved = year_only = 0
    for records in by_resident(town).values():
        nhs = [r for r in records if r["source_system"] == "nhs_grampian"]
        if not nhs:
            continue
        formal = nhs[0]
        first = formal["given_name"].split()[0].capitalize()
        family = formal["family_name"].lower()
        for record in records:
            given = record["given_name"]
            nickname += given in NICKNAMES.get(first, ())
            initial += len(given) == 1
            other = record["family_name"].lower()
            mac += other != family and other.replace("mac", "mc") == family.replace("mac", "mc")
            married += (
                other[:3] != family[:3] and record["date_of_birth"] == formal["date_of_birth"]
            )
            moved += record["postcode"].replace(" ", "").upper() != formal["postcode"].replace(
                " ", ""
            ).upper() and bool(record["postcode"])
            year_only += len(record["date_of_birth"]) == 4
    assert min(nickname, initial, mac, married, moved, year_only) > 5, (
        nickname,
        initial,
        mac,
        married,
        moved,
        year_only,
    )


def test_every_kind_of_trap_is_there_and_joins_two_different_residents(town):
    kinds = Counter(kind for _, _, kind in town.hard_negative_pairs)

    assert set(kinds) == set(HARD_NEGATIVE_KINDS)
    assert all(count >= 20 for count in kinds.values()), kinds
    for left, right, _ in town.hard_negative_pairs:
        assert town.truth[left] != town.truth[right]


def test_twins_share_a_birthday_and_generations_share_a_name(town):
    full = {r["key"]: r for r in town.records if r["source_system"] == "nhs_grampian"}
    for left, right, kind in town.hard_negative_pairs:
        if left not in full or right not in full:
            continue
        one, other = full[left], full[right]
        # The NHS holds the CHI number: its date part is always the true date of birth.
        if kind == "twins":
            assert one["identifier"][:6] == other["identifier"][:6]
            assert one["given_name"] != other["given_name"]
        if kind == "generations":
            assert one["identifier"][4:6] != other["identifier"][4:6]
        if kind == "namesakes":
            assert one["identifier"] != other["identifier"]


def test_a_father_and_son_of_one_name_live_at_one_address(town):
    found = 0
    full = {r["key"]: r for r in town.records if r["source_system"] == "nhs_grampian"}
    for left, right, kind in town.hard_negative_pairs:
        if kind == "generations" and left in full and right in full:
            one, other = full[left], full[right]
            given = (one["given_name"].split()[0], other["given_name"].split()[0])
            if given[0] == given[1] and one["postcode"] == other["postcode"]:
                found += 1
    assert found >= 5


def test_without_hard_negatives_there_are_no_traps():
    generated = generate(1500, seed=2, hard_negatives=False)

    assert generated.hard_negative_pairs == []
    births = Counter(
        (r["identifier"][:6], r["family_name"].lower(), r["postcode"])
        for r in generated.records
        if r["source_system"] == "nhs_grampian"
    )
    assert max(births.values()) == 1  # no twins: nobody shares a birthday, family and home


def test_a_population_needs_someone_in_it():
    with pytest.raises(ValueError, match="n_people must be at least 1"):
        generate(0)
