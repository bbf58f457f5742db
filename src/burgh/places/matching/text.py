"""Address words in one form: lower case, abbreviations written out, postcodes found.

Both sides of a comparison go through here, the gazetteer's rows and the text someone typed, so
"14 Burnside Cres." and "14 BURNSIDE CRESCENT" give the same words.
"""

import re
from functools import lru_cache

# Street types as people shorten them; the gazetteer spells them out.
STREET_TYPE_ABBREVIATIONS = {
    "st": "street",
    "str": "street",
    "rd": "road",
    "ave": "avenue",
    "av": "avenue",
    "avenu": "avenue",
    "dr": "drive",
    "drv": "drive",
    "cres": "crescent",
    "cresc": "crescent",
    "cr": "crescent",
    "pl": "place",
    "plc": "place",
    "gdns": "gardens",
    "gdn": "gardens",
    "gds": "gardens",
    "ter": "terrace",
    "terr": "terrace",
    "tce": "terrace",
    "ct": "court",
    "crt": "court",
    "ln": "lane",
    "sq": "square",
    "pk": "park",
    "gr": "grove",
    "gro": "grove",
    "gv": "grove",
    "wy": "way",
    "vw": "view",
    "brae": "brae",
    "upr": "upper",
    "lwr": "lower",
    "mt": "mount",
    "rdg": "ridge",
}
STREET_TYPES = frozenset(
    [
        "street",
        "road",
        "avenue",
        "drive",
        "crescent",
        "place",
        "gardens",
        "terrace",
        "court",
        "lane",
        "square",
        "park",
        "grove",
        "way",
        "view",
        "wynd",
        "brae",
        "loan",
        "row",
        "gate",
        "close",
        "vennel",
        "rise",
        "green",
        "walk",
        "circus",
        "quadrant",
        "mews",
        "parade",
    ]
)
QUALIFIERS = frozenset(
    ["upper", "lower", "north", "south", "east", "west", "new", "old", "wester", "easter"]
)
# Words that say nothing about which property is meant.
NOISE_WORDS = frozenset(["the", "of", "and", "at", "scotland", "uk", "gb", "united", "kingdom"])
# Words a flat notation is made of: explained by any flat, never evidence against a property.
# Left over when a flat notation was written without its door ("Flat, 14 Main St").
FLAT_WORDS = frozenset(["flat", "flt", "apartment", "apt", "floor", "flr"])
POSTCODE = re.compile(r"^([a-z]{1,2}[0-9][a-z0-9]?)([0-9][a-z]{2})$")
OUTWARD = re.compile(r"^[a-z]{1,2}[0-9][a-z0-9]?$")
INWARD = re.compile(r"^[0-9][a-z]{2}$")
_SLASH_SPACES = re.compile(r"\s*/\s*")
# "14-16" (a range) and "2-1" (a flat) keep their hyphen; any other hyphen splits words.
_DIGIT_HYPHEN = re.compile(r"(?<=[0-9a-z])\s*-\s*(?=[0-9])")


def tokens(text: str) -> list[str]:
    """Lower-case tokens, "2/1" and "14-16" kept whole, punctuation dropped."""
    lowered = text.lower().replace("'", "").replace("\u2019", "")
    lowered = _SLASH_SPACES.sub("/", lowered)
    lowered = _DIGIT_HYPHEN.sub("~", lowered)
    found = re.findall(r"[a-z0-9]+(?:[/~][a-z0-9]+)*", lowered)
    return [token.replace("~", "-") for token in found]


@lru_cache(maxsize=100_000)
def canonical_word(word: str) -> str:
    """A word as the gazetteer spells it ("cres" is "crescent")."""
    return STREET_TYPE_ABBREVIATIONS.get(word, word)


def words(text: str) -> list[str]:
    """The canonical words of a gazetteer field ("Burnside Cres." → ["burnside", "crescent"])."""
    found = tokens(text)
    out = []
    for i, word in enumerate(found):
        if word == "st" and i + 1 < len(found) and i == 0:
            # "St Andrew Square": a leading "st" before a name is a saint.
            out.append("saint")
        else:
            out.append(canonical_word(word))
    return out


def postcode_form(text: str) -> str:
    """A postcode as Royal Mail writes it ("kl12ab" → "KL1 2AB"); "" when it is not one."""
    compact = re.sub(r"[^a-z0-9]", "", text.lower())
    found = POSTCODE.match(compact)
    if not found:
        return ""
    return f"{found.group(1)} {found.group(2)}".upper()


def postcode_sector(postcode: str) -> str:
    return postcode[:-2] if postcode else ""


def postcode_district(postcode: str) -> str:
    return postcode.split(" ", 1)[0] if postcode else ""


def single_line(row: dict[str, str]) -> str:
    """A gazetteer row as one line, as a letter is addressed."""
    parts = [
        row.get("organisation", ""),
        row.get("sub_building", ""),
        row.get("building_name", ""),
        f"{row.get('building_number', '')} {row.get('street', '')}".strip(),
        row.get("locality", ""),
        row.get("town", ""),
        row.get("postcode", ""),
    ]
    return ", ".join(part for part in parts if part)
