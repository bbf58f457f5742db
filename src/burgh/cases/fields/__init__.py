"""Case-type fields: the questions an administrator defines as data, checked, answered, exported.

A case type's `fields` is a JSON list of objects, one a question, in the order they are asked:

    [{"name": "bin_type", "label": "Which bin was missed?", "type": "radios", "required": true,
      "hint": "Look at the colour of the lid", "page": 1,
      "options": [{"value": "general", "label": "General waste (green)"},
                  {"value": "recycling", "label": "Recycling (blue)"}]},
     {"name": "missed_on", "label": "Date the bin was missed", "type": "date", "past": true}]

`name` (lowercase snake_case, at most 40 characters, unique, not a case's own column such as
`status` or `uprn`), `label` and `type` are needed; the rest are optional. The type says what
the answer is, as `clean_data` stores it in the case's `data`:

    text, textarea  a string, trimmed (`max_length`: default 500 and 5,000 characters;
                    `min_length`: none)
    number          a whole number (`min`, `max`); decimal: a JSON number (`min`, `max`)
    date            "2026-11-30"; `past`: today or earlier, `future`: today or later
    select, radios  one option's value; checkboxes: a list of values, in the options' order
    yes_no          true or false
    email           an email address; phone: a UK number as "+447700900982"
    postcode        a UK postcode as Royal Mail writes it: "EH1 1YZ"

`options` (for select, radios and checkboxes) are `{"value", "label"}` objects with unique
values. `hint` is help text under the label. `required` defaults to false; an optional
question left blank is left out of `data`, never stored as null. `page` (default 1) splits a
long form into GOV.UK question pages, numbered from 1 without gaps. `sensitive: true` marks
personal data for redaction.

`show_if: {"field": "bin_type", "equals": "other"}` asks a question only when a field listed
above it, on its page or an earlier one, has that answer (for checkboxes: that box is ticked).
A question that does not apply is neither required nor stored: an answer sent for it anyway is
dropped, as a browser sends what a hidden conditional question holds.

Error messages follow GOV.UK's patterns and are made from the label, so a label reads best as
a noun phrase ("Date the bin was missed" gives "Enter the date the bin was missed"), an
indirect question ("Which bin was missed?" gives "Select which bin was missed") or a request
("Describe the problem", which is its own message when it is not answered).

The Django forms for the GOV.UK question pages are in `cases.fields_forms`. This package is
`definition` (the shapes), `checking` (a definition checked), `answers` (answers checked) and
`display` (pages, the case page, JSON Schema).
"""

from burgh.cases.fields.answers import (
    FIELD_TYPES,
    applies,
    clean_data,
    clean_value,
    missing_message,
    option_message,
    phrase,
)
from burgh.cases.fields.checking import check_definition, condition_value
from burgh.cases.fields.definition import (
    CHOICE_TYPES,
    MAX_LENGTHS,
    POSTCODE,
    RESERVED_NAMES,
    AnswerError,
    CaseField,
    Condition,
    FieldDefinitionError,
    Option,
    number_text,
)
from burgh.cases.fields.display import (
    display,
    display_value,
    json_schema,
    page_fields,
    pages,
)

__all__ = [
    "CHOICE_TYPES",
    "FIELD_TYPES",
    "MAX_LENGTHS",
    "POSTCODE",
    "RESERVED_NAMES",
    "AnswerError",
    "CaseField",
    "Condition",
    "FieldDefinitionError",
    "Option",
    "applies",
    "check_definition",
    "clean_data",
    "clean_value",
    "condition_value",
    "display",
    "display_value",
    "json_schema",
    "missing_message",
    "number_text",
    "option_message",
    "page_fields",
    "pages",
    "phrase",
]
