"""Addresses: the Scottish flat notations of one door read alike; postcodes by sector."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burgh.people.linkage.addresses import parse_address, parse_postcode


@pytest.mark.parametrize(
    "written",
    [
        "Flat 2/1, 14 Main Street",
        "2/1 14 Main St",
        "14 Main Street, 2F1",
        "2nd floor left, 14 Main St.",
        "flat 2F1 14 main street",
    ],
)
def test_one_tenement_flat_written_five_ways(written):
    address = parse_address(written)
    assert (address.flat, address.building, address.street) == ("2/1", "14", "main street")


@pytest.mark.parametrize("written", ["0/1 22 Byres Road", "G/1 22 Byres Rd", "GF1, 22 Byres Road"])
def test_ground_floor_is_floor_zero(written):
    assert parse_address(written).flat == "0/1"


def test_edinburgh_main_door_style_is_building_then_flat():
    address = parse_address("14/2 Marchmont Road")
    assert (address.flat, address.building, address.street) == ("2", "14", "marchmont road")


def test_lettered_and_numbered_flats():
    assert parse_address("Flat B, 3 Rose Cres").flat == "b"
    assert parse_address("Flat 5, 3 King St").flat == "5"
    assert parse_address("3 King St").flat == ""


def test_street_stops_at_its_type_word_and_saint_is_not_street():
    assert parse_address("10 rowe place kalkarindji wellington nsw").street == "rowe place"
    assert parse_address("12A St Andrew Square").street == "saint andrew square"
    assert parse_address("12A St Andrew Square").building == "12a"


def test_postcodes_give_sector_and_district():
    code = parse_postcode(" eh1 1ab")
    assert (code.code, code.sector, code.district) == ("EH11AB", "EH1 1", "EH1")
    other = parse_postcode("2612")
    assert (other.code, other.sector, other.district) == ("2612", "", "")


@given(st.text(max_size=80))
def test_any_text_parses_without_error(text):
    address = parse_address(text)
    assert address.street == address.street.strip()
    assert "/" not in address.building
