"""A small hand-made gazetteer with the traps a matcher must not fall into."""

from burgh.places.matching import AddressIndex


def row(uprn: str, number: str, street: str, town: str, postcode: str, **more: str) -> dict:
    return {
        "uprn": uprn,
        "organisation": more.get("organisation", ""),
        "sub_building": more.get("sub_building", ""),
        "building_name": more.get("building_name", ""),
        "building_number": number,
        "street": street,
        "locality": more.get("locality", ""),
        "town": town,
        "postcode": postcode,
    }


def tenement(first: int, number: str, street: str, town: str, postcode: str) -> list[dict]:
    """A close of three floors, two doors a landing: Flat 0/1 to Flat 2/2."""
    flats = [f"Flat {floor}/{door}" for floor in range(3) for door in (1, 2)]
    return [
        row(str(first + at), number, street, town, postcode, sub_building=flat)
        for at, flat in enumerate(flats)
    ]


ROWS = [
    *tenement(100000000101, "14", "Main Street", "Kinloch", "KL1 2AB"),
    # An Edinburgh-style stair: GF1 to 2F3, three doors a landing.
    *[
        row(
            str(100000000201 + at),
            "3",
            "Rose Crescent",
            "Inverbrae",
            "KL4 1AD",
            sub_building=f"{'G' if floor == 0 else floor}F{door}",
        )
        for at, (floor, door) in enumerate((f, d) for f in range(3) for d in (1, 2, 3))
    ],
    row("100000000301", "20", "Burnside Road", "Kinloch", "KL1 3BD"),
    row("100000000302", "20A", "Burnside Road", "Kinloch", "KL1 3BD"),
    row("100000000303", "22", "Burnside Road", "Kinloch", "KL1 3BD"),
    row("100000000304", "9", "Burnside Road", "Kinloch", "KL1 3BD"),
    # The same street name in two towns.
    row("100000000401", "5", "Station Road", "Kinloch", "KL2 4EF"),
    row("100000000402", "5", "Station Road", "Ardmhor", "KL6 7GH"),
    # The same house name on two streets of one village.
    row(
        "100000000501",
        "",
        "Kirk Road",
        "Glenrossie",
        "KL7 1JL",
        building_name="Rowan Cottage",
    ),
    row("100000000502", "", "Mill Lane", "Glenrossie", "KL7 2NP", building_name="Rowan Cottage"),
    row("100000000601", "7", "High Street", "Kinloch", "KL1 1AA", organisation="Kinloch Pharmacy"),
    row("100000000602", "7", "High Street", "Kinloch", "KL1 1AA", sub_building="Flat 1"),
    row("100000000701", "9", "Upper Burnside Road", "Kinloch", "KL1 3BE"),
]


def index() -> AddressIndex:
    return AddressIndex.from_rows(ROWS)
