"""Reading free-text addresses and postcodes: flat, building number, street, postcode sector.

Scottish tenement flats are written many ways for one door, and a comparison must see them
as one: Glasgow "2/1" and "Flat 2/1" (floor 2, door 1), "0/1" and "G/1" (ground floor),
Edinburgh "2F1" and "GF2", the main-door form "14/2 Main Street" (building 14, flat 2),
lettered "Flat B", numbered "Flat 5", and spoken "2nd floor left". A flat is normalised to
"floor/door" when the notation gives both, else to its number or letter.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")

STREET_WORDS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "drv": "drive",
    "cres": "crescent",
    "cresc": "crescent",
    "cr": "crescent",
    "pl": "place",
    "gdns": "gardens",
    "gdn": "gardens",
    "ter": "terrace",
    "terr": "terrace",
    "tce": "terrace",
    "ln": "lane",
    "ct": "court",
    "crt": "court",
    "sq": "square",
    "pk": "park",
    "gr": "grove",
    "gro": "grove",
    "cl": "close",
    "wy": "way",
    "hts": "heights",
    "bldgs": "buildings",
    "brg": "bridge",
    "mt": "mount",
    "pde": "parade",
    "prom": "promenade",
    "rdg": "ridge",
    "hwy": "highway",
    "blvd": "boulevard",
    "cir": "circle",
    "wk": "walk",
}
# A street name ends at one of these ("14 Rowe Place Kalkarindji" is on "rowe place").
STREET_TYPES = frozenset(STREET_WORDS.values()) | frozenset(
    [
        "wynd",
        "brae",
        "loan",
        "row",
        "gate",
        "vennel",
        "close",
        "view",
        "rise",
        "green",
        "hill",
        "walk",
        "circus",
        "quadrant",
        "street",
        "road",
        "avenue",
        "drive",
        "crescent",
        "place",
        "gardens",
        "terrace",
        "lane",
        "court",
        "square",
        "park",
    ]
)
FLAT_WORDS = frozenset(["flat", "flt", "apartment", "apt", "unit"])
FLOOR_WORDS = {
    "ground": "0",
    "basement": "b",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "top": "t",
}
SIDES = {"left": "1", "middle": "2", "centre": "2", "center": "2", "right": "3"}

_EDINBURGH_FLAT = re.compile(r"^(g|p|b|m|[0-9]{1,2})f([0-9]{1,2})?$")
_SLASH_FLAT = re.compile(r"^([0-9]{1,3}|g)/([0-9]{1,3})$")
_ORDINAL_FLOOR = re.compile(r"^([0-9]{1,2})(?:st|nd|rd|th)$")
_BUILDING_NUMBER = re.compile(r"^([0-9]{1,5})([a-z]?)$")
_TOKEN = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)?|[,;]")


@dataclass(frozen=True)
class Postcode:
    code: str  # "EH11AB"; any other country's code as written, without spaces
    sector: str  # "EH1 1"; blank when the code is not a UK postcode
    district: str  # "EH1"


@dataclass(frozen=True)
class Address:
    flat: str  # "2/1", "b", "5" or blank
    building: str  # "14", "14a" or blank
    street: str  # "main street" or blank


@lru_cache(maxsize=200_000)
def parse_postcode(text: str) -> Postcode:
    code = re.sub(r"[^A-Z0-9]", "", text.upper())
    found = UK_POSTCODE.match(code)
    if not found:
        return Postcode(code, "", "")
    outward, inward = found.groups()
    return Postcode(code, f"{outward} {inward[0]}", outward)


def _floor(word: str) -> str | None:
    if word in FLOOR_WORDS:
        return FLOOR_WORDS[word]
    ordinal = _ORDINAL_FLOOR.match(word)
    return ordinal.group(1) if ordinal else None


def _edinburgh(word: str) -> str:
    found = _EDINBURGH_FLAT.match(word)
    assert found
    floor, door = found.groups()
    floor = {"g": "0", "p": "1", "m": "1", "b": "b"}.get(floor, floor)
    return f"{floor}/{door}" if door else floor


def _is_number(word: str) -> bool:
    return word[0].isdigit() and _BUILDING_NUMBER.match(word) is not None


def _take_flat(words: list[str]) -> tuple[str, list[str]]:
    """The flat the words name, and the words left once its notation is taken out."""
    for i, word in enumerate(words):
        # Most words are plain street words: only these few can start a flat's notation.
        if word.isalpha() and word not in FLAT_WORDS and word not in FLOOR_WORDS and len(word) > 2:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in FLAT_WORDS and after and after != ",":
            flat = after
            rest = words[:i] + words[i + 2 :]
            if _EDINBURGH_FLAT.match(flat):
                flat = _edinburgh(flat)
            elif _SLASH_FLAT.match(flat):
                flat = flat.replace("g/", "0/")
            return flat, rest
        if _EDINBURGH_FLAT.match(word) and not _BUILDING_NUMBER.match(word):
            return _edinburgh(word), words[:i] + words[i + 1 :]
        if after == "floor":
            floor = _floor(word)
            if floor is not None:
                side = words[i + 2] if i + 2 < len(words) else ""
                if side in SIDES:
                    return f"{floor}/{SIDES[side]}", words[:i] + words[i + 3 :]
                return floor, words[:i] + words[i + 2 :]
    for i, word in enumerate(words):
        slash = _SLASH_FLAT.match(word) if "/" in word else None
        if not slash:
            continue
        rest = words[:i] + words[i + 1 :]
        if any(other[0].isdigit() and _is_number(other) for other in rest if other != ","):
            # "2/1 14 Main Street": Glasgow floor/door before the building number.
            return word.replace("g/", "0/"), rest
        # "14/2 Main Street": Edinburgh main-door style, building 14, flat 2.
        building, door = slash.groups()
        return door, [*words[:i], building, *words[i + 1 :]]
    return "", words


def _words(text: str) -> list[str]:
    """The address's words, abbreviations written out, with "," between its parts."""
    found = _TOKEN.findall(text.lower().replace("'", "").replace(".", " "))
    words = []
    for i, word in enumerate(found):
        if word == ";":
            word = ","
        elif word == "st":
            # "St Andrew Square": a leading "st" before a name is a saint, not a street.
            before = found[i - 1] if i else ","
            after = found[i + 1] if i + 1 < len(found) else ","
            leads = before in (",", ";") or _is_number(before)
            named = after not in (",", ";") and STREET_WORDS.get(after, after) not in STREET_TYPES
            word = "saint" if leads and named else "street"
        else:
            word = STREET_WORDS.get(word, word)
        words.append(word)
    words.append(",")
    return words


@lru_cache(maxsize=500_000)
def parse_address(text: str) -> Address:
    """Flat, building number and street of a free-text address (any of them may be blank)."""
    flat, words = _take_flat(_words(text))
    building, street = "", ""
    for i, word in enumerate(words):
        if word != "," and _is_number(word):
            building = word
            street = _street(words[i + 1 :])
            if street:
                break
    if not street:
        street = _street(words)
    return Address(flat, building, street)


def _street(words: list[str]) -> str:
    taken: list[str] = []
    for word in words:
        if word == ",":
            if taken:
                break
            continue
        if _is_number(word) or word in FLAT_WORDS:
            if taken:
                break
            continue
        taken.append(word)
        if word in STREET_TYPES and len(taken) > 1:
            break
    return " ".join(taken[:4])
