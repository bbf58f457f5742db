"""Case-type fields: an administrator's questions checked, answered through the API and on GOV.UK
pages by the same rules, shown on the case page and described by a JSON Schema."""

import json
import re
from datetime import date, timedelta

import jsonschema  # openapi-spec-validator's, a pinned dev dependency
import pytest
from django.template import Context, Template
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from burgh.cases.fields import (
    Condition,
    FieldDefinitionError,
    check_definition,
    clean_data,
    display,
    json_schema,
    pages,
)
from burgh.cases.fields_forms import form_class, initial, to_data
from burgh.core.errors import InvalidInputError

BINS = [
    {"value": "general", "label": "General waste (green)"},
    {"value": "recycling", "label": "Recycling (blue)"},
    {"value": "other", "label": "Something else"},
]
MISSED_BIN = [
    {
        "name": "bin_type",
        "label": "Which bin was missed?",
        "type": "radios",
        "required": True,
        "hint": "Look at the colour of the lid",
        "options": BINS,
    },
    {
        "name": "other_bin",
        "label": "Describe the bin",
        "type": "text",
        "required": True,
        "show_if": {"field": "bin_type", "equals": "other"},
    },
    {
        "name": "missed_on",
        "label": "Date the bin was missed",
        "type": "date",
        "required": True,
        "past": True,
    },
    {"name": "bags", "label": "Number of bags left out", "type": "number", "min": 1, "max": 10},
    {"name": "blocked", "label": "Was the bin blocked in?", "type": "yes_no", "page": 2},
    {
        "name": "blocked_by",
        "label": "What blocked it?",
        "type": "checkboxes",
        "required": True,
        "page": 2,
        "options": [
            {"value": "car", "label": "A parked car"},
            {"value": "works", "label": "Works"},
        ],
        "show_if": {"field": "blocked", "equals": True},
    },
    {"name": "phone", "label": "Your phone number", "type": "phone", "page": 2, "sensitive": True},
]
# One question of every type, none required, one hanging on another, for the properties.
EVERY_TYPE = [
    {"name": "note", "label": "Note", "type": "text", "max_length": 40},
    {"name": "story", "label": "What happened?", "type": "textarea"},
    {"name": "count", "label": "Number of bins", "type": "number", "min": 0, "max": 100},
    {"name": "weight", "label": "Weight in kilograms", "type": "decimal", "min": -5, "max": 1000},
    {"name": "seen_on", "label": "Date you saw it", "type": "date", "past": True},
    {"name": "visit_on", "label": "Date we may visit", "type": "date", "future": True},
    {"name": "size", "label": "Size", "type": "select", "options": BINS},
    {"name": "bin", "label": "Which bin?", "type": "radios", "options": BINS},
    {"name": "extras", "label": "Extras", "type": "checkboxes", "options": BINS},
    {
        "name": "other_extra",
        "label": "Other extra",
        "type": "text",
        "show_if": {"field": "extras", "equals": "other"},
    },
    {"name": "urgent", "label": "Is it urgent?", "type": "yes_no"},
    {"name": "email", "label": "Your email address", "type": "email"},
    {"name": "phone", "label": "Your phone number", "type": "phone"},
    {"name": "postcode", "label": "Postcode", "type": "postcode"},
]


def today() -> date:
    return timezone.localdate()


def problems(error: pytest.ExceptionInfo[InvalidInputError]) -> dict[str, str]:
    return {problem["pointer"]: problem["detail"] for problem in error.value.errors}


def one(definition: dict) -> list[dict]:
    return [{"name": "answer", "label": "Answer", "type": "text", **definition}]


def render(form) -> str:
    html = Template('{% include "cases/includes/case_fields.html" %}').render(
        Context({"form": form})
    )
    return re.sub(r"\s+", " ", html)


# The definition


def test_a_definition_comes_back_as_the_json_it_was_written_as():
    fields = check_definition(MISSED_BIN)

    again = check_definition(json.loads(json.dumps([f.to_definition() for f in fields])))

    assert again == fields
    assert fields[1].show_if == Condition("bin_type", "other")
    assert fields[6].sensitive
    assert [f.page for f in fields] == [1, 1, 1, 1, 2, 2, 2]


