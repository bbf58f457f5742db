"""Forms for the people pages: search, purpose, emergency access and consent, in GOV.UK style."""

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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not (cleaned.get("q") or "").strip() and not cleaned.get("born_on"):
            self.add_error("q", "Enter a name or a date of birth")
        return cleaned


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
