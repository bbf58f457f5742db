"""Matching against a gazetteer: the right door, the near misses refused, no invented UPRN."""

import pytest

from burgh.places.matching import AddressIndex, GazetteerRowError
from burgh.places.matching.matcher import match_with
from tests.places.gazetteer import ROWS, index, row

INDEX = index()


def uprn_of(text: str, threshold: float = 0.7) -> str | None:
    return match_with(INDEX, text, threshold=threshold).uprn


@pytest.mark.parametrize(
    "text",
    [
        "Flat 2/1, 14 Main Street, Kinloch, KL1 2AB",
        "2/1 14 main st kinloch",
        "14 MAIN ST KINLOCH 2F1",
        "2nd floor left, 14 Main St, KL12AB",
        "Flat 5 14 Main Street Kinloch",
        "flat 2-1 14 mian street kinloch",
    ],
)
def test_one_tenement_door_written_every_way(text):
    assert uprn_of(text) == "100000000105"


def test_floor_and_door_are_not_swapped():
    assert uprn_of("1/2 14 Main Street Kinloch KL1 2AB") == "100000000104"
    assert uprn_of("2/1 14 Main Street Kinloch KL1 2AB") == "100000000105"


def test_edinburgh_stair_right_means_the_third_door():
    assert uprn_of("2nd floor right, 3 Rose Cres, Inverbrae") == "100000000209"
    assert uprn_of("PF2 3 Rose Crescent Inverbrae") == "100000000205"


def test_14_and_14a_are_different_properties():
    assert uprn_of("20 Burnside Road, Kinloch") == "100000000301"
    assert uprn_of("20A Burnside Rd Kinloch") == "100000000302"
    # 22A does not exist: 22 is not offered in its place.
    assert uprn_of("22A Burnside Road, Kinloch, KL1 3BD") is None


def test_upper_burnside_road_is_another_street():
    assert uprn_of("9 Upper Burnside Rd Kinloch") == "100000000701"
    assert uprn_of("9 Burnside Road Kinloch") == "100000000304"


def test_a_street_in_two_towns_needs_the_town_or_postcode():
    assert uprn_of("5 Station Rd, Ardmhor") == "100000000402"
    assert uprn_of("5 Station Road KL2 4EF") == "100000000401"
    result = match_with(INDEX, "5 Station Road", threshold=0.7)
    assert result.uprn is None
    assert {c.uprn for c in result.candidates[:2]} == {"100000000401", "100000000402"}
    assert result.score == pytest.approx(0.5, abs=0.05)


def test_a_house_name_on_two_streets_needs_the_street():
    assert uprn_of("Rowan Cottage, Mill Lane, Glenrossie") == "100000000502"
    assert uprn_of("Rowan Cottage, Glenrossie") is None


def test_a_business_by_its_name_and_the_flat_above_it():
    assert uprn_of("Kinloch Pharmacy, 7 High St") == "100000000601"
    assert uprn_of("Flat 1, 7 High Street, Kinloch") == "100000000602"


@pytest.mark.parametrize(
    "text",
    [
        "40 Burnside Road, Kinloch, KL1 3BD",  # past the end of the street
        "Flat 3/1, 14 Main Street, Kinloch",  # a floor the close does not have
        "Flat 2/3, 14 Main St, Kinloch KL1 2AB",  # a door the landing does not have
        "5 Station Road, Dunmore, KM3 4AB",  # a street of the same name in another council
        "12 Meadow Way, Kinloch, KL1 9ZZ",  # a new build
        "",
        "the council offices",
    ],
)
def test_an_address_not_in_the_gazetteer_gets_no_uprn(text):
    result = match_with(INDEX, text, threshold=0.7)
    assert result.uprn is None
    assert result.score < 0.7


def test_the_explanation_names_the_evidence_and_the_runner_up():
    result = match_with(INDEX, "2/1 14 main st kinloch", threshold=0.7)
    lines = result.explain()
    assert lines[0] == "read as: floor 2, door 1; number 14; main street kinloch"
    assert "best candidate: UPRN 100000000105, Flat 2/1, 14 Main Street, Kinloch, KL1 2AB" in lines
    assert "  same flat (+" in " ".join(lines)
    assert lines[-1] == f"score {result.score:.3f}, matched the threshold 0.70"
    doubt = match_with(INDEX, "5 Station Road", threshold=0.7)
    lines = doubt.explain()
    assert any(line.startswith("runner-up: UPRN 10000000040") for line in lines)
    assert lines[-1] == f"score {doubt.score:.3f}, not matched: below the threshold 0.70"
    assert doubt.candidates == tuple(sorted(doubt.candidates, key=lambda c: -c.weight))


def test_retired_or_blank_rows_are_refused_by_row_and_column():
    with pytest.raises(GazetteerRowError) as bad:
        AddressIndex.from_rows([ROWS[0], {**ROWS[1], "uprn": "12x"}])
    assert (bad.value.row, bad.value.column) == (2, "uprn")
    with pytest.raises(GazetteerRowError) as twice:
        AddressIndex.from_rows([ROWS[0], ROWS[0]])
    assert "appears twice" in str(twice.value)
    with pytest.raises(GazetteerRowError) as blank:
        AddressIndex.from_rows([row("1", "1", "", "Kinloch", "")])
    assert blank.value.column == "street"


def test_an_empty_gazetteer_matches_nothing():
    empty = AddressIndex.from_rows([])
    result = match_with(empty, "14 Main Street", threshold=0.7)
    assert (result.uprn, result.candidates) == (None, ())
