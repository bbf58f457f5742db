"""Forms for the people pages: search, purpose, emergency access and consent, in GOV.UK style."""

from datetime import date
from typing import Any

from django import forms

from burgh.core.forms import DateInputField, PageForm, RadiosWidget
from burgh.identity.models import DataSharingAgreement, LawfulBasis, Purpose

NAME_MAX_LENGTH = 200


class SearchForm(PageForm):
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text="Given name, family name or both, or the start of them",
        error_messages={"max_length": f"Name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    born_on = DateInputField(label="Date of birth", past=True, required=False)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a postcode, like KL1 4QT"},
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=300,
        help_text="Any part of it, for example the house number and street",
        error_messages={"max_length": "Address must be 300 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [
            (cleaned.get("q") or "").strip(),
            cleaned.get("born_on"),
            (cleaned.get("postcode") or "").strip(),
            (cleaned.get("address") or "").strip(),
        ]
        if not self.errors and not any(given):
            self.add_error("q", "Enter a name, date of birth, postcode or address")
        return cleaned

    @property
    def lists_names(self) -> bool:
        """Whether the search has what the list of names needs: a name or a date of birth."""
        return bool((self.cleaned_data.get("q") or "").strip() or self.cleaned_data.get("born_on"))


class PurposeForm(PageForm):
    purpose = forms.ChoiceField(
        label="Why are you looking?",
        choices=Purpose.choices,
        widget=RadiosWidget,
        help_text="It is recorded with every record you see. Partner agencies see only what an "
        "agreement shares for this purpose.",
        error_messages={
            "required": "Select why you are looking",
            "invalid_choice": "Select why you are looking",
        },
    )


def _minutes_label(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return "1 hour" if hours == 1 else f"{hours} hours"


class EmergencyAccessForm(PageForm):
    reason = forms.CharField(
        label="Why do you need emergency access?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Describe the emergency. Information governance reads every reason.",
        error_messages={
            "required": "Enter why you need emergency access",
            "max_length": "Reason must be 2000 characters or fewer",
        },
    )
    minutes = forms.TypedChoiceField(
        label="How long do you need it for?",
        coerce=int,
        widget=RadiosWidget,
        error_messages={
            "required": "Select how long you need emergency access for",
            "invalid_choice": "Select how long you need emergency access for",
        },
    )
    purpose = forms.ChoiceField(
        label="Why are you looking?",
        choices=Purpose.choices,
        widget=RadiosWidget,
        error_messages={
            "required": "Select why you are looking",
            "invalid_choice": "Select why you are looking",
        },
    )

    def __init__(self, *args: Any, durations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        minutes = self.fields["minutes"]
        assert isinstance(minutes, forms.TypedChoiceField)
        minutes.choices = [(str(value), _minutes_label(value)) for value in durations]


class ConsentForm(PageForm):
    agreement = forms.ModelChoiceField(
        label="Data-sharing agreement",
        queryset=DataSharingAgreement.objects.none(),
        empty_label="Select an agreement",
        error_messages={
            "required": "Select the data-sharing agreement",
            "invalid_choice": "Select an agreement in force",
        },
    )
    basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=RadiosWidget,
        initial=LawfulBasis.CONSENT,
        error_messages={
            "required": "Select the lawful basis",
            "invalid_choice": "Select the lawful basis",
        },
    )
    given_by = forms.CharField(
        label="Who gave consent or confirmed the basis",
        max_length=200,
        initial="the resident",
        help_text="For example, the resident, or the name of their attorney or guardian",
        error_messages={
            "required": "Enter who gave consent",
            "max_length": "Who gave consent must be 200 characters or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="Needed for a basis other than consent: say why it applies to this person",
        error_messages={"max_length": "Notes must be 5000 characters or fewer"},
    )

    def __init__(self, *args: Any, agreements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreement = self.fields["agreement"]
        assert isinstance(agreement, forms.ModelChoiceField)
        agreement.queryset = agreements


class WithdrawConsentForm(PageForm):
    withdrawn_by = forms.CharField(
        label="Who withdrew it",
        max_length=200,
        initial="the resident",
        help_text="For example, the resident, or the name of their attorney or guardian",
        error_messages={
            "required": "Enter who withdrew consent",
            "max_length": "Who withdrew it must be 200 characters or fewer",
        },
    )


# The data stewards' forms: review decisions, overrides, merges and unmerges.

REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000


class ReviewDecisionForm(PageForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[
            ("match", "Yes, the same person: link the records"),
            ("not_match", "No, different people: keep them apart"),
            ("skip", "Not sure: skip it for now"),
        ],
        widget=RadiosWidget,
        error_messages={
            "required": "Select whether these are the same person",
            "invalid_choice": "Select whether these are the same person",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="What you checked, so the next steward can see why",
        error_messages={"max_length": f"Note must be {NOTE_MAX_LENGTH} characters or fewer"},
    )


class ReasonForm(PageForm):
    """A steward's reason for a merge or an unmerge: it goes into the lineage and the audit."""

    reason = forms.CharField(
        label="Why?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="For example, what the resident told you or which document you checked",
        error_messages={
            "required": "Enter the reason",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class MergeFindForm(PageForm):
    """Who to merge with: a person's id, or a name (and date of birth) to search for."""

    other = forms.CharField(
        label="Person's id, or their name",
        max_length=NAME_MAX_LENGTH,
        help_text="The id is on their record page, under their name",
        error_messages={
            "required": "Enter the other person's id or their name",
            "max_length": f"Enter {NAME_MAX_LENGTH} characters or fewer",
        },
    )
    born_on = DateInputField(
        label="Date of birth (optional)", noun="date of birth", past=True, required=False
    )


class OverrideForm(PageForm):
    """A steward's value for one golden field, asked for the way that field is written."""

    reason = forms.CharField(
        label="Why are you setting it?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="For example, the document you checked. It is kept with the value.",
        error_messages={
            "required": "Enter why you are setting it",
            "max_length": f"Reason must be {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: Any, field: str, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.golden_field = field
        value: forms.Field
        if field == "date_of_birth":
            value = DateInputField(label=label, noun="date of birth", past=True)
        elif field == "sex":
            value = forms.ChoiceField(
                label=label,
                choices=[("female", "Female"), ("male", "Male")],
                widget=RadiosWidget,
                error_messages={
                    "required": "Select the sex to use",
                    "invalid_choice": "Select the sex to use",
                },
            )
        elif field == "email":
            value = forms.EmailField(
                label=label,
                max_length=254,
                error_messages={
                    "required": "Enter the email address to use",
                    "invalid": "Enter an email address in the right format, like name@example.com",
                    "max_length": "The email address must be 254 characters or fewer",
                },
            )
        else:
            value = forms.CharField(
                label=label,
                max_length=OVERRIDE_MAX_LENGTHS.get(field, 300),
                error_messages={
                    "required": f"Enter the {label[0].lower()}{label[1:]}",
                    "max_length": (
                        f"Enter {OVERRIDE_MAX_LENGTHS.get(field, 300)} characters or fewer"
                    ),
                },
            )
        # The value comes first on the page and in the error summary.
        self.fields = {"value": value, **self.fields}

    def value_text(self) -> str:
        """The cleaned value as the index stores it (a date as yyyy-mm-dd)."""
        value = self.cleaned_data["value"]
        return value.isoformat() if isinstance(value, date) else str(value)


OVERRIDE_MAX_LENGTHS = {
    "given_name": 120,
    "family_name": 120,
    "address": 300,
    "postcode": 10,
    "uprn": 12,
    "phone": 30,
}
