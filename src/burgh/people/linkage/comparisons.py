"""The comparisons of the matching model, each written twice: as Splink SQL and in Python.

Splink scores pairs in DuckDB (training and batch linkage) from the SQL conditions; the online
scorer (`Model.score`) chooses levels with the Python twin, which must choose the same level
for every pair (tests/people/linkage/test_parity.py holds them to it). A comparison's levels
are tried in order and the first that holds is the pair's level; a level of -1 means one side
is not known, which adds no evidence either way.

The columns are the feature names of `prepare`, with blanks as SQL NULL and lists as lists.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein

from burgh.people.linkage.features import Features

NULL = -1
# Jaro-Winkler similarity thresholds for names "spelt almost the same" and "alike".
CLOSE = 0.92
ALIKE = 0.80
# Street names "spelt almost the same" (Jaro-Winkler), for typing slips in an address.
CLOSE_STREET = 0.88


@dataclass(frozen=True)
class Level:
    name: str  # the level's key in the model's parameters
    label: str  # what it means, for a person reading an explanation
    sql: str  # the Splink condition, over columns suffixed _l and _r
    term_frequency: bool = False  # an exact match adjusted for how common the value is


@dataclass(frozen=True)
class Comparison:
    name: str
    column: str  # the feature whose term frequencies adjust the exact level (or "")
    null_label: str
    null_sql: str
    levels: tuple[Level, ...]
    level_of: Callable[[Features, Features], int]

    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)


def _either_null(column: str) -> str:
    return f'"{column}_l" IS NULL OR "{column}_r" IS NULL'


def _one_slip_sql(column: str) -> str:
    # One slip is at most two plain edits, and Levenshtein is far cheaper in DuckDB than
    # Damerau-Levenshtein, which then runs only on the few pairs that pass.
    return (
        f'levenshtein("{column}_l", "{column}_r") <= 2 AND '
        f'damerau_levenshtein("{column}_l", "{column}_r") <= 1'
    )


def _jw(column: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}'


# Given name -------------------------------------------------------------------------------


def _swapped(left: Features, right: Features) -> bool:
    # Given and family names written the wrong way round, perhaps with a slip in either.
    given_a, family_a = left["given"], left["family"]
    given_b, family_b = right["given"], right["family"]
    if not (given_a and family_a and given_b and family_b):
        return False
    return (
        JaroWinkler.similarity(given_a, family_b) >= CLOSE
        and JaroWinkler.similarity(family_a, given_b) >= CLOSE
    )


_SWAPPED_SQL = (
    '"family_l" IS NOT NULL AND "family_r" IS NOT NULL AND '
    f'jaro_winkler_similarity("given_l", "family_r") >= {CLOSE} AND '
    f'jaro_winkler_similarity("family_l", "given_r") >= {CLOSE}'
)


def _given(left: Features, right: Features) -> int:
    a, b = left["given"], right["given"]
    if not a or not b:
        return NULL
    if a == b:
        return 0
    if not set(left["given_groups"]).isdisjoint(right["given_groups"]):
        return 1
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= CLOSE:
        return 2
    # One slip in a short name ("Mia" typed "Ima"), but not two different initials.
    if len(a) > 1 and len(b) > 1 and DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1:
        return 2
    if a in right["given_middle"] or b in left["given_middle"]:
        return 3
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return 3
    if _swapped(left, right):
        return 4
    if similarity >= ALIKE:
        return 5
    return 6


GIVEN_NAME = Comparison(
    name="given_name",
    column="given",
    null_label="a given name is missing",
    null_sql=_either_null("given"),
    levels=(
        Level("exact", "given names agree", '"given_l" = "given_r"', term_frequency=True),
        Level(
            "variant",
            "given names are forms of one name (such as Liz and Elizabeth)",
            'list_has_any("given_groups_l", "given_groups_r")',
        ),
        Level(
            "close",
            "given names spelt almost the same, or one slip apart",
            f'{_jw("given", CLOSE)} OR (length("given_l") > 1 AND length("given_r") > 1 AND '
            f"{_one_slip_sql('given')})",
        ),
        Level(
            "middle_or_initial",
            "one given name is the other's middle name or initial",
            'list_contains("given_middle_r", "given_l") OR list_contains("given_middle_l", '
            '"given_r") OR ((length("given_l") = 1 OR length("given_r") = 1) AND '
            'substr("given_l", 1, 1) = substr("given_r", 1, 1))',
        ),
        Level("swapped", "given and family names written the other way round", _SWAPPED_SQL),
        Level("alike", "given names somewhat alike", _jw("given", ALIKE)),
        Level("different", "given names differ", "ELSE"),
    ),
    level_of=_given,
)

# Middle names -----------------------------------------------------------------------------


def _middle(left: Features, right: Features) -> int:
    a, b = left["given_middle"], right["given_middle"]
    if not a or not b:
        return NULL
    if a == b:
        return 0
    if not set(a).isdisjoint(b):
        return 1
    if a[0][0] == b[0][0]:
        return 2
    return 3


MIDDLE_NAME = Comparison(
    name="middle_name",
    column="",
    null_label="a middle name is not recorded",
    null_sql='len("given_middle_l") = 0 OR len("given_middle_r") = 0',
    levels=(
        Level("exact", "middle names agree", '"given_middle_l" = "given_middle_r"'),
        Level(
            "shared",
            "the records share a middle name",
            'list_has_any("given_middle_l", "given_middle_r")',
        ),
        Level(
            "initial",
            "middle names start with the same letter",
            'substr(list_extract("given_middle_l", 1), 1, 1) = '
            'substr(list_extract("given_middle_r", 1), 1, 1)',
        ),
        Level("different", "middle names differ", "ELSE"),
    ),
    level_of=_middle,
)

# Family name ------------------------------------------------------------------------------


def _family(left: Features, right: Features) -> int:
    a, b = left["family"], right["family"]
    if not a or not b or _swapped(left, right):
        return NULL
    if a == b:
        return 0
    parts_a, parts_b = left["family_parts"], right["family_parts"]
    if a in parts_b or b in parts_a or not set(parts_a).isdisjoint(parts_b):
        return 1
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= CLOSE:
        return 2
    if similarity >= ALIKE:
        return 3
    return 4


FAMILY_NAME = Comparison(
    name="family_name",
    column="family",
    # Names written the other way round are one piece of evidence, counted under given name.
    null_label="family names not compared: one is missing, or the names are the other way round",
    null_sql=f"{_either_null('family')} OR ({_SWAPPED_SQL})",
    levels=(
        Level(
            "exact",
            "family names agree (Mac, Mc and M' count as one)",
            '"family_l" = "family_r"',
            term_frequency=True,
        ),
        Level(
            "part",
            "one family name is part of the other, double-barrelled one",
            'list_contains("family_parts_r", "family_l") OR list_contains("family_parts_l", '
            '"family_r") OR list_has_any("family_parts_l", "family_parts_r")',
        ),
        Level("close", "family names spelt almost the same", _jw("family", CLOSE)),
        Level("alike", "family names somewhat alike", _jw("family", ALIKE)),
        Level("different", "family names differ", "ELSE"),
    ),
    level_of=_family,
)

# Date of birth ----------------------------------------------------------------------------


def _date_of_birth(left: Features, right: Features) -> int:
    a, b = left["dob"], right["dob"]
    if not a or not b:
        return NULL
    if len(a) == 10 and len(b) == 10:
        if a == b:
            return 0
        if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
            return 1
        if DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1:
            return 2
        if a[:4] == b[:4]:
            return 4
        return 5
    if DamerauLevenshtein.distance(a[:4], b[:4], score_cutoff=2) <= 1:
        return 3
    return 5


_BOTH_FULL = 'length("dob_l") = 10 AND length("dob_r") = 10'
_TWO_PARTS_AGREE = " OR ".join(
    f'(substr("dob_l", {a}) = substr("dob_r", {a}) AND substr("dob_l", {b}) = substr("dob_r", {b}))'
    for a, b in (("1, 4", "6, 2"), ("1, 4", "9, 2"), ("6, 2", "9, 2"))
)
DATE_OF_BIRTH = Comparison(
    name="date_of_birth",
    column="",
    null_label="a date of birth is missing",
    null_sql=_either_null("dob"),
    levels=(
        Level("exact", "dates of birth agree", f'{_BOTH_FULL} AND "dob_l" = "dob_r"'),
        Level(
            "day_month_swapped",
            "dates of birth agree with day and month swapped",
            f'{_BOTH_FULL} AND substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND '
            'substr("dob_l", 6, 2) = substr("dob_r", 9, 2) AND '
            'substr("dob_l", 9, 2) = substr("dob_r", 6, 2)',
        ),
        Level(
            "one_digit",
            "dates of birth differ by one digit, or two neighbouring digits swapped",
            # One slip stays inside the year, the month or the day, so the other two agree;
            # testing that first spares DuckDB the costly edit distance on most pairs.
            f'{_BOTH_FULL} AND ({_TWO_PARTS_AGREE}) AND damerau_levenshtein("dob_l", "dob_r") <= 1',
        ),
        Level(
            "year_only",
            "years of birth agree or differ by one slip (one record gives only the year)",
            '(length("dob_l") < 10 OR length("dob_r") < 10) AND '
            'damerau_levenshtein(substr("dob_l", 1, 4), substr("dob_r", 1, 4)) <= 1',
        ),
        Level(
            "same_year",
            "born in the same year, on different days",
            f'{_BOTH_FULL} AND substr("dob_l", 1, 4) = substr("dob_r", 1, 4)',
        ),
        Level("different", "dates of birth differ", "ELSE"),
    ),
    level_of=_date_of_birth,
)

# Sex --------------------------------------------------------------------------------------


def _sex(left: Features, right: Features) -> int:
    a, b = left["sex"], right["sex"]
    if not a or not b:
        return NULL
    return 0 if a == b else 1


SEX = Comparison(
    name="sex",
    column="",
    null_label="sex not recorded on one side",
    null_sql=_either_null("sex"),
    levels=(
        Level("exact", "sex recorded the same", '"sex_l" = "sex_r"'),
        Level("different", "sex recorded differently", "ELSE"),
    ),
    level_of=_sex,
)

# Postcode ---------------------------------------------------------------------------------


def _same_door(left: Features, right: Features) -> bool:
    uprn = left["uprn"]
    if uprn and uprn == right["uprn"]:
        return True
    building, street = left["building"], left["street"]
    return bool(building and building == right["building"] and street and street == right["street"])


_SAME_DOOR_SQL = '"uprn_l" = "uprn_r" OR ("building_l" = "building_r" AND "street_l" = "street_r")'


def _postcode(left: Features, right: Features) -> int:
    a, b = left["postcode"], right["postcode"]
    if not a or not b or _same_door(left, right):
        return NULL
    if a == b:
        return 0
    sector = left["postcode_sector"]
    if sector and sector == right["postcode_sector"]:
        return 1
    if Levenshtein.distance(a, b, score_cutoff=2) <= 1:
        return 2
    district = left["postcode_district"]
    if district and district == right["postcode_district"]:
        return 3
    return 4


POSTCODE = Comparison(
    name="postcode",
    column="postcode",
    # At one door the postcode says nothing the address has not: counting it again would
    # make a household look like one person twice over.
    null_label="postcodes not compared: one is missing, or the address already agrees",
    null_sql=f"{_either_null('postcode')} OR ({_SAME_DOOR_SQL})",
    levels=(
        Level("exact", "postcodes agree", '"postcode_l" = "postcode_r"', term_frequency=True),
        Level(
            "sector",
            "postcodes in the same sector (such as EH1 1)",
            '"postcode_sector_l" = "postcode_sector_r"',
        ),
        Level(
            "one_character",
            "postcodes differ by one character",
            'levenshtein("postcode_l", "postcode_r") <= 1',
        ),
        Level(
            "district",
            "postcodes in the same district (such as EH1)",
            '"postcode_district_l" = "postcode_district_r"',
        ),
        Level("different", "postcodes differ", "ELSE"),
    ),
    level_of=_postcode,
)

# Address ----------------------------------------------------------------------------------


def _address(left: Features, right: Features) -> int:
    uprn_a, uprn_b = left["uprn"], right["uprn"]
    street_a, street_b = left["street"], right["street"]
    if (not uprn_a or not uprn_b) and (not street_a or not street_b):
        return NULL
    if uprn_a and uprn_a == uprn_b:
        return 0
    building = left["building"]
    same_building = building and building == right["building"]
    if same_building and street_a and street_a == street_b:
        return 1 if left["flat"] == right["flat"] else 2
    if not street_a or not street_b:
        return 5
    if same_building and JaroWinkler.similarity(street_a, street_b) >= CLOSE_STREET:
        return 3
    if street_a == street_b:
        return 4
    return 5


_SAME_DOOR = '"building_l" = "building_r" AND "street_l" = "street_r"'
ADDRESS = Comparison(
    name="address",
    column="",
    null_label="an address is missing",
    null_sql=f"({_either_null('uprn')}) AND ({_either_null('street')})",
    levels=(
        Level("uprn", "same property (UPRN)", '"uprn_l" = "uprn_r"'),
        Level(
            "same_flat",
            "same flat, building number and street",
            f"{_SAME_DOOR} AND coalesce(\"flat_l\", '') = coalesce(\"flat_r\", '')",
        ),
        Level("same_building", "same building number and street, flat differs", _SAME_DOOR),
        Level(
            "close",
            "same building number, street spelt almost the same",
            '"building_l" = "building_r" AND '
            f'jaro_winkler_similarity("street_l", "street_r") >= {CLOSE_STREET}',
        ),
        Level("same_street", "same street, different building", '"street_l" = "street_r"'),
        Level("different", "addresses differ", "ELSE"),
    ),
    level_of=_address,
)

# Email, phone, national identifier ---------------------------------------------------------


def _email(left: Features, right: Features) -> int:
    a, b = left["email"], right["email"]
    if not a or not b:
        return NULL
    if a == b:
        return 0
    if a.split("@", 1)[0] == b.split("@", 1)[0]:
        return 1
    return 2


EMAIL = Comparison(
    name="email",
    column="",
    null_label="an email address is missing",
    null_sql=_either_null("email"),
    levels=(
        Level("exact", "email addresses agree", '"email_l" = "email_r"'),
        Level(
            "same_user",
            "email addresses agree before the @",
            "split_part(\"email_l\", '@', 1) = split_part(\"email_r\", '@', 1)",
        ),
        Level("different", "email addresses differ", "ELSE"),
    ),
    level_of=_email,
)


def _one_slip(column: str) -> Callable[[Features, Features], int]:
    def level_of(left: Features, right: Features) -> int:
        a, b = left[column], right[column]
        if not a or not b:
            return NULL
        if a == b:
            return 0
        if DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1:
            return 1
        return 2

    return level_of


PHONE = Comparison(
    name="phone",
    column="",
    null_label="a phone number is missing",
    null_sql=_either_null("phone"),
    levels=(
        Level("exact", "phone numbers agree", '"phone_l" = "phone_r"'),
        Level(
            "one_digit",
            "phone numbers differ by one digit or two swapped digits",
            _one_slip_sql("phone"),
        ),
        Level("different", "phone numbers differ", "ELSE"),
    ),
    level_of=_one_slip("phone"),
)

IDENTIFIER = Comparison(
    name="identifier",
    column="",
    null_label="a national identifier is missing",
    null_sql=_either_null("identifier"),
    levels=(
        Level("exact", "national identifiers agree", '"identifier_l" = "identifier_r"'),
        Level(
            "one_character",
            "national identifiers differ by one character",
            _one_slip_sql("identifier"),
        ),
        Level("different", "national identifiers differ", "ELSE"),
    ),
    level_of=_one_slip("identifier"),
)

COMPARISONS: tuple[Comparison, ...] = (
    GIVEN_NAME,
    MIDDLE_NAME,
    FAMILY_NAME,
    DATE_OF_BIRTH,
    SEX,
    POSTCODE,
    ADDRESS,
    EMAIL,
    PHONE,
    IDENTIFIER,
)
BY_NAME = {comparison.name: comparison for comparison in COMPARISONS}
