"""Forms for the people pages: search, purpose, emergency access and consent, in GOV.UK style."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from burgh.identity.models import DataSharingAgreement, LawfulBasis, Purpose

NAME_MAX_LENGTH = 200


class PageForm(forms.Form):
    """Field ids are the field names (`q`, not `id_q`), as GOV.UK pages expect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class RadiosWidget(forms.RadioSelect):
    """Radios whose first option carries the field's id, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        if index is None or index == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class DateInputWidget(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes sent as `<name>_day` and so on."""

    def __init__(self) -> None:
        super().__init__(
            widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value: date | None) -> list[Any]:
        return [value.day, value.month, value.year] if value else [None, None, None]

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box.
        return f"{id_}_day" if id_ else ""


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year, checked with GOV.UK's error messages."""

    widget = DateInputWidget

    def __init__(self, *, label: str, past: bool = False, **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False, max_length=4) for _ in range(3))
        super().__init__(parts, label=label, require_all_fields=False, required=False, **kwargs)
        self.past = past

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(part.strip() for part in data_list):
            return None
        day, month, year = (part.strip() for part in data_list)
        missing = [
            name
            for name, part in zip(("day", "month", "year"), (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise forms.ValidationError(
                f"{self.label} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.label} must be a real date", code="invalid")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"{self.label} must be a real date", code="invalid"
            ) from None
        if self.past and value > timezone.localdate():
            raise forms.ValidationError(f"{self.label} must be today or in the past", code="future")
        return value


class SearchForm(PageForm):
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text="Given name, family name or both, or the start of them",
        error_messages={"max_length": f"Name must be {NAME_MAX_LENGTH} characters or fewer"},
    )
    born_on = DateInputField(label="Date of birth", past=True)

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
