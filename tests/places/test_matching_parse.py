"""Parsing addresses: every way a tenement door is written reads as the same door."""

from hypothesis import given
from hypothesis import strategies as st

from burgh.places.matching import parse
from burgh.places.matching.flats import FlatRef, resolve


def _written(floor: int, door: int, style: int) -> str:
    ground = floor == 0
    return [
        f"Flat {floor}/{door}",
        f"{floor}/{door}",
        f"{'G' if ground else floor}F{door}",
        f"flat {'g' if ground else floor}f{door}",
        f"FLAT {floor}-{door}",
        f"{'G' if ground else floor} / {door}",
    ][style]


@given(
    floor=st.integers(0, 9),
    door=st.integers(1, 9),
    style=st.integers(0, 5),
    before=st.booleans(),
    comma=st.sampled_from([", ", " ", ","]),
    case=st.sampled_from([str.lower, str.upper, str.title]),
)
def test_any_tenement_notation_reads_as_the_same_door(floor, door, style, before, comma, case):
    flat = _written(floor, door, style)
    parts = [flat, "14 Main St", "Kinloch"] if before else ["14 Main St", "Kinloch", flat]
    parsed = parse(case(comma.join(parts)))
    assert parsed.flat is not None
    assert parsed.flat.key() == f"{floor}/{door}"
    assert parsed.number == "14"
    assert parsed.words[:2] == ("main", "street")


def test_spoken_floors_and_sides_need_the_building_to_name_a_door():
    two_doors = [FlatRef(floor=f, door=d) for f in range(3) for d in (1, 2)]
    three_doors = [FlatRef(floor=f, door=d) for f in range(3) for d in (1, 2, 3)]
    spoken = parse("2nd floor right, 14 Main Street").flat
    assert spoken == FlatRef(floor=2, side="right")
    assert resolve(spoken, two_doors) == FlatRef(floor=2, door=2)
    assert resolve(spoken, three_doors) == FlatRef(floor=2, door=3)
    assert resolve(parse("ground floor left 3 Rose Cres").flat, three_doors).key() == "0/1"
    assert resolve(parse("Top floor middle 3 Rose Cres").flat, three_doors).key() == "2/2"
    # Counted up the stair, left to right: the fifth door of a two-door stair is 2/1.
    assert resolve(parse("Flat 5, 14 Main St").flat, two_doors).key() == "2/1"


def test_principal_floor_ground_floor_and_main_door_forms():
    assert parse("PF1 3 Rose Crescent").flat.key() == "1/1"
    assert parse("GF2, 3 Rose Crescent").flat.key() == "0/2"
    assert parse("G/1 14 Main Street").flat.key() == "0/1"
    main_door = parse("14/5 Marchmont Road")
    assert (main_door.number, main_door.flat.key()) == ("14", "#5")


def test_numbers_letters_ranges_postcodes_and_abbreviations():
    assert parse("14A High St").number == "14a"
    assert parse("14 a High St").number == "14a"
    assert parse("12-14 High St").number == "12-14"
    assert parse("Flat B, 3 Rose Cres").flat.key() == "b"
    parsed = parse("2/1 14 burnside cres kinloch kl12ab")
    assert parsed.postcode == "KL1 2AB"
    assert parsed.words == ("burnside", "crescent", "kinloch")
    assert parse("7 Mill Rd, KL1", districts={"KL1"}).district == "KL1"
    assert parse("St Andrew Sq").words == ("saint", "andrew", "square")
    for short, long in (
        ("Gdns", "gardens"),
        ("Terr", "terrace"),
        ("Ave", "avenue"),
        ("Pl", "place"),
        ("Dr", "drive"),
        ("Ct", "court"),
        ("Rd", "road"),
    ):
        assert parse(f"3 Elm {short}").words == ("elm", long)


@given(st.text(max_size=120))
def test_any_text_parses_without_error(text):
    parsed = parse(text)
    assert all(word == word.strip() and word for word in parsed.words)
    assert "/" not in parsed.number