def test_every_mistake_in_a_definition_is_reported_at_once_where_it_is():
    definition = [
        {"name": "Bin Type", "label": "", "type": "dropdown", "requried": True},
        {"name": "status", "label": "Status", "type": "text", "min": 1, "max_length": 0},
        {"name": "bags", "label": "Bags", "type": "number", "min": 1.5},
        {"name": "bags", "label": "Bags again", "type": "radios", "options": [{"value": "a"}]},
        {
            "name": "bin",
            "label": "Bin",
            "type": "checkboxes",
            "page": 0,
            "options": [{"value": "a", "label": "A"}, {"value": "a", "label": ""}, "b"],
        },
        {
            "name": "when",
            "label": "When",
            "type": "date",
            "past": True,
            "future": True,
            "sensitive": "yes",
            "hint": 3,
        },
        {"name": "weight", "label": "Weight", "type": "decimal", "min": 5, "max": 1},
        {"name": "size", "label": "Size", "type": "select", "options": BINS},
        {"name": "why", "label": "Why", "type": "text", "show_if": {"field": "size"}},
        {
            "name": "what",
            "label": "What",
            "type": "text",
            "show_if": {"field": "size", "equals": "purple"},
        },
        {
            "name": "who",
            "label": "Who",
            "type": "text",
            "show_if": {"field": "later", "equals": "x"},
        },
        "a question",
        {"name": "later", "label": "Later", "type": "yes_no", "page": 3, "a/b": 1},
        {"name": "x" * 41, "label": "Long", "type": "text", "options": []},
    ]

    with pytest.raises(FieldDefinitionError) as refused:
        check_definition(definition)

    found = problems(refused)
    assert set(found) == {
        "#/fields/0/requried",
        "#/fields/0/name",
        "#/fields/0/label",
        "#/fields/0/type",
        "#/fields/1/name",
        "#/fields/1/min",
        "#/fields/1/max_length",
        "#/fields/2/min",
        "#/fields/3/name",
        "#/fields/3/options",
        "#/fields/4/options/1/value",
        "#/fields/4/options/1/label",
        "#/fields/4/options/2",
        "#/fields/4/page",
        "#/fields/5/future",
        "#/fields/5/sensitive",
        "#/fields/5/hint",
        "#/fields/6/max",
        "#/fields/8/show_if",
        "#/fields/9/show_if/equals",
        "#/fields/10/show_if/field",
        "#/fields/11",
        "#/fields/12/a~1b",
        "#/fields/12/page",
        "#/fields/13/name",
        "#/fields/13/options",
    }
    assert "'requried' is not a field setting" in found["#/fields/0/requried"]
    assert "like bin_type" in found["#/fields/0/name"]
    assert "radios, checkboxes" in found["#/fields/0/type"]
    assert "choose another name, like status_detail" in found["#/fields/1/name"]
    assert found["#/fields/1/min"] == "min is only for number and decimal fields; remove it."
    assert found["#/fields/2/min"] == "Give min as a whole number; not 1.5."
    assert found["#/fields/3/name"].startswith("Field 2 is already called 'bags'")
    assert "at least 2 options" in found["#/fields/3/options"]
    assert "values must differ" in found["#/fields/4/options/1/value"]
    assert found["#/fields/6/max"] == "Give a max of at least the min, 5."
    assert found["#/fields/9/show_if/equals"] == (
        "Give an answer 'size' can have. Select the size: general, recycling or other."
    )
    assert "'later' is not a field above this one" in found["#/fields/10/show_if/field"]
    assert found["#/fields/12/page"] == "There is no page 2 before page 3; number pages from 1."
    assert refused.value.status == 422


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        ({"fields": []}, "#/fields"),
        (
            [
                {"name": "a", "label": "A", "type": "yes_no"},
                {
                    "name": "b",
                    "label": "B",
                    "type": "text",
                    "show_if": {"field": "a", "equals": "perhaps"},
                },
            ],
            "#/fields/1/show_if/equals",
        ),
        (
            [{"name": "a", "label": "A", "type": "text", "show_if": {"field": "a", "equals": "x"}}],
            "#/fields/0/show_if/field",
        ),
        (
            [
                {"name": "a", "label": "A", "type": "yes_no", "page": 2},
                {
                    "name": "b",
                    "label": "B",
                    "type": "text",
                    "show_if": {"field": "a", "equals": True},
                },
            ],
            "#/fields/1/show_if/field",
        ),
    ],
)
def test_a_definition_is_refused_where_it_is_wrong(raw, pointer):
    with pytest.raises(FieldDefinitionError) as refused:
        check_definition(raw)

    assert pointer in problems(refused)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"min_length": 0}, "Give min_length as a whole number from 1 to 100,000."),
        ({"min_length": 501}, "Give a min_length of at most the max_length, 500."),
        ({"min_length": 8, "max_length": 6}, "Give a min_length of at most the max_length, 6."),
    ],
)
def test_a_shortest_answer_must_fit_within_the_longest(setting, message):
    with pytest.raises(FieldDefinitionError) as refused:
        check_definition([{"name": "a", "label": "A", "type": "text", **setting}])

    assert problems(refused) == {"#/fields/0/min_length": message}


