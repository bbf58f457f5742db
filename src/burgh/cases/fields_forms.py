"""Case-type fields on GOV.UK question pages: one Django form for each page of a case type.

A page view asks for a page's form with the answers given on earlier pages, so a question that
hangs on one of them is asked or left out, and keeps the page's answers when it is valid:

    Form = form_class(fields, page, earlier=answers)
    form = Form(request.POST or None, initial=initial(fields, answers))
    if form.is_valid():
        answers |= to_data(form)

and, after the last page, saves `clean_data(fields, answers)`: `to_data` gives exactly what
`clean_data` accepts, as both check answers by the same rules. The page renders the form with
`cases/includes/case_fields.html` inside its own <form>, after the error summary.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField, BoundWidget

from burgh.cases.fields import (
    AnswerError,
    CaseField,
    applies,
    clean_value,
    display_value,
    missing_message,
    option_message,
    page_fields,
    phrase,
)
from burgh.core.forms import DateInputField, PageForm, RadiosWidget

# How each typed-in answer's box is drawn (core/includes/field.html's options).
INPUTS = {
    "number": {"inputmode": "numeric", "spellcheck": "false", "width": "govuk-input--width-10"},
    "decimal": {"inputmode": "decimal", "spellcheck": "false", "width": "govuk-input--width-10"},
    "email": {"type": "email", "spellcheck": "false"},
    "phone": {"type": "tel", "width": "govuk-input--width-20"},
    "postcode": {"spellcheck": "false", "width": "govuk-input--width-10"},
}
# The GOV.UK component each type is drawn as; the rest are text inputs.
COMPONENTS = {
    "date": "date",
    "select": "select",
    "radios": "radios",
    "yes_no": "radios",
    "checkboxes": "checkboxes",
}


# The question pages


class CheckboxesWidget(forms.CheckboxSelectMultiple):
    """Checkboxes whose first box carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None or index == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class AnswerField(forms.Field):
    """A typed-in answer, checked by the rules `clean_data` uses; cleans to the stored value."""

    def __init__(self, case_field: CaseField, **kwargs: Any) -> None:
        self.case_field = case_field
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        try:
            answer = clean_value(self.case_field, value)
        except AnswerError as error:
            raise ValidationError(str(error), code="invalid") from None
        if answer is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return answer


class CaseDateField(DateInputField):
    """GOV.UK's date input, then the question's own rules (`future` as well as `past`)."""

    def __init__(self, case_field: CaseField, **kwargs: Any) -> None:
        self.case_field = case_field
        super().__init__(noun=phrase(case_field), past=case_field.past, **kwargs)

    def to_python(self, value: Any) -> date | None:
        typed = super().to_python(value)
        try:
            clean_value(self.case_field, typed)
        except AnswerError as error:
            raise ValidationError(str(error), code="invalid") from None
        return typed


@dataclass
class Choice:
    option: BoundWidget
    revealed: list["Question"] = dataclass_field(default_factory=list)


@dataclass
class Question:
    """A question as the template draws it: the bound field, its GOV.UK component and, for
    radios and checkboxes, the questions revealed under each choice."""

    field: BoundField
    case_field: CaseField
    choices: list[Choice]

    @property
    def component(self) -> str:
        return COMPONENTS.get(self.case_field.type, "input")

    @property
    def input(self) -> dict[str, str]:
        return INPUTS.get(self.case_field.type, {})

    @property
    def inline(self) -> bool:
        """Yes and no sit side by side, as GOV.UK has them, unless one reveals a question."""
        return self.case_field.type == "yes_no" and not any(c.revealed for c in self.choices)


