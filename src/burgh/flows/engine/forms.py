"""A step's form: a BPMN user task's Camunda form fields, asked as case-type questions.

Camunda Modeler's generated task forms give each field an id, a label, a type, a default value
and constraints. Burgh asks them as the questions of `burgh.cases.fields`, so a step's form has
the same GOV.UK page, the same checks and messages, and the same way of showing answers as a
case type's own questions:

    string → textarea     long → number     boolean → yes_no     date → date
    enum → radios, its values the options

The constraints `required`, `min`, `max`, `minlength` and `maxlength` become the question's
settings. A field's id is the question's name: the variable the process reads the answer by.
Deploy refuses, for the field, any other type or constraint, a setting the questions would
refuse and a default value that is not an answer to its question.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from burgh.cases.fields import (
    AnswerError,
    CaseField,
    FieldDefinitionError,
    check_definition,
    clean_value,
)
from burgh.flows.engine.specs import camunda_tag

KINDS = {
    "string": "textarea",
    "long": "number",
    "boolean": "yes_no",
    "date": "date",
    "enum": "radios",
}
# A constraint with a number, as the question's setting.
SIZES = {"min": "min", "max": "max", "minlength": "min_length", "maxlength": "max_length"}
CONSTRAINTS = ("required", *SIZES)
# The questions' settings whose names differ from the modeller's constraints.
MODELLER_WORDS = {"min_length": "minlength", "max_length": "maxlength"}


@dataclass(frozen=True)
class Drawn:
    """A form field as the modeller drew it."""

    id: str
    label: str
    type: str
    default: str
    constraints: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, str], ...]


def drawn_in_xml(task: Any) -> list[Drawn]:
    """The form fields of a `bpmn:userTask` element."""
    return [
        Drawn(
            node.get("id") or "",
            node.get("label") or "",
            node.get("type") or "",
            node.get("defaultValue") or "",
            tuple(
                (rule.get("name") or "", rule.get("config") or "")
                for rule in node.iter(camunda_tag("constraint"))
            ),
            tuple(
                (value.get("id") or "", value.get("name") or "")
                for value in node.iter(camunda_tag("value"))
            ),
        )
        for node in task.iter(camunda_tag("formField"))
    ]


def drawn_in_spec(spec: Any) -> list[Drawn]:
    """The form fields of a user task spec as SpiffWorkflow's Camunda parser keeps them."""
    form = getattr(spec, "form", None)
    return [
        Drawn(
            field.id or "",
            field.label or "",
            field.type or "",
            field.default_value or "",
            tuple((rule.name or "", rule.config or "") for rule in field.validation),
            tuple((option.id or "", option.name or "") for option in getattr(field, "options", [])),
        )
        for field in getattr(form, "fields", None) or []
    ]


def problems(drawn: Sequence[Drawn]) -> list[str]:
    """What is wrong with a user task's form, each naming its field; none when it can be asked."""
    found = [problem for field in drawn for problem in _modeller_problems(field)]
    if found:
        return found
    try:
        questions = check_definition(definitions(drawn), variables=True)
    except FieldDefinitionError as refused:
        return [_in_modeller_words(drawn, error) for error in refused.errors]
    return _defaults(drawn, questions)[1]


def form_of(spec: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A user task's questions (as `cases.fields` definitions) and its default answers."""
    drawn = drawn_in_spec(spec)
    found = definitions(drawn)
    return found, _defaults(drawn, questions_of(found))[0]


def questions_of(form: list[dict[str, Any]]) -> tuple[CaseField, ...]:
    """A step's stored form as the questions `cases.fields` checks answers with."""
    return check_definition(form, variables=True)


def definitions(drawn: Iterable[Drawn]) -> list[dict[str, Any]]:
    """The fields as `cases.fields` definitions, as they are drawn (checked by `problems`)."""
    found = []
    for field in drawn:
        rules = dict(field.constraints)
        question: dict[str, Any] = {
            "name": field.id,
            "label": field.label.strip() or field.id,
            "type": KINDS.get(field.type, field.type),
            "required": "required" in rules,
        }
        for constraint, setting in SIZES.items():
            if constraint in rules:
                question[setting] = _whole(rules[constraint])
        if field.type == "enum":
            question["options"] = [
                {"value": id_, "label": name or id_} for id_, name in field.values
            ]
        found.append(question)
    return found


def _modeller_problems(field: Drawn) -> list[str]:
    said = []
    if field.type not in KINDS:
        said.append(f"has the type {field.type!r}: use one of {', '.join(KINDS)}")
    for name, config in field.constraints:
        if name not in CONSTRAINTS:
            said.append(f"has the constraint {name!r}: use {', '.join(CONSTRAINTS)}")
        elif name in SIZES and not isinstance(_whole(config), int):
            said.append(f"has {name} {config!r}: give a whole number")
    return [f"its form field {field.id!r} {problem}" for problem in said]


def _in_modeller_words(drawn: Sequence[Drawn], error: dict[str, str]) -> str:
    """A `check_definition` problem (pointer `#/fields/N/...`) as the deployer reads it."""
    index = int(error["pointer"].split("/")[2])
    detail = error["detail"]
    for setting, constraint in MODELLER_WORDS.items():
        detail = detail.replace(setting, constraint)
    return f"its form field {drawn[index].id!r}: {detail}"


def _defaults(
    drawn: Sequence[Drawn], questions: Sequence[CaseField]
) -> tuple[dict[str, Any], list[str]]:
    """The default answers, and what is wrong with any that is not an answer to its question."""
    given = {field.id: field.default for field in drawn if field.default}
    answers: dict[str, Any] = {}
    wrong: list[str] = []
    for question in questions:
        if question.name not in given:
            continue
        try:
            answers[question.name] = clean_value(question, given[question.name])
        except AnswerError as error:
            wrong.append(
                f"its form field {question.name!r} has the default value "
                f"{given[question.name]!r}, which is not an answer: {error}"
            )
    return answers, wrong


def _whole(text: str) -> int | str:
    try:
        return int(text.strip())
    except ValueError:
        return text