def test_a_process_steps_questions_are_named_as_the_process_reads_them():
    asked = [
        {"name": "depthMm", "label": "Depth", "type": "number"},
        {"name": "status", "label": "Status", "type": "text"},
    ]

    assert [f.name for f in check_definition(asked, variables=True)] == ["depthMm", "status"]
    with pytest.raises(FieldDefinitionError) as refused:
        check_definition(asked)
    assert set(problems(refused)) == {"#/fields/0/name", "#/fields/1/name"}
    with pytest.raises(FieldDefinitionError) as refused:
        check_definition([*asked, {"name": "_x", "label": "X", "type": "text"}], variables=True)
    assert "beginning with a letter" in problems(refused)["#/fields/2/name"]
    with pytest.raises(FieldDefinitionError) as refused:
        check_definition([*asked, {"name": "status", "label": "S", "type": "text"}], variables=True)
    assert "already called 'status'" in problems(refused)["#/fields/2/name"]


def test_no_questions_is_a_definition():
    assert check_definition([]) == ()
    assert clean_data((), {}) == {}


# Answers through the API


@pytest.mark.parametrize(
    ("definition", "given", "stored"),
    [
        ({"type": "text"}, "  The lid is broken  ", "The lid is broken"),
        ({"type": "textarea"}, "Line one\r\nLine two\r\n", "Line one\nLine two"),
        ({"type": "number"}, 7, 7),
        ({"type": "number"}, " 1,200 ", 1200),
        ({"type": "number"}, 3.0, 3),
        ({"type": "decimal"}, "2.50", 2.5),
        ({"type": "decimal"}, 12, 12.0),
        ({"type": "date"}, "2026-11-30", "2026-11-30"),
        ({"type": "date"}, date(2026, 11, 30), "2026-11-30"),
        ({"type": "select", "options": BINS}, "recycling", "recycling"),
        ({"type": "radios", "options": BINS}, "general", "general"),
        (
            {"type": "checkboxes", "options": BINS},
            ["other", "general", "other"],
            ["general", "other"],
        ),
        ({"type": "yes_no"}, False, False),
        ({"type": "yes_no"}, "Yes", True),
        ({"type": "email"}, " someone@example.com ", "someone@example.com"),
        ({"type": "phone"}, "07700 900982", "+447700900982"),
        ({"type": "phone"}, "+44 (0)131 496 0000", "+441314960000"),
        ({"type": "phone"}, "(01632) 960-001", "+441632960001"),
        ({"type": "postcode"}, "eh11yz", "EH1 1YZ"),
        ({"type": "postcode"}, " kw15  1hr ", "KW15 1HR"),
    ],
)
def test_every_type_stores_a_good_answer_in_its_normal_form(definition, given, stored):
    fields = check_definition(one(definition))

    assert clean_data(fields, {"answer": given}) == {"answer": stored}


