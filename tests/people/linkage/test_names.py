"""Names: Mac/Mc/M' as one, double-barrelled parts, and the variant groups of given names."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from burgh.people.linkage.names import (
    GIVEN_NAME_GROUPS,
    family_name_parts,
    given_name_groups,
    given_name_key,
    given_name_parts,
    plain,
)


@pytest.mark.parametrize("written", ["McDonald", "MacDonald", "M'Donald", "Mc Donald", "MACDONALD"])
def test_scottish_prefixes_are_one_family_name(written):
    assert family_name_parts(written)[0] == "macdonald"


def test_double_barrelled_names_keep_their_parts():
    assert family_name_parts("Smith-Jones") == ("smithjones", ("jones", "smith"))
    assert family_name_parts("Smith Jones")[0] == "smithjones"
    assert family_name_parts("Smith") == ("smith", ())


def test_accents_apostrophes_and_titles_are_dropped():
    assert family_name_parts("O'Neill")[0] == "oneill"
    assert given_name_parts("Mòrag") == ("morag", ())
    assert given_name_parts("Mrs Mary Ann") == ("mary", ("ann",))
    assert given_name_parts("  ") == ("", ())


def test_there_are_at_least_150_groups_of_given_names():
    groups = {group for ids in GIVEN_NAME_GROUPS.values() for group in ids}
    assert len(groups) >= 150


@pytest.mark.parametrize(
    "names",
    [
        ("elizabeth", "liz", "betty", "beth", "eliza"),
        ("alexander", "alex", "sandy", "alasdair", "alistair"),
        ("robert", "rob", "bob", "rab", "robbie"),
        ("james", "jim", "jamie", "hamish"),
        ("john", "jack", "ian", "iain"),
        ("margaret", "maggie", "peggy", "mairead"),
        ("catherine", "kate", "cathy", "kirsty"),
    ],
)
def test_the_issues_variants_share_a_group_and_a_blocking_key(names):
    first = set(given_name_groups(names[0]))
    for name in names[1:]:
        assert first & set(given_name_groups(name)), name
        assert given_name_key(name) == given_name_key(names[0])


def test_unrelated_names_share_no_group():
    assert not set(given_name_groups("robert")) & set(given_name_groups("james"))
    assert given_name_groups("zebedee") == ()
    assert given_name_key("zebedee") == "zebedee"


@given(st.text(max_size=40))
def test_plain_text_is_lowercase_letters_and_single_spaces(text):
    result = plain(text)
    assert result == result.strip()
    assert "  " not in result
    assert all(c == " " or "a" <= c <= "z" for c in result)