class CaseFieldsForm(PageForm):
    """One page of a case type's questions; `form_class` makes one for each page."""

    case_fields: ClassVar[tuple[CaseField, ...]] = ()
    earlier: ClassVar[Mapping[str, Any]] = MappingProxyType({})

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        answers = dict(self.earlier)
        for case_field in self.case_fields:
            if not applies(case_field, answers):
                # Not asked, given this page's answers: what its boxes hold is neither checked
                # nor kept, as a hidden conditional question still sends its value.
                cleaned.pop(case_field.name, None)
                self.errors.pop(case_field.name, None)
            elif (answer := clean_value(case_field, cleaned.get(case_field.name))) is not None:
                answers[case_field.name] = answer
        return cleaned

    def questions(self) -> list[Question]:
        """The page's questions in order; one asked only for an answer to radios or checkboxes
        on this page is nested under that answer (GOV.UK's conditional reveal)."""
        placed: dict[str, Question] = {}
        top: list[Question] = []
        for case_field in self.case_fields:
            bound = self[case_field.name]
            revealing = COMPONENTS.get(case_field.type) in ("radios", "checkboxes")
            question = Question(bound, case_field, [Choice(o) for o in bound] if revealing else [])
            placed[case_field.name] = question
            home = top
            if case_field.show_if and case_field.show_if.field in placed:
                wanted = _form_value(case_field.show_if.equals)
                parent = placed[case_field.show_if.field]
                matching = [c for c in parent.choices if c.option.data["value"] == wanted]
                home = matching[0].revealed if matching else top
            home.append(question)
        return top


def form_class(
    fields: Sequence[CaseField], page: int, earlier: Mapping[str, Any] | None = None
) -> type[CaseFieldsForm]:
    """The form for one page of questions, given the answers from earlier pages (which decide
    the questions that hang on them); questions hanging on this page's are decided on submit."""
    answers = MappingProxyType(dict(earlier or {}))
    asked = page_fields(fields, page, answers)
    made = cast(
        type[CaseFieldsForm],
        type(f"CaseFieldsPage{page}Form", (CaseFieldsForm,), {"case_fields": asked}),
    )
    made.earlier = answers
    # Set apart from the class body, so a question may be called anything, even `earlier`.
    made.base_fields = {case_field.name: _form_field(case_field) for case_field in asked}
    made.declared_fields = dict(made.base_fields)
    return made


def to_data(form: CaseFieldsForm) -> dict[str, Any]:
    """A valid page form's answers as `clean_data` stores them; questions not asked or left
    blank are left out."""
    data = {}
    for case_field in form.case_fields:
        answer = clean_value(case_field, form.cleaned_data.get(case_field.name))
        if answer is not None:
            data[case_field.name] = answer
    return data


def initial(fields: Sequence[CaseField], data: Mapping[str, Any]) -> dict[str, Any]:
    """Saved answers as a page form's initial values, for a person coming back to a page."""
    values: dict[str, Any] = {}
    for case_field in fields:
        value = data.get(case_field.name)
        if value is None:
            continue
        if case_field.type == "date":
            value = date.fromisoformat(value)
        elif case_field.type == "yes_no":
            value = _form_value(value)
        elif case_field.type in ("number", "decimal", "phone"):
            value = display_value(case_field, value)
        values[case_field.name] = value
    return values


def _form_field(case_field: CaseField) -> forms.Field:
    kind = case_field.type
    common: dict[str, Any] = {
        # GOV.UK marks the questions that may be left blank, not the ones that must be answered.
        "label": case_field.label + ("" if case_field.required else " (optional)"),
        "help_text": case_field.hint,
        "required": case_field.required,
        "error_messages": {
            "required": missing_message(case_field),
            "invalid_choice": option_message(case_field),
        },
    }
    choices = [(option.value, option.label) for option in case_field.options]
    if kind == "date":
        return CaseDateField(case_field, **common)
    if kind == "radios":
        return forms.ChoiceField(choices=choices, widget=RadiosWidget, **common)
    if kind == "select":
        return forms.ChoiceField(choices=[("", "Select an answer"), *choices], **common)
    if kind == "checkboxes":
        return forms.MultipleChoiceField(choices=choices, widget=CheckboxesWidget, **common)
    if kind == "yes_no":
        common["error_messages"]["invalid_choice"] = missing_message(case_field)
        yes_no = [("yes", "Yes"), ("no", "No")]
        return forms.TypedChoiceField(
            choices=yes_no, coerce=_is_yes, empty_value=None, widget=RadiosWidget, **common
        )
    widget = forms.Textarea if kind == "textarea" else forms.TextInput
    return AnswerField(case_field, widget=widget, **common)


def _is_yes(value: str) -> bool:
    return value == "yes"


def _form_value(answer: Any) -> str:
    """An answer as a radio's value: true is "yes"."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return str(answer)