@pytest.mark.parametrize(
    ("definition", "given", "message"),
    [
        ({"type": "text", "max_length": 5}, "too long", "The answer must be 5 characters or fewer"),
        ({"type": "textarea", "min_length": 3}, " ab ", "The answer must be 3 characters or more"),
        ({"type": "text"}, 12, "The answer must be text"),
        ({"type": "textarea"}, "a\x00b", "The answer must not include null characters"),
        ({"type": "number"}, "2.5", "The answer must be a whole number"),
        ({"type": "number"}, True, "The answer must be a whole number"),
        ({"type": "number", "min": 1, "max": 10}, 11, "The answer must be between 1 and 10"),
        ({"type": "number", "min": 1000}, "5", "The answer must be 1,000 or more"),
        ({"type": "decimal", "max": 2.5}, "2.51", "The answer must be 2.5 or less"),
        ({"type": "decimal"}, "NaN", "The answer must be a number"),
        ({"type": "decimal"}, float("inf"), "The answer must be a number"),
        (
            {"type": "number"},
            10**15,
            "The answer must have 15 digits or fewer before any decimal point",
        ),
        ({"type": "date"}, "2026-02-30", "The answer must be a real date"),
        ({"type": "date"}, "30/11/2026", "The answer must be a real date, like 2026-11-30"),
        (
            {"type": "select", "options": BINS},
            "purple",
            "Select the answer: general, recycling or other",
        ),
        (
            {"type": "checkboxes", "options": BINS},
            "general",
            "Select the answer: general, recycling or other",
        ),
        (
            {"type": "checkboxes", "options": BINS},
            ["general", "purple"],
            "Select the answer: general, recycling or other",
        ),
        ({"type": "yes_no"}, "maybe", "Select yes or no for “Answer”"),
        ({"type": "yes_no"}, 1, "Select yes or no for “Answer”"),
        (
            {"type": "email"},
            "someone@",
            "Enter the answer in the correct format, like name@example.com",
        ),
        (
            {"type": "phone"},
            "+33 1 23 45 67 89",
            "Enter the answer in the correct format, like "
            "01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        (
            {"type": "phone"},
            "077009009",
            "Enter the answer in the correct format, like "
            "01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        ({"type": "postcode"}, "EH1", "Enter the answer in the correct format, like EH1 1YZ"),
    ],
)
def test_every_type_refuses_a_bad_answer_with_govuk_words(definition, given, message):
    fields = check_definition(one(definition))

    with pytest.raises(InvalidInputError) as refused:
        clean_data(fields, {"answer": given})

    assert problems(refused) == {"#/data/answer": message}


def test_dates_in_the_past_or_future_include_today():
    fields = check_definition(
        [
            {"name": "missed_on", "label": "Date the bin was missed", "type": "date", "past": True},
            {"name": "visit_on", "label": "Date we may visit", "type": "date", "future": True},
        ]
    )
    tomorrow, yesterday = today() + timedelta(days=1), today() - timedelta(days=1)

    assert clean_data(fields, {"missed_on": today(), "visit_on": today()}) == {
        "missed_on": today().isoformat(),
        "visit_on": today().isoformat(),
    }
    with pytest.raises(InvalidInputError) as refused:
        clean_data(fields, {"missed_on": tomorrow.isoformat(), "visit_on": yesterday.isoformat()})
    assert problems(refused) == {
        "#/data/missed_on": "The date the bin was missed must be today or in the past",
        "#/data/visit_on": "The date we may visit must be today or in the future",
    }


def test_missing_answers_and_unknown_names_are_all_reported_at_once():
    problem = {"name": "problem", "label": "Describe the problem", "type": "textarea"}
    fields = check_definition([*MISSED_BIN, {**problem, "required": True}])

    with pytest.raises(InvalidInputError) as refused:
        clean_data(fields, {"bin_type": "", "colour": "green", "missed_on": None})

    assert refused.value.detail == "The request's details are not right."
    assert problems(refused) == {
        "#/data/colour": "There is no question 'colour'; use bags, bin_type, blocked, blocked_by, "
        "missed_on, other_bin, phone or problem",
        "#/data/bin_type": "Select which bin was missed",
        "#/data/missed_on": "Enter the date the bin was missed",
        "#/data/problem": "Describe the problem",
    }


def test_an_optional_question_left_blank_is_not_stored():
    fields = check_definition(MISSED_BIN)

    data = clean_data(
        fields, {"bin_type": "general", "missed_on": "2026-01-05", "bags": "", "phone": "  "}
    )

    assert data == {"bin_type": "general", "missed_on": "2026-01-05"}


def test_a_question_that_does_not_apply_is_neither_required_nor_stored():
    fields = check_definition(MISSED_BIN)
    answers = {"bin_type": "general", "missed_on": "2026-01-05", "blocked": "no"}

    # A hidden question's leftover answer is dropped, even one that would be refused.
    data = clean_data(fields, {**answers, "other_bin": "x" * 900, "blocked_by": ["lorry"]})

    assert data == {"bin_type": "general", "missed_on": "2026-01-05", "blocked": False}


def test_a_question_that_applies_is_required_and_kept():
    fields = check_definition(MISSED_BIN)
    answers = {"bin_type": "other", "missed_on": "2026-01-05", "blocked": True}

    with pytest.raises(InvalidInputError) as refused:
        clean_data(fields, answers)
    data = clean_data(fields, {**answers, "other_bin": "Brown garden bin", "blocked_by": ["car"]})

    assert problems(refused) == {
        "#/data/other_bin": "Describe the bin",
        "#/data/blocked_by": "Select what blocked it",
    }
    assert data["other_bin"] == "Brown garden bin"
    assert data["blocked_by"] == ["car"]


def test_a_ticked_box_and_a_chain_of_conditions_decide_what_is_asked():
    fields = check_definition(
        [
            {"name": "extras", "label": "Extras", "type": "checkboxes", "options": BINS},
            {
                "name": "other",
                "label": "Other extra",
                "type": "radios",
                "options": BINS,
                "show_if": {"field": "extras", "equals": "other"},
            },
            {
                "name": "detail",
                "label": "Detail",
                "type": "text",
                "required": True,
                "show_if": {"field": "other", "equals": "general"},
            },
        ]
    )

    assert clean_data(fields, {"extras": ["general"], "other": "general"}) == {
        "extras": ["general"]
    }
    assert clean_data(fields, {"extras": ["general", "other"], "other": "recycling"}) == {
        "extras": ["general", "other"],
        "other": "recycling",
    }
    with pytest.raises(InvalidInputError) as refused:
        clean_data(fields, {"extras": ["other"], "other": "general"})
    assert set(problems(refused)) == {"#/data/detail"}


# Properties


@st.composite
def postcodes(draw) -> tuple[str, str]:
    letters, digits = st.sampled_from("ABCDEFGHJKLMNOPRSTUWYZ"), st.sampled_from("0123456789")
    area = "".join(draw(st.lists(letters, min_size=1, max_size=2)))
    district = draw(digits) + draw(st.sampled_from(["", *"0123456789ABEHMNPRVWXY"]))
    inward = draw(digits) + draw(letters) + draw(letters)
    return f"{area}{district} {inward}", inward


@given(
    postcode=postcodes(),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    spaces=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_any_way_a_postcode_is_typed_is_stored_as_royal_mail_writes_it(postcode, case, spaces):
    written, inward = postcode
    outward = written.split(" ")[0]
    fields = check_definition(one({"type": "postcode"}))

    stored = clean_data(fields, {"answer": f" {case(outward)}{spaces}{case(inward)} "})

    assert stored == {"answer": written}
    assert clean_data(fields, stored) == stored


@given(
    national=st.from_regex(r"0[1-9][0-9]{9}", fullmatch=True),
    style=st.sampled_from(["{n}", "{a} {b}", "+44 {n1}", "+44 (0){n1}", "0044 {n1}", "({a}) {b}"]),
)
def test_any_way_a_uk_number_is_written_is_stored_the_same(national, style):
    fields = check_definition(one({"type": "phone"}))
    written = style.format(n=national, a=national[:5], b=national[5:], n1=national[1:])

    stored = clean_data(fields, {"answer": written})

    assert stored == {"answer": f"+44{national[1:]}"}
    assert display(fields, stored)[0][1].replace(" ", "") == national


def answers_for_every_type():
    text = st.characters(exclude_characters="\x00")
    bin_values = st.sampled_from([option["value"] for option in BINS])
    return st.fixed_dictionaries(
        {},
        optional={
            "note": st.text(text, max_size=40),
            "story": st.text(text, max_size=200),
            "count": st.integers(0, 100) | st.integers(0, 100).map(str),
            "weight": st.decimals(-5, 1000, places=2).map(str) | st.floats(-5, 1000),
            "seen_on": st.dates(date(1000, 1, 1), today()).map(date.isoformat),
            "visit_on": st.dates(min_value=today()) | st.just(""),
            "size": bin_values,
            "bin": bin_values,
            "extras": st.lists(bin_values),
            "other_extra": st.text(text, max_size=40),
            "urgent": st.booleans() | st.sampled_from(["yes", "no", "Yes"]),
            "email": st.sampled_from(["name@example.com", " a.b+c@council.gov.uk "]),
            "phone": st.sampled_from(["07700 900982", "+44 20 7946 0000", "0131 496 0000"]),
            "postcode": postcodes().map(lambda postcode: postcode[0].lower()),
        },
    )


@given(raw=answers_for_every_type())
def test_stored_answers_are_accepted_unchanged_valid_by_the_schema_and_all_shown(raw):
    fields = check_definition(EVERY_TYPE)

    data = clean_data(fields, raw)

    assert clean_data(fields, json.loads(json.dumps(data))) == data
    jsonschema.validate(data, json_schema(fields), format_checker=jsonschema.FormatChecker())
    assert [label for label, _ in display(fields, data)] == [
        f.label for f in fields if f.name in data
    ]


def as_post(fields, values: dict) -> dict:
    """Initial values as a browser would send them back."""
    post = {}
    for name, value in values.items():
        if isinstance(value, date):
            post |= {
                f"{name}_day": value.day,
                f"{name}_month": value.month,
                f"{name}_year": value.year,
            }
        else:
            post[name] = value
    return post


@given(raw=answers_for_every_type())
def test_saved_answers_shown_on_their_page_and_sent_back_are_saved_unchanged(raw):
    fields = check_definition(EVERY_TYPE)
    data = clean_data(fields, raw)

    form = form_class(fields, 1)(as_post(fields, initial(fields, data)))

    assert form.is_valid(), form.errors
    assert to_data(form) == data


# Pages


def test_a_long_form_is_split_into_pages_that_earlier_answers_decide():
    fields = check_definition(MISSED_BIN)
    first, second = form_class(fields, 1), form_class(fields, 2, {"blocked": False})

    assert pages(fields) == [1, 2]
    assert list(first.base_fields) == ["bin_type", "other_bin", "missed_on", "bags"]
    assert list(second.base_fields) == ["blocked", "blocked_by", "phone"]
    assert list(form_class(check_definition(EVERY_TYPE), 1).base_fields) == [
        field["name"] for field in EVERY_TYPE
    ]


def test_a_question_hanging_on_an_earlier_page_is_asked_only_when_its_answer_was_given():
    fields = check_definition(
        [
            {"name": "blocked", "label": "Was the bin blocked in?", "type": "yes_no"},
            {
                "name": "blocked_by",
                "label": "What blocked it?",
                "type": "text",
                "page": 2,
                "required": True,
                "show_if": {"field": "blocked", "equals": True},
            },
            {
                "name": "when",
                "label": "Time it was blocked",
                "type": "text",
                "page": 2,
                "show_if": {"field": "blocked", "equals": True},
            },
        ]
    )

    assert pages(fields, {"blocked": False}) == [1]
    assert pages(fields, {"blocked": True}) == [1, 2]
    assert list(form_class(fields, 2, {"blocked": True}).base_fields) == ["blocked_by", "when"]
    assert not form_class(fields, 2, {"blocked": True})({}).is_valid()


def test_a_page_form_ignores_a_question_its_own_answers_leave_out():
    fields = check_definition(MISSED_BIN)
    page_form = form_class(fields, 1)
    post = {
        "bin_type": "general",
        "other_bin": "",
        "missed_on_day": "5",
        "missed_on_month": "1",
        "missed_on_year": "2026",
        "bags": "2",
    }

    form = page_form({**post, "other_bin": "x" * 600})
    needed = page_form({**post, "bin_type": "other"})

    assert form.is_valid(), form.errors
    assert to_data(form) == {"bin_type": "general", "missed_on": "2026-01-05", "bags": 2}
    assert not needed.is_valid()
    assert needed.errors == {"other_bin": ["Describe the bin"]}


def test_a_page_form_says_what_is_wrong_as_the_api_does():
    fields = check_definition(MISSED_BIN)
    tomorrow = today() + timedelta(days=1)

    form = form_class(fields, 1)(
        {
            "missed_on_day": tomorrow.day,
            "missed_on_month": tomorrow.month,
            "missed_on_year": tomorrow.year,
            "bags": "eleven",
        }
    )
    partial = form_class(fields, 1)({"missed_on_day": "5", "missed_on_year": "2026"})

    assert not form.is_valid()
    assert form.errors == {
        "bin_type": ["Select which bin was missed"],
        "missed_on": ["The date the bin was missed must be today or in the past"],
        "bags": ["The number of bags left out must be a whole number"],
    }
    assert partial.errors["missed_on"] == ["The date the bin was missed must include a month"]


# The page's markup


def test_each_question_is_drawn_as_its_govuk_component():
    form = form_class(check_definition(EVERY_TYPE), 1)()

    html = render(form)

    assert (
        '<input class="govuk-input govuk-input--width-10" id="count" name="count" type="text"'
        in html
    )
    assert 'inputmode="numeric"' in html
    assert '<textarea class="govuk-textarea" id="story" name="story" rows="5">' in html
    assert 'id="email" name="email" type="email"' in html
    assert (
        '<input class="govuk-input govuk-input--width-20" id="phone" name="phone" type="tel"'
        in html
    )
    assert '<select class="govuk-select" id="size" name="size">' in html
    assert '<option value="recycling">Recycling (blue)</option>' in html
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert (
        '<input class="govuk-radios__input" id="bin" name="bin" type="radio" value="general">'
        in html
    )
    assert 'id="bin-2" name="bin" type="radio" value="recycling"' in html
    assert '<div class="govuk-checkboxes" data-module="govuk-checkboxes">' in html
    assert 'id="extras" name="extras" type="checkbox" value="general"' in html
    assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in html
    assert '<div class="govuk-date-input" id="seen_on">' in html
    assert 'name="seen_on_day"' in html
    assert "govuk-form-group--error" not in html
    # None of these must be answered: each says so, as GOV.UK marks optional questions.
    assert '<label class="govuk-label" for="count">Number of bins (optional)</label>' in html
    assert ">Date you saw it (optional)</legend>" in html


def test_a_question_that_must_be_answered_is_not_marked():
    html = render(form_class(check_definition(one({"required": True})), 1)())

    assert '<label class="govuk-label" for="answer">Answer</label>' in html
    assert "optional" not in html


def test_an_error_and_hint_are_tied_to_their_question():
    fields = check_definition(MISSED_BIN)
    form = form_class(fields, 1)({"bags": "0"})
    form.is_valid()

    html = render(form)

    assert (
        '<fieldset class="govuk-fieldset" aria-describedby="bin_type-hint bin_type-error">' in html
    )
    assert '<div id="bin_type-hint" class="govuk-hint">Look at the colour of the lid</div>' in html
    assert (
        '<p id="bin_type-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> Select which bin was missed</p>" in html
    )
    assert 'aria-describedby="bags-error"' in html
    assert "The number of bags left out must be between 1 and 10" in html
    assert 'aria-describedby="missed_on-hint missed_on-error"' in html
    assert html.count("govuk-form-group--error") == 3


def test_a_question_hanging_on_an_answer_is_revealed_under_it():
    fields = check_definition(MISSED_BIN)

    closed = render(form_class(fields, 1)())
    opened = render(form_class(fields, 1)(initial={"bin_type": "other"}))
    blocked = render(form_class(fields, 2)())

    assert 'value="other" data-aria-controls="conditional-bin_type-3">' in closed
    assert (
        '<div class="govuk-radios__conditional govuk-radios__conditional--hidden" '
        'id="conditional-bin_type-3"> <div class="govuk-form-group"> '
        '<label class="govuk-label" for="other_bin">Describe the bin</label>' in closed
    )
    assert '<div class="govuk-radios__conditional" id="conditional-bin_type-3">' in opened
    # Yes and no stack when one of them reveals a question.
    assert '<div class="govuk-radios" data-module="govuk-radios">' in blocked
    assert 'id="conditional-blocked"' in blocked


def test_saved_answers_fill_the_page_when_someone_comes_back_to_it():
    fields = check_definition(MISSED_BIN)
    data = clean_data(
        fields,
        {
            "bin_type": "recycling",
            "missed_on": "2026-01-05",
            "bags": 4,
            "blocked": True,
            "blocked_by": ["car"],
            "phone": "07700900982",
        },
    )

    first = render(form_class(fields, 1)(initial=initial(fields, data)))
    second = render(form_class(fields, 2, data)(initial=initial(fields, data)))

    assert 'value="recycling" checked' in first
    assert (
        'name="missed_on_day" type="text" inputmode="numeric" autocomplete="off" value="5"' in first
    )
    assert 'value="4"' in first
    assert 'value="yes" checked' in second
    assert 'value="car" checked' in second
    assert 'value="07700 900982"' in second


# The case page and the schema


def test_the_case_page_shows_answers_as_people_read_them():
    fields = check_definition(EVERY_TYPE)
    data = clean_data(
        fields,
        {
            "count": "100",
            "weight": "234.50",
            "seen_on": "2026-01-05",
            "bin": "recycling",
            "extras": ["other", "general"],
            "other_extra": "Lid",
            "urgent": "no",
            "phone": "020 7946 0000",
            "postcode": "eh1 1yz",
        },
    )

    assert display(fields, data) == [
        ("Number of bins", "100"),
        ("Weight in kilograms", "234.5"),
        ("Date you saw it", "5 January 2026"),
        ("Which bin?", "Recycling (blue)"),
        ("Extras", "General waste (green), Something else"),
        ("Other extra", "Lid"),
        ("Is it urgent?", "No"),
        ("Your phone number", "020 7946 0000"),
        ("Postcode", "EH1 1YZ"),
    ]


def test_answers_saved_before_the_definition_changed_still_show():
    fields = check_definition(EVERY_TYPE)

    shown = display(fields, {"bin": "brown", "seen_on": "last week", "count": "lots"})

    assert shown == [
        ("Number of bins", "lots"),
        ("Date you saw it", "last week"),
        ("Which bin?", "brown"),
    ]


def test_the_schema_describes_the_questions_for_other_systems():
    fields = check_definition(MISSED_BIN)

    schema = json_schema(fields, title="Missed bin", description="A bin collection was missed.")

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (schema["title"], schema["description"]) == (
        "Missed bin",
        "A bin collection was missed.",
    )
    assert schema["required"] == ["bin_type", "missed_on"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["bin_type"] == {
        "title": "Which bin was missed?",
        "description": "Look at the colour of the lid",
        "type": "string",
        "enum": ["general", "recycling", "other"],
    }
    assert schema["properties"]["missed_on"]["format"] == "date"
    assert schema["properties"]["bags"] | {} == {
        "title": "Number of bags left out",
        "type": "integer",
        "minimum": 1,
        "maximum": 10,
    }
    assert schema["properties"]["blocked_by"]["items"]["enum"] == ["car", "works"]
    assert schema["properties"]["phone"]["x-sensitive"] is True


def test_the_schema_says_how_short_and_long_a_text_answer_may_be():
    fields = check_definition(one({"type": "textarea", "min_length": 3, "max_length": 9}))
    validator = jsonschema.Draft202012Validator(json_schema(fields))

    assert json_schema(fields)["properties"]["answer"] | {} == {
        "title": "Answer",
        "type": "string",
        "minLength": 3,
        "maxLength": 9,
    }
    assert not validator.is_valid({"answer": "ab"})
    assert validator.is_valid({"answer": clean_data(fields, {"answer": "abc"})["answer"]})


@pytest.mark.parametrize(
    ("change", "keyword"),
    [
        ({"bin_type": "purple"}, "enum"),
        ({"colour": "green"}, "additionalProperties"),
        ({"bags": 0}, "minimum"),
        ({"missed_on": "5 January 2026"}, "format"),
        ({"phone": "07700900982"}, "pattern"),
        ({"bin_type": "other"}, "required"),  # other_bin is needed for "other"
        ({"other_bin": "Brown"}, "not"),  # and is not kept for any other bin
        ({"blocked": True}, "required"),
        ({"blocked_by": ["car"]}, "not"),
        ({"blocked_by": ["car", "car"], "blocked": True}, "uniqueItems"),
    ],
)
def test_the_schema_refuses_what_clean_data_would_never_store(change, keyword):
    fields = check_definition(MISSED_BIN)
    good = {"bin_type": "general", "missed_on": "2026-01-05", "bags": 3}
    validator = jsonschema.Draft202012Validator(
        json_schema(fields), format_checker=jsonschema.FormatChecker()
    )

    errors = list(validator.iter_errors({**good, **change}))

    assert validator.is_valid(good)
    assert keyword in {error.validator for error in errors} | {
        sub.validator for error in errors for sub in error.context or []
    }
