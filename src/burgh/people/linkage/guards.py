"""Hard bars against the false merges that hurt: twins, generations of one name, spouses.

A match weight adds evidence up; a few combinations of differences mean two records cannot be
one person however much else agrees (same family, address and phone). `conflict` names the
bar, and clustering and online resolve never put two records that conflict in one person.
A bar only fires on differences that the usual slips (a nickname, a mistyped digit, a swapped
day and month, a year given alone) do not explain.
"""

from collections.abc import Collection

from rapidfuzz.distance import DamerauLevenshtein

from burgh.people.linkage.comparisons import DATE_OF_BIRTH, FAMILY_NAME, GIVEN_NAME, IDENTIFIER
from burgh.people.linkage.features import Features

TWINS, GENERATIONS, SPOUSES = "twins", "generations", "spouses"
GUARDS = (TWINS, GENERATIONS, SPOUSES)

# Birth years this far apart, not explained by one mistyped digit, are two generations.
GENERATION_YEARS = 15

_GIVEN_DIFFERENT = GIVEN_NAME.level_names().index("different")
_GIVEN_VARIANT = GIVEN_NAME.level_names().index("variant")
_FAMILY_DIFFERENT = FAMILY_NAME.level_names().index("different")
_DOB_EXACT = DATE_OF_BIRTH.level_names().index("exact")
_DOB_SAME_YEAR = DATE_OF_BIRTH.level_names().index("same_year")
_DOB_DIFFERENT = DATE_OF_BIRTH.level_names().index("different")
_IDENTIFIER_EXACT = IDENTIFIER.level_names().index("exact")
_IDENTIFIER_SLIP = IDENTIFIER.level_names().index("one_character")


def conflict(left: Features, right: Features, *, guards: Collection[str] = GUARDS) -> str | None:
    """Why these two records can never be one person, or None when nothing bars it.

    guards: the bars in force (all three unless a model says otherwise: data made by
    replacing whole values at random, such as FEBRL's, looks like twins and generations).

    Records that carry the same national identifier are never barred: twins, parents and
    spouses never share a CHI, NHS or National Insurance number, while a replaced name or
    date of birth on a record of one person does happen. Nor are identifiers one slip apart
    (a digit or two neighbours swapped): CHI and NHS numbers end in a check digit that makes
    two valid numbers differ by more, so one of the two is a typing slip.
    """
    if not guards or IDENTIFIER.level_of(left, right) in (_IDENTIFIER_EXACT, _IDENTIFIER_SLIP):
        return None
    year_a, year_b = left["dob_year"], right["dob_year"]
    if (
        GENERATIONS in guards
        and year_a is not None
        and year_b is not None
        and abs(year_a - year_b) >= GENERATION_YEARS
    ):
        a, b = left["dob"], right["dob"]
        if len(a) != len(b):
            a, b = a[:4], b[:4]  # one record gives only the year: compare the years
        if DamerauLevenshtein.distance(a, b, score_cutoff=2) > 1:
            return f"different generations: born {abs(year_a - year_b)} years apart"
    if (
        GENERATIONS in guards
        and len(left["dob"]) == len(right["dob"]) == len("yyyy-mm-dd")
        and year_a is not None
        and year_b is not None
        and year_a != year_b
        and DATE_OF_BIRTH.level_of(left, right) == _DOB_DIFFERENT
        and GIVEN_NAME.level_of(left, right) != _GIVEN_DIFFERENT
    ):
        # Two whole dates of birth in different years that no slip explains, on records of
        # one (or a like) given name: brothers or sisters given one name (a father's, a
        # grandmother's) are two people, however alike the rest is. A record giving only a
        # year, or none, is judged on the rest.
        return f"different people born {abs(year_a - year_b)} years apart (siblings or generations)"
    # Twins and spouses differ in given name: the same given name (nearly every pair of one
    # person) needs nothing further.
    if left["given"] == right["given"]:
        return None
    given = GIVEN_NAME.level_of(left, right)
    dob = DATE_OF_BIRTH.level_of(left, right)
    if TWINS in guards and dob == _DOB_EXACT:
        family = FAMILY_NAME.level_of(left, right)
        if 0 <= family < _FAMILY_DIFFERENT:
            if given == _GIVEN_DIFFERENT:
                return "twins: same family name and date of birth, different given names"
            sex_a, sex_b = left["sex"], right["sex"]
            if sex_a and sex_b and sex_a != sex_b and given > _GIVEN_VARIANT:
                return "twins: same family name and date of birth, different sex and given names"
    if SPOUSES in guards and given == _GIVEN_DIFFERENT and dob in (_DOB_SAME_YEAR, _DOB_DIFFERENT):
        return "different given names and dates of birth (such as spouses or siblings)"
    return None
