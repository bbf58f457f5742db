"""Reading a free-text address into its parts: postcode, flat, building number and words.

Nothing here needs commas, a particular order or case: "2/1 14 main st kinloch kl1 2ab",
"Flat 2/1, 14 Main Street, Kinloch" and "14 MAIN STREET KINLOCH 2F1" read the same. The words
left over (street, building or business name, locality, town) are matched against the
gazetteer by the index, which knows which words are streets and which towns.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from burgh.places.matching.flats import FlatRef, take_flat
from burgh.places.matching.text import (
    INWARD,
    NOISE_WORDS,
    OUTWARD,
    POSTCODE,
    STREET_TYPES,
    canonical_word,
    tokens,
)

_NUMBER = re.compile(r"^([0-9]{1,5})([a-z]?)$")
_RANGE = re.compile(r"^([0-9]{1,5})[a-z]?-([0-9]{1,5})[a-z]?$")
_MAIN_DOOR = re.compile(r"^([0-9]{1,5}[a-z]?)/([0-9]{1,3})$")
_SUFFIX = re.compile(r"^[a-h]$")


@dataclass(frozen=True)
class ParsedAddress:
    """What the text says, in canonical form; any part may be missing."""

    text: str
    postcode: str = ""  # "KL1 2AB" when a whole postcode was given
    district: str = ""  # "KL1": from the postcode, or written alone
    flat: FlatRef | None = None
    number: str = ""  # "14", "14a" or a range "12-14"
    words: tuple[str, ...] = ()  # street, names, locality, town, in the order written
    other_numbers: tuple[str, ...] = field(default=())  # numbers left over, unexplained

    def summary(self) -> str:
        parts = []
        if self.flat is not None:
            parts.append(self.flat.describe())
        if self.number:
            parts.append(f"number {self.number}")
        if self.words:
            parts.append(" ".join(self.words))
        if self.postcode or self.district:
            parts.append(self.postcode or self.district)
        return "; ".join(parts)


def _take_postcode(found: list[str], districts: Collection[str]) -> tuple[str, str, list[str]]:
    for at in range(len(found) - 1, -1, -1):
        token = found[at]
        whole = POSTCODE.match(token)
        if whole and not _NUMBER.match(token):
            code = f"{whole.group(1)} {whole.group(2)}".upper()
            return code, whole.group(1).upper(), found[:at] + found[at + 1 :]
        if at + 1 < len(found) and OUTWARD.match(token) and INWARD.match(found[at + 1]):
            code = f"{token} {found[at + 1]}".upper()
            return code, token.upper(), found[:at] + found[at + 2 :]
    for at in range(len(found) - 1, -1, -1):
        token = found[at]
        if token.upper() in districts:
            return "", token.upper(), found[:at] + found[at + 1 :]
    return "", "", found


def _is_number(token: str) -> bool:
    return bool(_NUMBER.match(token) or _RANGE.match(token))


def parse(text: str, *, districts: Collection[str] = ()) -> ParsedAddress:
    """Parse `text`; `districts` are postcode districts ("KL1") to recognise when written alone."""
    found = tokens(text)
    postcode, district, found = _take_postcode(found, districts)
    standalone = [token for token in found if _is_number(token)]
    flat, found = take_flat(found, slash_is_flat=bool(standalone))
    number = ""
    rest: list[str] = []
    other: list[str] = []
    skip = False
    for at, token in enumerate(found):
        if skip:
            skip = False
            continue
        main_door = _MAIN_DOOR.match(token)
        if main_door and not number:
            # "14/2 Main Street": Edinburgh's main-door style, building 14, flat 2.
            number = main_door.group(1)
            if flat is None:
                flat = FlatRef(number=int(main_door.group(2)))
            continue
        if _NUMBER.match(token) or _RANGE.match(token):
            if number:
                other.append(token)
                continue
            number = token
            following = found[at + 1] if at + 1 < len(found) else ""
            if _SUFFIX.match(following) and _NUMBER.match(token) and token[-1].isdigit():
                # "14 A Main Street": the letter belongs to the number.
                number += following
                skip = True
            continue
        if any(ch.isdigit() for ch in token):
            other.append(token)
            continue
        rest.append(token)
    return ParsedAddress(
        text=text,
        postcode=postcode,
        district=district,
        flat=flat,
        number=number,
        words=tuple(_canonical(rest)),
        other_numbers=tuple(other),
    )


def _canonical(found: list[str]) -> list[str]:
    out: list[str] = []
    for at, token in enumerate(found):
        if token in NOISE_WORDS:
            continue
        if token == "st":  # noqa: S105 (a word, not a secret)
            following = found[at + 1] if at + 1 < len(found) else ""
            named = bool(following) and canonical_word(following) not in STREET_TYPES
            # "St Andrew Square" (a saint before a name) against "Main St" (a street).
            out.append("saint" if named and (not out or at == 0) else "street")
            continue
        out.append(canonical_word(token))
    return out
