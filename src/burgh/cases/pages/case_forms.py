"""The forms of the case page's actions, in GOV.UK style, and how each field is drawn.

Every form that changes a case carries the case's `version` as it was read (a hidden input),
so the services that take `expected_version` refuse a change made on a stale page.
"""

from collections.abc import Sequence
from typing import Any

from django import forms

from burgh.cases.models import CaseNote, CaseParty, PersonFlag, Priority
from burgh.core.forms import DateInputField, DateWidget, PageForm, RadiosWidget

STALE = "Someone else changed this case since you opened it"
Choices = Sequence[tuple[str, str]]


class CaseForm(PageForm):
    """A form on a case: the version of the case it was read at travels with it."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": "Open the case again, then try again"},
    )


def _text(label: str, *, limit: int, required: bool = True, hint: str = "", **kw: Any) -> Any:
    noun = label[0].lower() + label[1:]
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=hint,
        strip=True,
        error_messages={
            "required": kw.pop("missing", f"Enter {noun}"),
            "max_length": f"{label} must be {limit:,} characters or fewer",
        },
        **kw,
    )


def _long(label: str, *, limit: int, required: bool = True, hint: str = "", **kw: Any) -> Any:
    return _text(label, limit=limit, required=required, hint=hint, widget=forms.Textarea, **kw)


def _radios(label: str, choices: Choices, *, missing: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        widget=RadiosWidget,
        help_text=hint,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class StatusForm(CaseForm):
    def __init__(self, *args: Any, statuses: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"] = _radios(
            "New status", statuses, missing="Select the case's new status"
        )
        self.fields["note"] = _long("Note (optional)", limit=2000, required=False)


class AllocateForm(CaseForm):
    QUEUE = "queue"

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _radios(
            "Who should work on it?",
            [*members, (self.QUEUE, "Nobody: return it to the team's shared queue")],
            missing="Select who should work on the case",
        )
        self.fields["reason"] = _long(
            "Reason",
            limit=300,
            required=False,
            hint="Needed when the case moves from someone who holds it",
        )
        self.fields["over_capacity"] = forms.BooleanField(
            label="Allocate even if it takes them over their caseload capacity", required=False
        )


class DetailsForm(CaseForm):
    title = _text("Short title", limit=200, missing="Enter a short title")
    description = _long("Description (optional)", limit=20_000, required=False)
    priority = forms.TypedChoiceField(
        label="Priority",
        choices=Priority.choices,
        coerce=int,
        widget=RadiosWidget,
        error_messages={"required": "Select the priority", "invalid_choice": "Select a priority"},
    )


class NoteForm(CaseForm):
    kind = _radios(
        "What are you recording?", CaseNote.Kind.choices, missing="Select what you are recording"
    )
    contact_with = _text(
        "Who was the contact with? (optional)",
        limit=200,
        required=False,
        hint="For a call, email, visit or meeting",
    )
    body = _long("Note", limit=20_000, missing="Enter the note")
    significant = forms.BooleanField(
        label="Mark as a significant event", required=False, help_text="It shows in the summary"
    )


class NoteEditForm(CaseForm):
    body = _long("Note", limit=20_000, missing="Enter the note")
    note_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DocumentForm(CaseForm):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    title = _text(
        "Title (optional)", limit=200, required=False, hint="Leave it blank to use the file's name"
    )


class VersionForm(CaseForm):
    file = forms.FileField(
        label="Upload the new version",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    note = _text("What changed? (optional)", limit=300, required=False)


class LetterForm(CaseForm):
    def __init__(self, *args: Any, templates: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"] = _radios(
            "Which letter?", templates, missing="Select the letter to write"
        )


class TaskForm(CaseForm):
    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"] = _text(
            "What needs doing?", limit=200, missing="Enter what needs doing"
        )
        self.fields["details"] = _long("Details (optional)", limit=5000, required=False)
        self.fields["owner"] = forms.ChoiceField(
            label="Who will do it? (optional)",
            choices=[("", "Not decided yet"), *members],
            required=False,
            error_messages={"invalid_choice": "Select someone in the team"},
        )
        self.fields["due_on"] = DateInputField(label="Due date (optional)", required=False)


class TaskDoneForm(CaseForm):
    done = _radios(
        "What happened to the task?",
        [("done", "It is done"), ("cancelled", "It is no longer needed")],
        missing="Select whether the task is done or no longer needed",
    )
    note = _long("Note (optional)", limit=2000, required=False)


class DecisionForm(CaseForm):
    def __init__(self, *args: Any, kinds: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = _radios(
            "What kind of decision?", kinds, missing="Select the kind of decision"
        )
        self.fields["summary"] = _text("Decision", limit=300, missing="Enter the decision")
        self.fields["reasons"] = _long(
            "Reasons", limit=20_000, missing="Enter the reasons for the decision"
        )


class AuthoriseForm(CaseForm):
    approve = _radios(
        "Do you authorise this decision?",
        [("yes", "Yes, authorise it"), ("no", "No, do not authorise it")],
        missing="Select whether you authorise the decision",
    )
    note = _long(
        "Note", limit=5000, required=False, hint="Needed if you do not authorise it: say why"
    )


class PersonForm(CaseForm):
    NOT_IN_INDEX = "outside"

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _radios(
            "Their role in the case", CaseParty.Role.choices, missing="Select their role"
        )
        self.fields["person"] = _radios(
            "Who is it?",
            [*people, (self.NOT_IN_INDEX, "Someone not in the person index")],
            missing="Select a person, or someone not in the person index",
            hint="Search for them above to choose someone from the person index",
        )
        self.fields["name"] = _text(
            "Their name", limit=200, required=False, hint="For someone not in the person index"
        )
        self.fields["organisation"] = _text("Organisation (optional)", limit=200, required=False)
        self.fields["contact"] = _text(
            "How to reach them (optional)", limit=200, required=False, hint="Phone or email"
        )


class PersonSearchForm(PageForm):
    q = _text("Name", limit=200, required=False, hint="A misspelt name is fine")


class WarningForm(CaseForm):
    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = _radios("Who is the warning about?", people, missing="Select who")
        self.fields["kind"] = _radios(
            "What kind of warning?", PersonFlag.Kind.choices, missing="Select the kind of warning"
        )
        self.fields["note"] = _long(
            "What staff need to know", limit=2000, missing="Enter what staff need to know"
        )
        self.fields["review_on"] = DateInputField(label="Review date (optional)", required=False)


class ReasonForm(CaseForm):
    reason = _long("Reason", limit=300, missing="Enter the reason")


class LinkForm(CaseForm):
    reference = _text(
        "Reference of the other case",
        limit=20,
        hint="For example, C0001234",
        missing="Enter the reference of the other case",
    )
    note = _text("Note (optional)", limit=300, required=False)


class MergeForm(CaseForm):
    reference = _text(
        "Reference of the case that stands",
        limit=20,
        hint="This case's people, notes, documents and tasks move to it, and this case closes",
        missing="Enter the reference of the case to merge into",
    )
    reason = _long("Why are they the same case?", limit=300, missing="Enter why")


class CloseForm(CaseForm):
    def __init__(self, *args: Any, outcomes: Choices, statuses: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = _radios("Outcome", outcomes, missing="Select the outcome")
        if len(statuses) > 1:
            self.fields["status"] = _radios(
                "Closing status", statuses, missing="Select the closing status"
            )
        self.fields["note"] = _long("Closing note (optional)", limit=5000, required=False)


class ReopenForm(CaseForm):
    def __init__(self, *args: Any, statuses: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = _long(
            "Why is the case reopened?", limit=2000, missing="Enter why the case is reopened"
        )
        self.fields["status"] = _radios(
            "Status to reopen it in", statuses, missing="Select the status to reopen it in"
        )


class SignificantForm(CaseForm):
    significant = forms.BooleanField(required=False)


def components(form: forms.Form) -> list[dict[str, Any]]:
    """Each visible field with the GOV.UK component that draws it (cases/case/includes)."""
    drawn = []
    for field in form.visible_fields():
        widget = field.field.widget
        if isinstance(widget, forms.RadioSelect):
            component = "radios"
        elif isinstance(widget, forms.CheckboxInput):
            component = "checkbox"
        elif isinstance(widget, forms.Select):
            component = "select"
        elif isinstance(widget, DateWidget):
            component = "date"
        elif isinstance(widget, forms.FileInput):
            component = "file"
        else:
            component = "input"
        drawn.append({"field": field, "component": component})
    return drawn
